"""The stock ledger: every change of stock is an append-only movement, and the on-hand figure
of its (site, item) and of its lots change in the same transaction.

Stock in is an upsert that adds to on hand and to its lot. Stock out is a conditional UPDATE
(``on_hand >= quantity``) whose row count says whether there was enough, then the same on
the lots it takes from (first-expiring first, or the lot it names); the CHECK constraints
``on_hand >= 0`` are the last word under both. A count correction sets on hand to what was
counted with a conditional UPDATE on the figure it read, so a handover between the read and
the write makes it retry rather than overwrite. See docs/decisions/0008-stock-ledger.md and
docs/decisions/0010-lot-balances.md.

``take_level`` is the one conditional UPDATE that takes stock off a (site, item): the desk's
handover (``services.take_stock``), adjustments, transfers, expiry write-offs and
reversals all call it; ``lots.take_lot`` is its twin for lot balances. The one exception is
the handover on PostgreSQL, whose stock is one statement (``at_once``, decision 0036) with
the same two conditions in its UPDATEs. Sites live in
app/sites/, transfers in app/stock/transfers.py and reading the ledger in
app/stock/history.py.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.engine import Connection

from app.db import DbSession, dialect_insert
from app.errors import DomainError, ValidationFailed
from app.stock import lots
from app.stock.models import StockLevel, StockMovement
from app.text import has_control_characters

MAX_QUANTITY = 1_000_000

_levels = StockLevel.__table__
_moves = StockMovement.__table__
_INSERT_RETURNING = insert(_moves).returning(_moves.c.id)
# The one statement that takes stock off a (site, item) figure, built once: every handover at
# the desk runs it. Its row count says whether there was enough.
_TAKE_LEVEL = (
    update(_levels)
    .where(
        _levels.c.site_id == bindparam("p_site_id"),
        _levels.c.item_id == bindparam("p_item_id"),
        _levels.c.on_hand >= bindparam("p_quantity"),
    )
    .values(on_hand=_levels.c.on_hand - bindparam("p_quantity"))
)


class InsufficientStock(DomainError):
    code = "insufficient_stock"
    status = 409


class StockChanged(DomainError):
    code = "stock_changed"
    status = 409


def check_reason(reason: str | None, fields: dict[str, str]) -> str:
    """A reason is required for every movement a person decides (adjustment, transfer)."""
    text = (reason or "").strip()
    if not text or len(text) > 200 or has_control_characters(text):
        fields["reason"] = _l("1-200 characters saying why")
    return text


def check_quantity(
    quantity: int, fields: dict[str, str], field: str = "quantity", *, signed: bool = False
) -> None:
    low = -MAX_QUANTITY if signed else 1
    if isinstance(quantity, bool) or not low <= quantity <= MAX_QUANTITY or quantity == 0:
        fields[field] = (
            _l("a whole number from -%(n)s to %(n)s, not 0", n=MAX_QUANTITY)
            if signed
            else _l("a whole number from 1 to %(n)s", n=MAX_QUANTITY)
        )


def _record(session: DbSession, values: dict[str, Any]) -> int:
    return int(session.execute(_INSERT_RETURNING, values).scalar_one())


def put(
    session: DbSession,
    *,
    site_id: int,
    item_id: int,
    quantity: int,
    kind: str,
    user_id: int | None,
    at: datetime,
    reason: str | None = None,
    lot: str | None = None,
    expires_on: date | None = None,
    **links: int | None,
) -> int:
    """Put ``quantity`` on the shelves of a site, in its lot (the unlotted one when neither
    ``lot`` nor ``expires_on`` is given), and record it; returns the movement's id."""
    upsert = dialect_insert(session.get_bind().dialect.name)
    stmt = upsert(StockLevel).values(site_id=site_id, item_id=item_id, on_hand=quantity)
    session.execute(
        stmt.on_conflict_do_update(
            index_elements=["site_id", "item_id"],
            set_={"on_hand": StockLevel.on_hand + stmt.excluded.on_hand},
        )
    )
    lot_id = lots.add(
        session,
        site_id=site_id,
        item_id=item_id,
        quantity=quantity,
        lot=lot,
        expires_on=expires_on,
    )
    return _record(
        session, movement_row(kind, item_id, site_id, quantity, at, user_id, reason, links, lot_id)
    )


def take_level(db: DbSession | Connection, *, site_id: int, item_id: int, quantity: int) -> bool:
    """Take ``quantity`` off the on-hand figure of (site, item) if it holds that much; False
    (and nothing taken) if not. The conditional UPDATE decides, so two desks taking the last
    box cannot both have it; every way of taking stock goes through here or ``take_levels``,
    but a handover on PostgreSQL (``at_once``, the same condition in one statement)."""
    params = {"p_site_id": site_id, "p_item_id": item_id, "p_quantity": quantity}
    return db.execute(_TAKE_LEVEL, params).rowcount == 1  # type: ignore[attr-defined]


def take_levels(conn: Connection, *, site_id: int, taken: dict[int, int]) -> bool:
    """``take_level`` for several items at once (a handover's), one call to the driver: True
    when every item held its quantity. False means one did not and the caller must roll back
    (the others were taken)."""
    params = [
        {"p_site_id": site_id, "p_item_id": item_id, "p_quantity": quantity}
        for item_id, quantity in sorted(taken.items())
    ]
    return not params or conn.execute(_TAKE_LEVEL, params).rowcount == len(params)


