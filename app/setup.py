"""First-run set-up: the default site, catalog and entitlement rules of a new database."""

from __future__ import annotations

from sqlalchemy import select

from app.db import DbSession
from app.entitlements.models import EntitlementRule
from app.programmes.models import Programme
from app.programmes.services import starting_programme
from app.sites.models import Site
from app.stock.models import Item

DEFAULT_SITE = ("MAIN", "Main distribution point")
# The names the desk reads aloud in the other interface languages (app/names.py).
NAMES = {
    "Main distribution point": {
        "ro": "Punctul principal de distribuire",
        "uk": "Головний пункт видачі",
    },
    "Food parcel": {"ro": "Pachet alimentar", "uk": "Продуктовий набір"},
    "Hygiene kit": {"ro": "Trusă de igienă", "uk": "Гігієнічний набір"},
    "Baby pack": {"ro": "Pachet pentru bebeluși", "uk": "Набір для немовляти"},
    "Voucher for a child": {"ro": "Voucher pentru copil", "uk": "Ваучер на дитину"},
    "Medical voucher": {"ro": "Voucher medical", "uk": "Медичний ваучер"},
}

# (sku, name, category, rule): rule is (per, under_age, min_age, include_flagged).
DEFAULT_CATALOG = (
    ("FOOD", "Food parcel", "food", ("household", None, None, False)),
    ("HYGIENE", "Hygiene kit", "hygiene", ("household", None, None, False)),
    ("BABY", "Baby pack", "baby", ("member", 2, None, False)),
    ("CHILD-VOUCHER", "Voucher for a child", "voucher", ("member", 18, None, False)),
    ("MEDICAL-VOUCHER", "Medical voucher", "medical_voucher", ("member", None, 65, True)),
)


def seed_defaults(session: DbSession, site_code: str = DEFAULT_SITE[0]) -> list[str]:
    """Create what an empty database needs; returns what it created. Safe to run again."""
    created = []
    if session.scalar(select(Site.id).where(Site.code == site_code)) is None:
        name = DEFAULT_SITE[1] if site_code == DEFAULT_SITE[0] else site_code
        session.add(Site(code=site_code, name=name, kind="distribution", names=NAMES.get(name, {})))
        created.append(f"site {site_code}")
    if session.scalar(select(Item.id).limit(1)) is None:
        for sku, name, category, _ in DEFAULT_CATALOG:
            session.add(Item(sku=sku, name=name, category=category, names=NAMES[name]))
        session.flush()
        created.append("default catalog")
    if session.scalar(select(Programme.id).where(Programme.starting.is_(True))) is None:
        created.append(f"programme {starting_programme(session).code}")
    if session.scalar(select(EntitlementRule.id).limit(1)) is None:
        starting = starting_programme(session)
        items = {i.sku: i for i in session.scalars(select(Item))}
        for sku, _, _, (per, under_age, min_age, flagged) in DEFAULT_CATALOG:
            if sku in items:
                session.add(
                    EntitlementRule(
                        item_id=items[sku].id,
                        programme_id=starting.id,
                        per=per,
                        quantity=1,
                        under_age=under_age,
                        min_age=min_age,
                        include_flagged=flagged,
                    )
                )
        created.append("default entitlement rules")
    session.flush()
    return created
