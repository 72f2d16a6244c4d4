"""Lot balances: what is left of each lot at each site, kept by the same conditional updates as
the on-hand figures.

Every function here runs inside a movement (app/stock/ledger.py, take_stock): the caller has
changed the (site, item)'s StockLevel first, which locks that row until the transaction ends,
so the lots of one (site, item) are only ever changed by one transaction at a time and a
plan made from the rows read here is the one written. Each UPDATE still repeats
``on_hand >= quantity``, and the CHECK constraint ``on_hand >= 0`` is under it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select, update
from sqlalchemy.engine import Connection

from app.db import DbSession, dialect_insert
from app.errors import DomainError
from app.stock.models import NO_EXPIRY, StockLot

_lots = StockLot.__table__

# Built once: every handover at the desk runs these. _TAKE runs only in take_lot.
_FEFO = (
    select(_lots.c.item_id, _lots.c.id, _lots.c.on_hand)
    .where(
        _lots.c.site_id == bindparam("site_id"),
        _lots.c.item_id.in_(bindparam("item_ids", expanding=True)),
        _lots.c.on_hand > 0,
    )
    .order_by(_lots.c.item_id, _lots.c.expires_on, _lots.c.lot, _lots.c.id)
)
_TAKE = (
    update(_lots)
    .where(_lots.c.id == bindparam("p_id"), _lots.c.on_hand >= bindparam("p_quantity"))
    .values(on_hand=_lots.c.on_hand - bindparam("p_quantity"))
)


class LotsOutOfStep(DomainError):
    """The lots of a (site, item) hold less than its on-hand figure says: only a change made
    outside the ledger (by hand, in the database) can cause it."""

    code = "lots_out_of_step"
    status = 409


class LotShort(DomainError):
    """A movement that names its lot (a donation's reversal) wants more than the lot holds."""

    code = "insufficient_stock"
    status = 409


@dataclass(frozen=True)
class Piece:
    """Part of a movement: so much from (or into) one lot."""

    lot_id: int
    quantity: int


def lot_key(lot: str | None, expires_on: date | None) -> tuple[str, date]:
    """The (lot, expires_on) a lot is kept under; none of either is the unlotted lot."""
    return (lot or "").strip(), expires_on or NO_EXPIRY


def add(
    session: DbSession,
    *,
    site_id: int,
    item_id: int,
    quantity: int,
    lot: str | None = None,
    expires_on: date | None = None,
) -> int:
    """Put ``quantity`` into a lot of the site, created when new; returns the lot's id."""
    label, expires = lot_key(lot, expires_on)
    upsert = dialect_insert(session.get_bind().dialect.name)
    stmt = upsert(_lots).values(
        site_id=site_id, item_id=item_id, lot=label, expires_on=expires, on_hand=quantity
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=["site_id", "item_id", "expires_on", "lot"],
        set_={"on_hand": _lots.c.on_hand + stmt.excluded.on_hand},
    ).returning(_lots.c.id)
    return int(session.execute(stmt).scalar_one())


def take_first_expiring(
    session: DbSession, *, site_id: int, wanted: dict[int, int]
) -> dict[int, list[Piece]]:
    """Take ``wanted[item_id]`` of each item from its first-expiring lots (lots without a date
    last); returns the pieces taken per item. One SELECT for all the items, one UPDATE per
    lot touched."""
    wanted = {item_id: n for item_id, n in wanted.items() if n > 0}
    if not wanted:
        return {}
    conn = session.connection()
    rows = conn.execute(_FEFO, {"site_id": site_id, "item_ids": sorted(wanted)}).all()
    left = dict(wanted)
    pieces: dict[int, list[Piece]] = {item_id: [] for item_id in wanted}
    for item_id, lot_id, on_hand in rows:
        if left[item_id] <= 0:
            continue
        share = min(int(on_hand), left[item_id])
        left[item_id] -= share
        pieces[item_id].append(Piece(lot_id, share))
    if any(left.values()):
        raise LotsOutOfStep(_l("The lots of this item do not add up to its stock."))
    every = [piece for item_pieces in pieces.values() for piece in item_pieces]
    if not take_lots(conn, every):
        raise LotsOutOfStep(_l("The lots of this item do not add up to its stock."))
    return pieces


def take_from(session: DbSession, *, lot_id: int, quantity: int) -> Piece:
    """Take ``quantity`` from one named lot, or raise LotShort and take none."""
    piece = Piece(lot_id, quantity)
    if not take_lot(session.connection(), piece):
        raise LotShort(_l("That lot no longer holds %(quantity)s.", quantity=quantity))
    return piece


def find(
    session: DbSession, *, site_id: int, item_id: int, lot: str | None, expires_on: date | None
) -> int | None:
    """The id of a lot of the site, if it was ever stocked."""
    label, expires = lot_key(lot, expires_on)
    return session.scalar(
        select(StockLot.id).where(
            StockLot.site_id == site_id,
            StockLot.item_id == item_id,
            StockLot.expires_on == expires,
            StockLot.lot == label,
        )
    )


def take_lot(conn: Connection, piece: Piece) -> bool:
    """Take ``piece.quantity`` off its lot if the lot holds that much; False (and nothing
    taken) if not. The one conditional UPDATE on lot balances: every way of taking from a lot
    goes through here, as every way of taking stock goes through ``ledger.take_level`` (but a
    handover on PostgreSQL: ``at_once``, the same condition in one statement)."""
    params = {"p_id": piece.lot_id, "p_quantity": piece.quantity}
    return conn.execute(_TAKE, params).rowcount == 1


def take_lots(conn: Connection, pieces: list[Piece]) -> bool:
    """``take_lot`` for several pieces, one call to the driver: True when every lot held its
    piece. False means one did not and the caller must roll back (the others were taken)."""
    params = [{"p_id": piece.lot_id, "p_quantity": piece.quantity} for piece in pieces]
    return not params or conn.execute(_TAKE, params).rowcount == len(params)
