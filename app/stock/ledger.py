"""The stock ledger: every change of stock is an append-only movement, and the on-hand figure
of its (site, item) changes in the same transaction.

Stock in is an upsert that adds to on hand. Stock out is a conditional UPDATE
(``on_hand >= quantity``) whose row count says whether there was enough; the CHECK
constraint ``on_hand >= 0`` is the last word under it. A count correction sets on hand to
what was counted with a conditional UPDATE on the figure it read, so a handover between the
read and the write makes it retry rather than overwrite. See
docs/decisions/0008-stock-ledger.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from app.auth.models import User
from app.db import dialect_insert
from app.errors import DomainError, NotFound, ValidationFailed
from app.households.rules import has_control_characters
from app.stock.models import SITE_KINDS, Item, Site, StockLevel, StockMovement, Transfer

MAX_QUANTITY = 1_000_000
SITE_CODE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,19}$")

_levels = StockLevel.__table__
_moves = StockMovement.__table__
_INSERT_RETURNING = insert(_moves).returning(_moves.c.id)


class InsufficientStock(DomainError):
    code = "insufficient_stock"
    status = 409


class StockChanged(DomainError):
    code = "stock_changed"
    status = 409


class TransferReceived(DomainError):
    code = "transfer_received"
    status = 409


class SiteTaken(DomainError):
    code = "site_exists"
    status = 409


def check_reason(reason: str | None, fields: dict[str, str]) -> str:
    """A reason is required for every movement a person decides (adjustment, transfer)."""
    text = (reason or "").strip()
    if not text or len(text) > 200 or has_control_characters(text):
        fields["reason"] = "1-200 characters saying why"
    return text


def check_quantity(
    quantity: int, fields: dict[str, str], field: str = "quantity", *, signed: bool = False
) -> None:
    low = -MAX_QUANTITY if signed else 1
    if isinstance(quantity, bool) or not low <= quantity <= MAX_QUANTITY or quantity == 0:
        fields[field] = (
            f"a whole number from -{MAX_QUANTITY} to {MAX_QUANTITY}, not 0"
            if signed
            else f"a whole number from 1 to {MAX_QUANTITY}"
        )


def _record(session: Session, values: dict[str, Any]) -> int:
    return int(session.execute(_INSERT_RETURNING, values).scalar_one())


def put(
    session: Session,
    *,
    site_id: int,
    item_id: int,
    quantity: int,
    kind: str,
    user_id: int | None,
    at: datetime,
    reason: str | None = None,
    **links: int | None,
) -> int:
    """Put ``quantity`` on the shelves of a site and record it; returns the movement's id."""
    upsert = dialect_insert(session.get_bind().dialect.name)
    stmt = upsert(StockLevel).values(site_id=site_id, item_id=item_id, on_hand=quantity)
    session.execute(
        stmt.on_conflict_do_update(
            index_elements=["site_id", "item_id"],
            set_={"on_hand": StockLevel.on_hand + stmt.excluded.on_hand},
        )
    )
    return _record(session, _movement(kind, item_id, site_id, quantity, at, user_id, reason, links))


def take(
    session: Session,
    *,
    site_id: int,
    item_id: int,
    quantity: int,
    kind: str,
    user_id: int | None,
    at: datetime,
    reason: str | None = None,
    **links: int | None,
) -> int:
    """Take exactly ``quantity`` off the shelves, or raise InsufficientStock and take none."""
    taken = session.execute(
        update(_levels)
        .where(
            _levels.c.site_id == site_id,
            _levels.c.item_id == item_id,
            _levels.c.on_hand >= quantity,
        )
        .values(on_hand=_levels.c.on_hand - quantity)
    )
    if taken.rowcount != 1:
        have = on_hand_of(session, site_id, item_id)
        raise InsufficientStock(
            _l("Only %(have)s on hand; cannot take %(quantity)s.", have=have, quantity=quantity),
            on_hand=have,
            wanted=quantity,
        )
    values = _movement(kind, item_id, site_id, -quantity, at, user_id, reason, links)
    return _record(session, values)


def move(session: Session, *, quantity: int, **kwargs: Any) -> int:
    """A signed movement: positive puts, negative takes."""
    if quantity > 0:
        return put(session, quantity=quantity, **kwargs)
    return take(session, quantity=-quantity, **kwargs)


def _movement(
    kind: str,
    item_id: int,
    site_id: int,
    quantity: int,
    at: datetime,
    user_id: int | None,
    reason: str | None,
    links: dict[str, int | None],
) -> dict[str, Any]:
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
    }


def on_hand_of(session: Session, site_id: int, item_id: int) -> int:
    value = session.scalar(
        select(StockLevel.on_hand).where(
            StockLevel.site_id == site_id, StockLevel.item_id == item_id
        )
    )
    return int(value or 0)


# --- Sites -----------------------------------------------------------------------------------


def find_site(session: Session, code: str, field: str = "site") -> Site:
    """The site with this code; a 422 naming the field when there is none."""
    site = session.scalar(select(Site).where(Site.code == code.strip().upper()))
    if site is None:
        raise ValidationFailed({field: f"no site with the code {code[:20]!r}"})
    return site


