"""Lots by expiry, and writing off the expired ones.

A lot is stock of one item at one site with one lot number and expiry date; what is left of
it is kept in stock_lots by every movement (app/stock/lots.py). Lots without an expiry date
are not listed here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, case, func, select

from app.db import DbSession
from app.sites.models import Site
from app.stock.ledger import take
from app.stock.models import NO_EXPIRY, Item, StockLevel, StockLot


@dataclass(frozen=True)
class Lot:
    site_id: int
    site: str
    item_id: int
    sku: str
    name: str
    lot: str | None
    expires_on: date
    quantity: int
    days_left: int
    id: int = 0

    @property
    def expired(self) -> bool:
        return self.days_left < 0


def _dated(site_id: int | None) -> list[ColumnElement[bool]]:
    """Lots with a date and something in them, at one site or all."""
    where = [StockLot.on_hand > 0, StockLot.expires_on < NO_EXPIRY]
    if site_id is not None:
        where.append(StockLot.site_id == site_id)
    return where


def lots_by_expiry(
    session: DbSession,
    *,
    site_id: int | None,
    today: date,
    limit: int | None = None,
    expired_only: bool = False,
) -> list[Lot]:
    """Lots still on the shelves with an expiry date, first-expiring first."""
    stmt = (
        select(
            StockLot.site_id,
            Site.name,
            StockLot.item_id,
            Item.sku,
            Item.name,
            StockLot.lot,
            StockLot.expires_on,
            StockLot.on_hand,
            StockLot.id,
        )
        .join(Item, Item.id == StockLot.item_id)
        .join(Site, Site.id == StockLot.site_id)
        .where(*_dated(site_id))
        .order_by(StockLot.expires_on, Item.sku, Site.name, StockLot.lot)
    )
    if expired_only:
        stmt = stmt.where(StockLot.expires_on < today)
    if limit is not None:
        stmt = stmt.limit(limit)
    return [
        Lot(
            site,
            site_name,
            item,
            sku,
            name,
            lot or None,
            expires,
            int(n),
            (expires - today).days,
            id_,
        )
        for site, site_name, item, sku, name, lot, expires, n, id_ in session.execute(stmt)
    ]


def count_lots(session: DbSession, *, site_id: int | None, today: date) -> tuple[int, int]:
    """How many dated lots are on the shelves, and how many of them have expired."""
    expired = func.sum(case((StockLot.expires_on < today, 1), else_=0))
    total, gone = session.execute(select(func.count(), expired).where(*_dated(site_id))).one()
    return int(total or 0), int(gone or 0)


def write_off_expired(
    session: DbSession, *, site_id: int, today: date, user_id: int | None, at: datetime
) -> list[Lot]:
    """Take every expired lot of the site off the shelves, all of what each still holds, one
    write-off movement each."""
    # Lock the site's figures first (FOR UPDATE on PostgreSQL), so the lots read are the ones
    # taken.
    session.execute(
        select(StockLevel.item_id)
        .where(StockLevel.site_id == site_id)
        .order_by(StockLevel.item_id)
        .with_for_update()
    ).all()
    expired = lots_by_expiry(session, site_id=site_id, today=today, expired_only=True)
    for lot in sorted(expired, key=lambda lot: (lot.item_id, lot.id)):
        label = f"lot {lot.lot}, " if lot.lot else ""
        take(
            session,
            site_id=site_id,
            item_id=lot.item_id,
            quantity=lot.quantity,
            kind="expiry_writeoff",
            user_id=user_id,
            at=at,
            reason=f"{label}expired {lot.expires_on.isoformat()}",
            lot_id=lot.id,
        )
    return expired
