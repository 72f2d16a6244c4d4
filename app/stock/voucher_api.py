"""The voucher batches API: a batch of serial-numbered vouchers onto the shelves."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from app import context
from app.api import parse_body, writes
from app.api.docs import doc
from app.api.types import Body, Code, Name
from app.auth.access import STOCK, allow
from app.errors import ValidationFailed
from app.extensions import db
from app.sites.services import find_site
from app.stock import vouchers
from app.stock.api_answers import (
    VoucherBatchOut,
)
from app.stock.vouchers import SerialsTaken, VoucherInvalid

bp = Blueprint("vouchers", __name__)


class VoucherBatchIn(Body):
    sku: Code
    donor: Name
    first_serial: Code
    last_serial: Code
    site: Code | None = None


@bp.post("/voucher-batches")
@doc(
    body=VoucherBatchIn,
    responses={201: VoucherBatchOut},
    errors=(ValidationFailed, SerialsTaken, VoucherInvalid),
)
@allow(*STOCK)
@writes
def add_voucher_batch() -> tuple[Response, int]:
    """A numbered batch of vouchers: its count goes on the shelves, the item is serial-tracked."""
    body = parse_body(VoucherBatchIn)
    site_id = find_site(db.session, body.site).id if body.site else context.site_id()
    batch = vouchers.record_voucher_batch(
        db.session,
        sku=body.sku,
        donor=body.donor,
        first_serial=body.first_serial,
        last_serial=body.last_serial,
        site_id=site_id,
        received_on=context.today(),
        user_id=context.actor_id(),
        at=context.now(),
    )
    span = vouchers.SerialRange(batch.prefix, batch.first_number, batch.last_number, batch.width)
    return jsonify(
        id=batch.id,
        sku=batch.item.sku,
        donor=batch.donor,
        first_serial=span.serial(span.first),
        last_serial=span.serial(span.last),
        count=span.count,
    ), 201