def take(
    session: DbSession,
    *,
    site_id: int,
    item_id: int,
    quantity: int,
    kind: str,
    user_id: int | None,
    at: datetime,
    reason: str | None = None,
    lot_id: int | None = None,
    **links: int | None,
) -> list[int]:
    """Take exactly ``quantity`` off the shelves, or raise InsufficientStock and take none.

    It comes from the lot ``lot_id`` when given, else from the first-expiring lots; one
    movement per lot taken from. Returns the movements' ids."""
    if not take_level(session, site_id=site_id, item_id=item_id, quantity=quantity):
        have = on_hand_of(session, site_id, item_id)
        raise InsufficientStock(
            _l("Only %(have)s on hand; cannot take %(quantity)s.", have=have, quantity=quantity),
            on_hand=have,
            wanted=quantity,
        )
    if lot_id is not None:
        pieces = [lots.take_from(session, lot_id=lot_id, quantity=quantity)]
    else:
        pieces = lots.take_first_expiring(session, site_id=site_id, wanted={item_id: quantity})[
            item_id
        ]
    return [
        _record(
            session,
            movement_row(
                kind, item_id, site_id, -piece.quantity, at, user_id, reason, links, piece.lot_id
            ),
        )
        for piece in pieces
    ]


def move(session: DbSession, *, quantity: int, **kwargs: Any) -> list[int]:
    """A signed movement: positive puts (into the unlotted lot), negative takes (first-expiring
    lots first). Returns the movements' ids."""
    if quantity > 0:
        return [put(session, quantity=quantity, **kwargs)]
    return take(session, quantity=-quantity, **kwargs)


def movement_row(
    kind: str,
    item_id: int,
    site_id: int,
    quantity: int,
    at: datetime,
    user_id: int | None,
    reason: str | None,
    links: dict[str, int | None],
    lot_id: int | None = None,
) -> dict[str, Any]:
    """The values of one stock_movements row (``links``: the donation, distribution, transfer
    or voucher batch it belongs to)."""
    return {
        "kind": kind,
        "item_id": item_id,
        "site_id": site_id,
        "quantity": quantity,
        "at": at,
        "user_id": user_id,
        "reason": reason,
        "donation_id": links.get("donation_id"),
        "distribution_id": links.get("distribution_id"),
        "transfer_id": links.get("transfer_id"),
        "voucher_batch_id": links.get("voucher_batch_id"),
        "lot_id": lot_id,
    }


def on_hand_of(session: DbSession, site_id: int, item_id: int) -> int:
    value = session.scalar(
        select(StockLevel.on_hand).where(
            StockLevel.site_id == site_id, StockLevel.item_id == item_id
        )
    )
    return int(value or 0)


# --- Adjustments and count corrections -------------------------------------------------------


def record_adjustment(
    session: DbSession,
    *,
    site_id: int,
    item_id: int,
    quantity: int,
    reason: str | None,
    user_id: int | None,
    at: datetime,
) -> list[int]:
    """Add (positive) or remove (negative) stock with a reason: breakage, a miscount found.
    Returns the movements (one per lot a removal took from)."""
    fields: dict[str, str] = {}
    check_quantity(quantity, fields, signed=True)
    text = check_reason(reason, fields)
    if fields:
        raise ValidationFailed(fields)
    return move(
        session,
        site_id=site_id,
        item_id=item_id,
        quantity=quantity,
        kind="adjustment",
        user_id=user_id,
        at=at,
        reason=text,
    )


def correct_count(
    session: DbSession,
    *,
    site_id: int,
    item_id: int,
    counted: int,
    expected: int,
    user_id: int | None,
    at: datetime,
    reason: str | None = None,
) -> int | None:
    """Set on hand to what was counted, if it still is ``expected``; returns the (first)
    movement. Found stock goes to the unlotted lot, missing stock comes off the
    first-expiring lots.

    The UPDATE repeats ``on_hand = expected``: a handover between reading the figure and
    correcting it raises StockChanged instead of being wiped out by the correction.
    """
    difference = counted - expected
    if difference == 0:
        return None
    upsert = dialect_insert(session.get_bind().dialect.name)
    if expected == 0:
        # No row yet, or a row at zero: insert, or update only a row still at zero. RETURNING
        # says whether a row was written (psycopg gives no rowcount for an upsert).
        stmt = upsert(_levels).values(site_id=site_id, item_id=item_id, on_hand=counted)
        written = session.execute(
            stmt.on_conflict_do_update(
                index_elements=["site_id", "item_id"],
                set_={"on_hand": counted},
                where=_levels.c.on_hand == 0,
            ).returning(_levels.c.on_hand)
        ).all()
        changed = len(written)
    else:
        changed = session.execute(  # type: ignore[attr-defined]  # .rowcount below
            update(_levels)
            .where(
                _levels.c.site_id == site_id,
                _levels.c.item_id == item_id,
                _levels.c.on_hand == expected,
            )
            .values(on_hand=counted)
        ).rowcount
    if changed != 1:
        raise StockChanged(_l("The stock changed while the count was being finished; try again."))
    if difference > 0:
        found = lots.add(session, site_id=site_id, item_id=item_id, quantity=difference)
        pieces = [lots.Piece(found, difference)]
    else:
        pieces = lots.take_first_expiring(session, site_id=site_id, wanted={item_id: -difference})[
            item_id
        ]
    ids = [
        _record(
            session,
            movement_row(
                "count_correction",
                item_id,
                site_id,
                piece.quantity if difference > 0 else -piece.quantity,
                at,
                user_id,
                reason,
                {},
                piece.lot_id,
            ),
        )
        for piece in pieces
    ]
    return ids[0]
