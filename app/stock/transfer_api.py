"""The transfers API: sending stock from one site to another and receiving it."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify
from pydantic import Field

from app import context
from app.api import parse_body, writes
from app.api.docs import doc
from app.api.types import Body, Code, Note
from app.auth.access import STOCK, allow
from app.errors import NotFound, ValidationFailed
from app.extensions import db
from app.sites.services import find_site
from app.stock import transfers
from app.stock.api import TAKES_STOCK
from app.stock.api_answers import (
    TransferOut,
)
from app.stock.catalog import find_item
from app.stock.models import Transfer
from app.stock.transfers import TransferReceived

bp = Blueprint("transfers", __name__)


class TransferIn(Body):
    sku: Code
    quantity: int
    reason: Note
    to: Code
    from_: Code | None = Field(default=None, alias="from")


class ReceiptIn(Body):
    received: int
    # Why some did not arrive: the reason of the write-off of the missing units.
    missing_reason: Note | None = None


def transfer_json(t: Transfer) -> dict[str, object]:
    return {
        "id": t.id,
        "sku": t.item.sku,
        "from": t.from_site.code,
        "to": t.to_site.code,
        "sent": t.sent,
        "received": t.received,
        "reason": t.reason,
        "status": "sent" if t.received is None else "received",
        "sent_at": t.sent_at.isoformat(),
        "received_at": t.received_at.isoformat() if t.received_at else None,
    }


@bp.post("/transfers")
@doc(body=TransferIn, responses={201: TransferOut}, errors=(ValidationFailed, *TAKES_STOCK))
@allow(*STOCK)
@writes
def add_transfer() -> tuple[Response, int]:
    """Send stock to another site (``from`` defaults to this server's site)."""
    body = parse_body(TransferIn)
    item = find_item(db.session, body.sku)
    source = find_site(db.session, body.from_, "from").id if body.from_ else None
    transfer = transfers.send_transfer(
        db.session,
        item_id=item.id,
        from_site_id=source or context.site_id(),
        to_site_id=find_site(db.session, body.to, "to").id,
        quantity=body.quantity,
        reason=body.reason,
        user_id=context.actor_id(),
        at=context.now(),
    )
    return jsonify(transfer_json(transfer)), 201


@bp.post("/transfers/<id:transfer_id>/receipt")
@doc(
    body=ReceiptIn,
    responses={200: TransferOut},
    errors=(NotFound, TransferReceived, ValidationFailed),
)
@allow(*STOCK)
@writes
def receive_transfer(transfer_id: int) -> tuple[Response, int]:
    """Receive a transfer with what arrived."""
    body = parse_body(ReceiptIn)
    transfer = transfers.receive_transfer(
        db.session,
        transfer_id=transfer_id,
        received=body.received,
        user_id=context.actor_id(),
        at=context.now(),
        missing_reason=body.missing_reason,
    )
    return jsonify(transfer_json(transfer)), 200
