"""Transfers between sites: stock leaves the sender when sent and arrives, lot by lot, when
the receiving site records what arrived."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from app.db import DbSession
from app.errors import DomainError, NotFound, ValidationFailed
from app.stock.ledger import check_quantity, check_reason, put, take
from app.stock.models import NO_EXPIRY, StockLot, StockMovement, Transfer

# The start of the reason of a receipt's write-off, followed by the transfer's number.
LOSS_REASON = "missing on receipt of transfer"


class TransferReceived(DomainError):
    code = "transfer_received"
    status = 409


def send_transfer(
    session: DbSession,
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
        fields["to"] = _l("another site than the one it is sent from")
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
    session: DbSession,
    *,
    transfer_id: int,
    received: int,
    user_id: int | None,
    at: datetime,
    missing_reason: str | None = None,
) -> Transfer:
    """Receive a transfer with what arrived (the sent quantity, or less if some went
    missing). Received once: the conditional UPDATE only changes a transfer not yet received.

    What went missing does not vanish: the receiving site takes in what was sent, lot by lot,
    and writes the missing units off at once as an adjustment linked to the transfer, with
    ``missing_reason`` (or "missing on receipt") as its reason."""
    transfer = session.get(Transfer, transfer_id)
    if transfer is None:
        raise NotFound(_l("No such transfer."))
    fields: dict[str, str] = {}
    if isinstance(received, bool) or not 0 <= received <= transfer.sent:
        fields["received"] = _l("a whole number from 0 to %(n)s", n=transfer.sent)
    why = (missing_reason or "").strip()
    loss_reason = check_reason(f"{LOSS_REASON} {transfer_id}" + (f": {why}" if why else ""), fields)
    if len(why) > 150:
        fields["missing_reason"] = _l("at most %(n)s characters", n=150)
    if fields:
        raise ValidationFailed(fields)
    claimed = session.execute(  # type: ignore[attr-defined]  # .rowcount below
        update(Transfer.__table__)
        .where(Transfer.id == transfer_id, Transfer.received.is_(None))
        .values(received=received, received_at=at, received_by=user_id)
    ).rowcount
    if claimed != 1:
        raise TransferReceived(_l("This transfer was received already."), id=transfer_id)
    missing = transfer.sent - received
    for lot, expires_on, sent in _lots_sent(session, transfer_id):
        # What went missing comes off the first-expiring lots that were sent.
        lost = min(missing, sent)
        missing -= lost
        arrived = put(
            session,
            site_id=transfer.to_site_id,
            item_id=transfer.item_id,
            quantity=sent,
            kind="transfer_in",
            user_id=user_id,
            at=at,
            reason=transfer.reason,
            lot=lot,
            expires_on=expires_on,
            transfer_id=transfer.id,
        )
        if lost:
            take(
                session,
                site_id=transfer.to_site_id,
                item_id=transfer.item_id,
                quantity=lost,
                kind="adjustment",
                user_id=user_id,
                at=at,
                reason=loss_reason,
                lot_id=session.scalar(
                    select(StockMovement.lot_id).where(StockMovement.id == arrived)
                ),
                transfer_id=transfer.id,
            )
    session.refresh(transfer)
    return transfer


def _lots_sent(session: DbSession, transfer_id: int) -> list[tuple[str | None, date | None, int]]:
    """(lot, expires_on, quantity) of what a transfer took from the sender, first-expiring
    first; a transfer sent before lots were tracked carried unlotted stock."""
    rows = session.execute(
        select(StockLot.lot, StockLot.expires_on, -StockMovement.quantity)
        .select_from(StockMovement)
        .outerjoin(StockLot, StockLot.id == StockMovement.lot_id)
        .where(StockMovement.transfer_id == transfer_id, StockMovement.kind == "transfer_out")
        .order_by(StockLot.expires_on, StockLot.lot, StockMovement.id)
    ).all()
    return [
        (lot, None if expires_on == NO_EXPIRY else expires_on, int(n))
        for lot, expires_on, n in rows
    ]


def transfers(session: DbSession, *, open_only: bool = False, limit: int = 100) -> list[Transfer]:
    stmt = select(Transfer).order_by(Transfer.id.desc()).limit(limit)
    if open_only:
        stmt = stmt.where(Transfer.received.is_(None))
    return list(session.scalars(stmt))
