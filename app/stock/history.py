"""Reading the ledger: the movements of an item or a site, and on hand per site."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from app.auth.models import User
from app.db import DbSession
from app.sites.models import Site
from app.stock.models import NO_EXPIRY, Item, StockLevel, StockLot, StockMovement


@dataclass(frozen=True)
class MovementRow:
    id: int
    kind: str
    sku: str
    item_name: str
    site: str
    site_name: str
    quantity: int
    at: datetime
    by: str | None
    reason: str | None
    lot: str | None = None  # the lot the movement put stock in or took it from
    expires_on: date | None = None


def movements(
    session: DbSession,
    *,
    item_id: int | None = None,
    site_id: int | None = None,
    kinds: list[str] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int | None = None,
    movement_ids: list[int] | None = None,
) -> list[MovementRow]:
    """The movements, oldest first, narrowed by item, site, kinds and time [since, until)."""
    stmt = (
        select(
            StockMovement.id,
            StockMovement.kind,
            Item.sku,
            Item.name,
            Site.code,
            Site.name,
            StockMovement.quantity,
            StockMovement.at,
            User.username,
            StockMovement.reason,
            StockLot.lot,
            StockLot.expires_on,
        )
        .join(Item, Item.id == StockMovement.item_id)
        .join(Site, Site.id == StockMovement.site_id)
        .outerjoin(User, User.id == StockMovement.user_id)
        .outerjoin(StockLot, StockLot.id == StockMovement.lot_id)
        .order_by(StockMovement.id)
    )
    if movement_ids is not None:
        stmt = stmt.where(StockMovement.id.in_(movement_ids))
    if item_id is not None:
        stmt = stmt.where(StockMovement.item_id == item_id)
    if site_id is not None:
        stmt = stmt.where(StockMovement.site_id == site_id)
    if kinds:
        stmt = stmt.where(StockMovement.kind.in_(kinds))
    if since is not None:
        stmt = stmt.where(StockMovement.at >= since)
    if until is not None:
        stmt = stmt.where(StockMovement.at < until)
    if limit is not None:
        stmt = stmt.order_by(None).order_by(StockMovement.id.desc()).limit(limit)
    rows = [_row(row) for row in session.execute(stmt)]
    return sorted(rows, key=lambda r: r.id) if limit is not None else rows


def on_hand_by_site(session: DbSession) -> dict[int, dict[str, int]]:
    """item id -> {site code: on hand}, for every (site, item) with a figure."""
    codes = dict(session.execute(select(Site.id, Site.code)).all())
    figures: dict[int, dict[str, int]] = {}
    rows = session.execute(select(StockLevel.item_id, StockLevel.site_id, StockLevel.on_hand))
    for item_id, site_id, on_hand in rows:
        figures.setdefault(item_id, {})[codes[site_id]] = on_hand
    return figures


def _row(row: Any) -> MovementRow:
    lot, expires_on = row[-2], row[-1]
    # row[:-2] is the ten fields before these two (mypy cannot count an Any row's length).
    return MovementRow(  # type: ignore[misc]
        *row[:-2],
        lot=lot or None,
        expires_on=None if expires_on in (None, NO_EXPIRY) else expires_on,
    )