def create_site(session: Session, *, code: str, name: str, kind: str) -> Site:
    """A warehouse or a distribution point; codes are unique and upper case."""
    code = code.strip().upper()
    fields = {}
    if not SITE_CODE.match(code):
        fields["code"] = "1-20 letters, digits, '-' or '_'"
    if not name.strip() or len(name) > 100 or has_control_characters(name):
        fields["name"] = "1-100 characters"
    if kind not in SITE_KINDS:
        fields["kind"] = f"one of {', '.join(SITE_KINDS)}"
    if fields:
        raise ValidationFailed(fields)
    if session.scalar(select(Site.id).where(Site.code == code)) is not None:
        raise SiteTaken(_l("The site code %(code)s is taken.", code=code), code=code)
    site = Site(code=code, name=name.strip(), kind=kind)
    session.add(site)
    session.flush()
    return site


def all_sites(session: Session) -> list[Site]:
    return list(session.scalars(select(Site).order_by(Site.kind.desc(), Site.code)))


def find_item(session: Session, sku: str, field: str = "sku") -> Item:
    item = session.scalar(select(Item).where(Item.sku == sku.strip().upper()))
    if item is None:
        raise ValidationFailed({field: f"unknown SKU {sku[:40]!r}"})
    return item


# --- Adjustments, counts, transfers ----------------------------------------------------------


def record_adjustment(
    session: Session,
    *,
    site_id: int,
    item_id: int,
    quantity: int,
    reason: str | None,
    user_id: int | None,
    at: datetime,
) -> int:
    """Add (positive) or remove (negative) stock with a reason: breakage, a miscount found."""
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
    session: Session,
    *,
    site_id: int,
    item_id: int,
    counted: int,
    expected: int,
    user_id: int | None,
    at: datetime,
    reason: str | None = None,
) -> int | None:
    """Set on hand to what was counted, if it still is ``expected``; returns the movement.

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
        changed = session.execute(
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
    values = _movement("count_correction", item_id, site_id, difference, at, user_id, reason, {})
    return _record(session, values)


def send_transfer(
    session: Session,
    *,
    item_id: int,
    from_site_id: int,
    to_site_id: int,
    quantity: int,
    reason: str | None,
    user_id: int | None,
    at: datetime,
) -> Transfer:
    """Send stock to another site: it leaves the sender now and arrives when received."""
    fields: dict[str, str] = {}
    check_quantity(quantity, fields)
    text = check_reason(reason, fields)
    if from_site_id == to_site_id:
        fields["to"] = "another site than the one it is sent from"
    if fields:
        raise ValidationFailed(fields)
    transfer = Transfer(
        item_id=item_id,
        from_site_id=from_site_id,
        to_site_id=to_site_id,
        sent=quantity,
        reason=text,
        sent_at=at,
        sent_by=user_id,
    )
    session.add(transfer)
    session.flush()
    take(
        session,
        site_id=from_site_id,
        item_id=item_id,
        quantity=quantity,
        kind="transfer_out",
        user_id=user_id,
        at=at,
        reason=text,
        transfer_id=transfer.id,
    )
    return transfer


def receive_transfer(
    session: Session, *, transfer_id: int, received: int, user_id: int | None, at: datetime
) -> Transfer:
    """Receive a transfer with what arrived (the sent quantity, or less if some went
    missing). Received once: the conditional UPDATE only changes a transfer not yet received."""
    transfer = session.get(Transfer, transfer_id)
    if transfer is None:
        raise NotFound(_l("No such transfer."))
    if isinstance(received, bool) or not 0 <= received <= transfer.sent:
        raise ValidationFailed({"received": f"a whole number from 0 to {transfer.sent}"})
    claimed = session.execute(
        update(Transfer.__table__)
        .where(Transfer.id == transfer_id, Transfer.received.is_(None))
        .values(received=received, received_at=at, received_by=user_id)
    ).rowcount
    if claimed != 1:
        raise TransferReceived(_l("This transfer was received already."), id=transfer_id)
    if received:
        put(
            session,
            site_id=transfer.to_site_id,
            item_id=transfer.item_id,
            quantity=received,
            kind="transfer_in",
            user_id=user_id,
            at=at,
            reason=transfer.reason,
            transfer_id=transfer.id,
        )
    session.refresh(transfer)
    return transfer


def transfers(session: Session, *, open_only: bool = False, limit: int = 100) -> list[Transfer]:
    stmt = select(Transfer).order_by(Transfer.id.desc()).limit(limit)
    if open_only:
        stmt = stmt.where(Transfer.received.is_(None))
    return list(session.scalars(stmt))


# --- Reading the ledger ----------------------------------------------------------------------


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


def movements(
    session: Session,
    *,
    item_id: int | None = None,
    site_id: int | None = None,
    kinds: list[str] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int | None = None,
    movement_id: int | None = None,
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
        )
        .join(Item, Item.id == StockMovement.item_id)
        .join(Site, Site.id == StockMovement.site_id)
        .outerjoin(User, User.id == StockMovement.user_id)
        .order_by(StockMovement.id)
    )
    if movement_id is not None:
        stmt = stmt.where(StockMovement.id == movement_id)
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
    rows = [MovementRow(*row) for row in session.execute(stmt)]
    return sorted(rows, key=lambda r: r.id) if limit is not None else rows


def on_hand_by_site(session: Session) -> dict[int, dict[str, int]]:
    """item id -> {site code: on hand}, for every (site, item) with a figure."""
    codes = dict(session.execute(select(Site.id, Site.code)).all())
    figures: dict[int, dict[str, int]] = {}
    rows = session.execute(select(StockLevel.item_id, StockLevel.site_id, StockLevel.on_hand))
    for item_id, site_id, on_hand in rows:
        figures.setdefault(item_id, {})[codes[site_id]] = on_hand
    return figures
