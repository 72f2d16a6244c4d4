"""Export and erasure of a household or a person, and the retention rule.

Erasure removes who the people were, and keeps what happened: the household row stays as an
empty shell (its id, site and registration day, so "new households" of that day still
counts it), and so do its visits (Distribution.people, VisitPeople by sex and age band, the
items), refusals, handovers not made and handovers made offline, which name no one.
Everything else that points at the household or at its members is deleted, found through the
foreign keys of the schema: documents, search keys, cards, and any table added later that
refers to members or households (consents, health flags, photos), without editing this module.
A column whose name holds "photo" is read first, and the file it names is deleted.

Nothing else may keep them either (stored API answers, imports not yet imported, SQLite's
log), and the register of erasures keeps the ids and the moment: privacy.traces.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Table, delete, func, select, update

from app.audit.trail import record
from app.cards.models import Card
from app.db import Base, DbSession
from app.desk.models import DeclinedHandover, Distribution, DistributionLine, Refusal
from app.desk.offline_models import OfflineHandover
from app.errors import DomainError, NotFound
from app.households.models import Household, Member
from app.privacy.traces import forget_copies, note_erasure
from app.sites.models import Site
from app.stock.models import Item
from app.tickets.models import Ticket

# What stays of an erased household: anonymous counts, which the reports read.
KEPT = frozenset(
    {
        "households",
        "distributions",
        "distribution_lines",
        "visit_people",
        "refusals",
        "declined_handovers",
        "offline_handovers",
        "offline_handover_lines",
        "handover_bases",
    }
)
# Rows that stay with their link to the person cleared: a voucher handed over stays issued (its
# serial must never be issued again, and the stock report counts it), to no one.
UNLINKED = frozenset({"vouchers"})


class Erased(DomainError):
    code = "erased"
    status = 410


@dataclass(frozen=True)
class Erasure:
    household_id: int
    members: int
    files: int


def _household(session: DbSession, household_id: int) -> Household:
    household = session.get(Household, household_id)
    if household is None:
        raise NotFound(_l("No household %(household_id)s.", household_id=household_id))
    if household.erased_at is not None:
        raise Erased(_l("Household %(household_id)s was erased.", household_id=household_id))
    return household


def _day(value: date | datetime | None) -> str | None:
    return value.isoformat() if value else None


def household_record(session: DbSession, household_id: int) -> dict[str, Any]:
    """Everything held about a household and its people (the right of access)."""
    household = _household(session, household_id)
    cards = session.scalars(
        select(Card).where(Card.household_id == household_id).order_by(Card.id)
    ).all()
    visits = session.execute(
        select(Distribution, Site.code)
        .join(Site, Site.id == Distribution.site_id)
        .where(Distribution.household_id == household_id)
        .order_by(Distribution.served_on)
    ).all()
    lines = session.execute(
        select(
            DistributionLine.distribution_id,
            Item.sku,
            DistributionLine.entitled,
            DistributionLine.given,
        )
        .join(Item, Item.id == DistributionLine.item_id)
        .join(Distribution, Distribution.id == DistributionLine.distribution_id)
        .where(Distribution.household_id == household_id)
        .order_by(DistributionLine.id)
    ).all()
    refusals = session.scalars(
        select(Refusal.refused_on).where(Refusal.household_id == household_id)
    ).all()
    declined = session.execute(
        select(DeclinedHandover.declined_on, DeclinedHandover.reason)
        .where(DeclinedHandover.household_id == household_id)
        .order_by(DeclinedHandover.id)
    ).all()
    offline = session.execute(
        select(OfflineHandover.served_on, OfflineHandover.outcome)
        .where(OfflineHandover.household_id == household_id)
        .order_by(OfflineHandover.id)
    ).all()
    return {
        "household": {
            "id": household.id,
            "registered_on": _day(household.registered_on),
            "phone": household.phone,
            "locality": household.locality,
            "last_served_on": _day(household.last_served_on),
            **_extra_columns(household, {"erased_at"}),
            **_related(session, "households", household.id, {"members", "cards"}),
        },
        "members": [
            {
                "id": m.id,
                "given_name": m.given_name,
                "family_name": m.family_name,
                "given_name_native": m.given_name_native,
                "family_name_native": m.family_name_native,
                "birth_date": _day(m.birth_date),
                "sex": m.sex,
                "relationship": m.relationship,
                "disability": m.disability,
                "chronic_disease": m.chronic_disease,
                "registered_at": _day(m.created_at),
                **_extra_columns(m, MEMBER_COLUMNS),
                **_related(session, "members", m.id, {"documents", "name_keys", "name_pairs"}),
                "documents": [
                    {
                        "type": d.type,
                        "number": d.number,
                        "country": d.country,
                        "expires_on": _day(d.expires_on),
                    }
                    for d in m.documents
                ],
            }
            for m in household.members
        ],
        "cards": [
            {
                "number": c.number,
                "issued_at": _day(c.issued_at),
                "reason": c.reason,
                "revoked_at": _day(c.revoked_at),
            }
            for c in cards
        ],
        "visits": [
            {
                "served_on": _day(d.served_on),
                "site": site,
                "without_card": d.without_card,
                "people": d.people,
                "items": [
                    {"sku": sku, "entitled": entitled, "given": given}
                    for distribution_id, sku, entitled, given in lines
                    if distribution_id == d.id
                ],
            }
            for d, site in visits
        ],
        "refused_on": [_day(day) for day in refusals],
        "not_handed_over": [{"on": _day(day), "reason": reason} for day, reason in declined],
        "handed_over_offline": [{"on": _day(day), "outcome": o} for day, o in offline],
    }


_PLAIN = (str, int, float, bool, type(None))
MEMBER_COLUMNS = {
    "given_name",
    "family_name",
    "given_name_native",
    "family_name_native",
    "birth_date",
    "sex",
    "relationship",
    "disability",
    "chronic_disease",
    "household_id",
}


def _plain(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value if isinstance(value, _PLAIN) else str(value)


def _related(session: DbSession, table_name: str, row_id: int, known: set[str]) -> dict[str, Any]:
    """Rows of tables added later that point at this member or household (consents, flags):
    the export holds them too, without editing this module."""
    found: dict[str, Any] = {}
    for table, column in _referring(table_name):
        if table.name in known:
            continue
        rows = session.execute(select(table).where(column == row_id)).mappings().all()
        found[table.name] = [{k: _plain(v) for k, v in row.items()} for row in rows]
    return found


def _extra_columns(row: Any, skip: set[str]) -> dict[str, Any]:
    """Columns added by other modules since this export was written, so none is left out."""
    known = {
        "id",
        "site_id",
        "registered_on",
        "created_at",
        "created_by_id",
        "phone",
        "locality",
        "last_served_on",
    } | skip
    extra = {}
    for column in row.__table__.columns:
        if column.name not in known:
            value = getattr(row, column.key, None)
            extra[column.name] = value if isinstance(value, _PLAIN) else str(value)
    return extra


def _referring(table_name: str) -> list[tuple[Table, Any]]:
    """Every (table, column) whose foreign key points at ``table_name``, children first."""
    found = []
    for table in reversed(Base.metadata.sorted_tables):
        for fk in table.foreign_keys:
            if fk.column.table.name == table_name and table.name not in KEPT:
                found.append((table, fk.parent))
    return found


def _delete_photos(session: DbSession, table: Table, where: Any, upload_root: Path | None) -> int:
    columns = [c for c in table.columns if "photo" in c.name]
    deleted = 0
    for column in columns:
        for path in session.scalars(select(column).where(where)):
            if isinstance(path, str) and path:
                file = (
                    Path(path)
                    if Path(path).is_absolute() or upload_root is None
                    else (upload_root / path)
                )
                if file.is_file():
                    file.unlink()
                    deleted += 1
    return deleted


def _delete_under(
    session: DbSession, table_name: str, ids: list[int], upload_root: Path | None
) -> int:
    """Delete the rows of every table that points at these rows of ``table_name``."""
    files = 0
    if not ids:
        return files
    for table, column in _referring(table_name):
        where = column.in_(ids)
        files += _delete_photos(session, table, where, upload_root)
        if table.name == "cards":
            card_ids = list(session.scalars(select(table.c.id).where(where)))
            # A queue ticket keeps its number and times, and loses its card (decision 0032).
            for visits in (Distribution, OfflineHandover, Ticket) if card_ids else ():
                session.execute(
                    update(visits)
                    .where(visits.card_id.in_(card_ids))
                    .values(card_id=None)
                    .execution_options(synchronize_session=False)
                )
        if table.name in UNLINKED:
            session.execute(
                update(table)
                .where(where)
                .values({column.name: None})
                .execution_options(synchronize_session=False)
            )
            continue
        session.execute(delete(table).where(where).execution_options(synchronize_session=False))
    return files


def erase_household(
    session: DbSession, household_id: int, *, now: datetime, upload_root: Path | None = None
) -> Erasure:
    """Remove who the household's people were; keep its visits as anonymous counts."""
    household = _household(session, household_id)
    member_ids = [m.id for m in household.members]
    since = household.created_at
    forget_copies(session, since, household_ids=[household_id], member_ids=member_ids, now=now)
    files = _delete_photos(session, Household.__table__, Household.id == household_id, upload_root)
    files += _delete_photos(session, Member.__table__, Member.id.in_(member_ids), upload_root)
    files += _delete_under(session, "members", member_ids, upload_root)
    files += _delete_under(session, "households", [household_id], upload_root)
    if member_ids:
        session.execute(
            delete(Member)
            .where(Member.id.in_(member_ids))
            .execution_options(synchronize_session=False)
        )
    blank = {
        c.key: None
        for c in Household.__table__.columns
        if c.nullable and c.name not in {"created_by_id", "erased_at"}
    }
    session.execute(
        update(Household)
        .where(Household.id == household_id)
        .values(**blank, erased_at=now)
        .execution_options(synchronize_session=False)
    )
    note_erasure(session, "households", household_id, now)
    record(session.connection(), "erase", "households", household_id)
    session.expire_all()  # the rows went by statements: nothing stale may be read or flushed
    return Erasure(household_id, len(member_ids), files)


