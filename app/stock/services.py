"""Stock levels: putting items on the shelves, taking them off for a handover, and what is
on hand. Every change is a movement.

On hand never goes below zero: the CHECK constraint on stock_levels says so, and taking
stock is the ledger's one conditional UPDATE (``ledger.take_level``, ``on_hand >= quantity``)
on a row locked for the transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, insert, select

from app.audit.trail import write_noted_now
from app.db import DbSession, utcnow
from app.stock import at_once, ledger, lots
from app.stock.ledger import InsufficientStock, movement_row, put
from app.stock.models import Item, StockLevel, StockMovement


def add_stock(
    session: DbSession,
    *,
    site_id: int,
    item_id: int,
    quantity: int,
    kind: str,
    user_id: int | None,
    donation_id: int | None = None,
    at: datetime | None = None,
    lot: str | None = None,
    expires_on: date | None = None,
) -> None:
    """Put ``quantity`` on the shelves, in its lot, and record the movement, in the caller's
    transaction."""
    put(
        session,
        site_id=site_id,
        item_id=item_id,
        quantity=quantity,
        kind=kind,
        user_id=user_id,
        at=at or utcnow(),
        donation_id=donation_id,
        lot=lot,
        expires_on=expires_on,
    )


_levels = StockLevel.__table__
_moves = StockMovement.__table__
# Built once: every scan and every handover at the desk runs these.
_ON_HAND = select(_levels.c.item_id, _levels.c.on_hand).where(
    _levels.c.site_id == bindparam("site_id"),
    _levels.c.item_id.in_(bindparam("item_ids", expanding=True)),
)
_LOCK_ON_HAND = _ON_HAND.order_by(_levels.c.item_id).with_for_update()
_INSERT_MOVE = insert(_moves)


def take_stock(
    session: DbSession,
    *,
    site_id: int,
    wanted: dict[int, int],
    kind: str,
    user_id: int | None,
    distribution_id: int | None = None,
    at: datetime | None = None,
) -> dict[int, int]:
    """Take up to ``wanted[item_id]`` of each item off the shelves; returns what was taken.

    The rows are locked first, in item order (FOR UPDATE on PostgreSQL; on SQLite the writer
    holds the database), and each UPDATE repeats ``on_hand >= quantity`` so the database has
    the last word. The items come off their first-expiring lots; every quantity taken from a
    lot is a movement. On PostgreSQL all of that after the lock is one statement
    (``at_once.take``, decision 0036): the fewer round trips under the lock, the sooner the
    next desk has the rows.
    """
    if not wanted:
        return {}
    conn = session.connection()
    in_one = conn.dialect.name == "postgresql"
    if in_one:
        write_noted_now(conn)  # the events so far, before the rows every desk takes
    on_hand = dict(
        conn.execute(_LOCK_ON_HAND, {"site_id": site_id, "item_ids": sorted(wanted)}).all()
    )
    taken = {
        item_id: min(quantity, on_hand.get(item_id, 0)) for item_id, quantity in wanted.items()
    }
    now = at or utcnow()
    if in_one:
        at_once.take(
            conn,
            site_id=site_id,
            taken=taken,
            kind=kind,
            user_id=user_id,
            distribution_id=distribution_id,
            at=now,
        )
        return taken
    positive = {item_id: n for item_id, n in taken.items() if n > 0}
    if not ledger.take_levels(conn, site_id=site_id, taken=positive):
        raise InsufficientStock(_l("The stock changed while it was being taken; try again."))
    pieces = lots.take_first_expiring(session, site_id=site_id, wanted=taken)
    links = {"distribution_id": distribution_id}
    moves = [
        movement_row(
            kind, item_id, site_id, -piece.quantity, now, user_id, None, links, piece.lot_id
        )
        for item_id in sorted(pieces)
        for piece in pieces[item_id]
    ]
    if moves:
        conn.execute(_INSERT_MOVE, moves)
    return taken


@dataclass(frozen=True)
class StockRow:
    item: Item
    on_hand: int


def stock_on_hand(session: DbSession, site_id: int | None = None) -> list[StockRow]:
    """Every item of the catalog with what is on hand (at one site, or everywhere)."""
    totals = select(StockLevel.item_id, func.sum(StockLevel.on_hand).label("on_hand"))
    if site_id is not None:
        totals = totals.where(StockLevel.site_id == site_id)
    sub = totals.group_by(StockLevel.item_id).subquery()
    rows = session.execute(
        select(Item, func.coalesce(sub.c.on_hand, 0))
        .outerjoin(sub, sub.c.item_id == Item.id)
        .order_by(Item.sku)
    )
    return [StockRow(item, int(on_hand)) for item, on_hand in rows]


def on_hand_by_item(session: DbSession, site_id: int, item_ids: list[int]) -> dict[int, int]:
    if not item_ids:
        return {}
    rows = session.connection().execute(_ON_HAND, {"site_id": site_id, "item_ids": item_ids})
    return dict(rows.all())
