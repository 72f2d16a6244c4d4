"""The entitlement rules in force."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.entitlements.models import EntitlementRule
from app.entitlements.rules import Rule
from app.stock.models import Item


def active_rules(session: Session) -> list[Rule]:
    rows = session.execute(
        select(EntitlementRule, Item.sku)
        .join(Item, Item.id == EntitlementRule.item_id)
        .where(EntitlementRule.active.is_(True))
        .order_by(EntitlementRule.id)
    )
    return [
        Rule(
            item_id=rule.item_id,
            sku=sku,
            per=rule.per,
            quantity=rule.quantity,
            under_age=rule.under_age,
            min_age=rule.min_age,
            include_flagged=rule.include_flagged,
        )
        for rule, sku in rows
    ]