def erase_member(
    session: DbSession, member_id: int, *, now: datetime, upload_root: Path | None = None
) -> Erasure:
    """Remove one person; the head stands for the household, so erasing the head erases it."""
    member = session.get(Member, member_id)
    if member is None:
        raise NotFound(_l("No person %(member_id)s.", member_id=member_id))
    household_id = member.household_id
    if member.relationship == "head":
        return erase_household(session, household_id, now=now, upload_root=upload_root)
    since = member.created_at
    forget_copies(session, since, household_ids=[], member_ids=[member_id], now=now)
    files = _delete_photos(session, Member.__table__, Member.id == member_id, upload_root)
    files += _delete_under(session, "members", [member_id], upload_root)
    session.execute(delete(Member).where(Member.id == member_id))
    note_erasure(session, "members", member_id, now)
    record(session.connection(), "erase", "members", member_id)
    session.expire_all()
    return Erasure(household_id, 1, files)


def _months_before(day: date, months: int) -> date:
    month = day.month - 1 - months
    year = day.year + month // 12
    month = month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def due_for_retention(session: DbSession, today: date, months: int) -> list[int]:
    """Households not seen (served, or registered if never served) for ``months`` months."""
    cutoff = _months_before(today, months)
    last_seen = func.coalesce(Household.last_served_on, Household.registered_on)
    return list(
        session.scalars(
            select(Household.id)
            .where(Household.erased_at.is_(None), last_seen < cutoff)
            .order_by(Household.id)
        )
    )


def apply_retention(
    session: DbSession, today: date, months: int, *, now: datetime, upload_root: Path | None = None
) -> list[int]:
    due = due_for_retention(session, today, months)
    for household_id in due:
        erase_household(session, household_id, now=now, upload_root=upload_root)
    return due
