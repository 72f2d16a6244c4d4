"""The entitlement rules in force."""

from __future__ import annotations

from sqlalchemy import select

from app.db import DbSession
from app.entitlements.models import EntitlementRule
from app.entitlements.rules import Rule
from app.stock.models import Item

_rules = EntitlementRule.__table__
_items = Item.__table__
# Built once: every scan at the desk reads the rules.
_ACTIVE_RULES = (
    select(
        _rules.c.item_id,
        _items.c.sku,
        _rules.c.per,
        _rules.c.quantity,
        _rules.c.under_age,
        _rules.c.min_age,
        _rules.c.include_flagged,
        _items.c.name,
        _items.c.serial_tracked,
        _rules.c.programme_id,
    )
    .join(_items, _items.c.id == _rules.c.item_id)
    .where(_rules.c.active.is_(True))
    .order_by(_rules.c.id)
)


def active_rules(session: DbSession) -> list[Rule]:
    """Every programme's rules in force."""
    return [Rule(**row._asdict()) for row in session.connection().execute(_ACTIVE_RULES)]


def rules_of(session: DbSession, programme_id: int) -> list[Rule]:
    """One programme's rules in force."""
    return [
        Rule(**row._asdict())
        for row in session.connection().execute(
            _ACTIVE_RULES.where(_rules.c.programme_id == programme_id)
        )
    ]
