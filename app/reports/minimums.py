"""Minimum levels for a catalog that has none: a few days of what the desks hand over.

An item's daily need is its recent pace (handed over per serving day in the last two weeks)
or, before the desks have served, what the active entitlement rules give a household times
the households expected a day (a rule per member counts one member a household: a floor the
pace replaces once families are served). The minimum is DAYS_OF_COVER days of that need,
enough to restock before the shelves are empty. Only minimums still at 0 are set: one a
person chose is kept.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

from sqlalchemy import func, select

from app.db import DbSession
from app.desk.models import Distribution, DistributionLine
from app.entitlements.models import EntitlementRule
from app.stock.ledger import MAX_QUANTITY
from app.stock.models import Item

DAYS_OF_COVER = 2
PACE_DAYS = 14


def daily_need(session: DbSession, *, today: date, households_a_day: int) -> dict[int, float]:
    """item id -> items needed a day, from the recent pace or else the active rules."""
    since = today - timedelta(days=PACE_DAYS)
    recent = (Distribution.served_on >= since, Distribution.served_on < today)
    serving_days = session.scalar(
        select(func.count(func.distinct(Distribution.served_on))).where(*recent)
    )
    need: dict[int, float] = {}
    if serving_days:
        given = session.execute(
            select(DistributionLine.item_id, func.sum(DistributionLine.given))
            .join(Distribution, Distribution.id == DistributionLine.distribution_id)
            .where(*recent)
            .group_by(DistributionLine.item_id)
        )
        need = {item_id: int(n or 0) / serving_days for item_id, n in given if n}
        served = session.scalar(select(func.count(Distribution.id)).where(*recent)) or 0
        households_a_day = max(1, round(served / serving_days))
    rules = session.execute(
        select(EntitlementRule.item_id, func.sum(EntitlementRule.quantity))
        .where(EntitlementRule.active.is_(True))
        .group_by(EntitlementRule.item_id)
    )
    for item_id, per_household in rules:
        need.setdefault(item_id, float(per_household or 0) * households_a_day)
    return need


def set_missing_minimums(
    session: DbSession, *, today: date, households_a_day: int
) -> dict[str, int]:
    """Give each item whose minimum is 0 one of DAYS_OF_COVER days of its daily need;
    returns {sku: minimum} of those set."""
    need = daily_need(session, today=today, households_a_day=households_a_day)
    chosen = {}
    for item in session.scalars(select(Item).where(Item.minimum == 0).order_by(Item.sku)):
        minimum = min(math.ceil(need.get(item.id, 0) * DAYS_OF_COVER), MAX_QUANTITY)
        if minimum > 0:
            item.minimum = minimum
            chosen[item.sku] = minimum
    session.flush()
    return chosen
