"""The lot invariant, for the ledger's tests: per (site, item), the lot balances sum to on
hand, and no lot is below zero."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from app.stock.models import StockLevel, StockLot


def assert_lots_add_up(session: Any) -> dict[tuple[int, int], int]:
    """Checks the invariant; returns on hand per (site, item)."""
    levels = {
        (site, item): int(on_hand)
        for site, item, on_hand in session.execute(
            select(StockLevel.site_id, StockLevel.item_id, StockLevel.on_hand)
        )
    }
    in_lots = {
        (site, item): int(total)
        for site, item, total in session.execute(
            select(StockLot.site_id, StockLot.item_id, func.sum(StockLot.on_hand)).group_by(
                StockLot.site_id, StockLot.item_id
            )
        )
    }
    assert all(n >= 0 for n in session.scalars(select(StockLot.on_hand)))
    for key in levels.keys() | in_lots.keys():
        assert levels.get(key, 0) == in_lots.get(key, 0), key
    return levels
