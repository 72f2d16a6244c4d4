"""Changing the entitlement rules. A rule is never edited in place: it is retired and, for a
change, a new one added, so what a past visit was entitled to stays readable; past
distributions keep their own lines either way. The desk reads the active rules on every scan,
so a change shows at the next scan."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from app.db import DbSession
from app.entitlements.models import EntitlementRule
from app.errors import NotFound, ValidationFailed
from app.stock.catalog import find_item

PER = ("household", "member")


def add_rule(
    session: DbSession,
    *,
    sku: str,
    per: str,
    quantity: int,
    under_age: int | None = None,
    min_age: int | None = None,
    include_flagged: bool = False,
    programme_id: int,
) -> EntitlementRule:
    """A rule of a programme (programmes.services.add_rule checks the programme and counts
    the change in its version). Per household, or per member (every member, or those under
    an age, at least an age, or flagged with a disability or chronic disease)."""
    fields = {}
    if per not in PER:
        fields["per"] = _l("household or member")
    if isinstance(quantity, bool) or not 1 <= quantity <= 100:
        fields["quantity"] = _l("a whole number from 1 to 100")
    for name, age in (("under_age", under_age), ("min_age", min_age)):
        if age is not None and not 0 < age <= 120:
            fields[name] = _l("an age from 1 to 120")
    if per == "household" and (under_age or min_age or include_flagged):
        fields["per"] = _l("member, for a rule about ages or flags")
    if fields:
        raise ValidationFailed(fields)
    item = find_item(session, sku)
    rule = EntitlementRule(
        item_id=item.id,
        programme_id=programme_id,
        per=per,
        quantity=quantity,
        under_age=under_age,
        min_age=min_age,
        include_flagged=include_flagged,
    )
    session.add(rule)
    session.flush()
    return rule


def retire_rule(session: DbSession, rule_id: int) -> int:
    """Retire a rule in force; answers its programme's id."""
    programme_id = session.execute(
        update(EntitlementRule)
        .where(EntitlementRule.id == rule_id, EntitlementRule.active.is_(True))
        .values(active=False)
        .returning(EntitlementRule.programme_id)
    ).scalar()
    if programme_id is None:
        raise NotFound(_l("No such rule in force."))
    return int(programme_id)


def rules_in_force(session: DbSession) -> list[EntitlementRule]:
    """Every programme's rules in force, a programme's together."""
    return list(
        session.scalars(
            select(EntitlementRule)
            .where(EntitlementRule.active.is_(True))
            .order_by(EntitlementRule.programme_id, EntitlementRule.id)
        )
    )
