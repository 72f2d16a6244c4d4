"""The stock API of movements: the ledger, adjustments, transfers, voucher batches, counts,
and lots by expiry (blueprint stock_movements)."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, current_app, jsonify, request
from flask_babel import lazy_gettext as _l
from pydantic import Field

from app import context
from app.api import parse_body, parse_day, query_model, writes
from app.api.docs import doc
from app.api.types import Body, Code, Name, Note
from app.auth.access import STOCK, allow
from app.errors import NotFound, ValidationFailed
from app.extensions import db
from app.sites.services import find_site
from app.stock import counts, expiry, history, ledger, transfers, vouchers
from app.stock.api import SiteQuery
from app.stock.api_answers import (
    AdjustmentOut,
    CountLineOut,
    CountOut,
    FinishedCountOut,
    LotOut,
    MovementOut,
    TransferOut,
    VoucherBatchOut,
    WriteOffOut,
)
from app.stock.catalog import find_item
from app.stock.counts import CountFinished, CountOpen
from app.stock.ledger import InsufficientStock, StockChanged
from app.stock.lots import LotShort, LotsOutOfStep
from app.stock.models import MOVEMENT_KINDS, Transfer
from app.stock.transfers import TransferReceived
from app.stock.vouchers import SerialsTaken, VoucherInvalid

bp = Blueprint("stock_movements", __name__)


def parse_moment(value: str, field: str) -> datetime:
    """A day (YYYY-MM-DD, from the site's midnight) or an ISO timestamp with its offset."""
    if len(value) == 10:
        day = parse_day(value, field)
        zone = ZoneInfo(current_app.config["AID_TIMEZONE"])
        return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise ValidationFailed({field: _l("a date YYYY-MM-DD or a timestamp with its UTC offset")})
    return moment


def movement_json(m: history.MovementRow) -> dict[str, object]:
    return {
        "id": m.id,
        "kind": m.kind,
        "sku": m.sku,
        "site": m.site,
        "quantity": m.quantity,
        "at": m.at.isoformat(),
        "by": m.by,
        "reason": m.reason,
        "lot": m.lot,
        "expires_on": m.expires_on.isoformat() if m.expires_on else None,
    }


class MovementsQuery(Body):
    """?sku=, ?since= (a day or a timestamp with its offset), ?site=, ?kind=."""

    sku: str | None = None
    since: str | None = None
    site: str | None = None
    kind: str | None = None


TAKES_STOCK = (InsufficientStock, LotShort, LotsOutOfStep, StockChanged)


@bp.get("/stock/movements")
@doc(query=MovementsQuery, responses={200: list[MovementOut]}, errors=(ValidationFailed,))
@allow(*STOCK)
def stock_movements() -> Response:
    """The ledger, oldest first: ``?sku=``, ``?since=``, ``?site=``, ``?kind=``."""
    args = query_model(MovementsQuery, request.args.to_dict()).model_dump(exclude_none=True)
    if len(args.get("sku", "")) > 40 or len(args.get("since", "")) > 40:
        raise ValidationFailed({"query": _l("too long")})
    item = find_item(db.session, args["sku"]) if args.get("sku") else None
    site = find_site(db.session, args["site"]) if args.get("site") else None
    kind = args.get("kind") or None
    if kind is not None and kind not in MOVEMENT_KINDS:
        raise ValidationFailed(
            {"kind": _l("one of %(choices)s", choices=", ".join(MOVEMENT_KINDS))}
        )
    since = parse_moment(args["since"], "since") if args.get("since") else None
    rows = history.movements(
        db.session,
        item_id=item.id if item else None,
        site_id=site.id if site else None,
        kinds=[kind] if kind else None,
        since=since,
    )
    return jsonify([movement_json(m) for m in rows])


class AdjustmentIn(Body):
    sku: Code
    quantity: int
    reason: Note
    site: Code | None = None


@bp.post("/stock/adjustments")
@doc(body=AdjustmentIn, responses={201: AdjustmentOut}, errors=(ValidationFailed, *TAKES_STOCK))
@allow(*STOCK)
@writes
def add_adjustment() -> tuple[Response, int]:
    """Stock added (positive) or removed (negative) with a reason; 409 if not that many."""
    body = parse_body(AdjustmentIn)
    item = find_item(db.session, body.sku)
    site_id = find_site(db.session, body.site).id if body.site else context.site_id()
    movement_ids = ledger.record_adjustment(
        db.session,
        site_id=site_id,
        item_id=item.id,
        quantity=body.quantity,
        reason=body.reason,
        user_id=context.actor_id(),
        at=context.now(),
    )
    rows = history.movements(db.session, movement_ids=movement_ids)
    # A removal that took from several lots is one movement per lot: the answer is the
    # adjustment as a whole (the first movement's id, the total), with its lots.
    answer = movement_json(rows[0])
    answer["quantity"] = sum(row.quantity for row in rows)
    answer["lots"] = [
        {
            "id": row.id,
            "lot": row.lot,
            "expires_on": row.expires_on.isoformat() if row.expires_on else None,
            "quantity": row.quantity,
        }
        for row in rows
    ]
    return jsonify(answer), 201


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


class CountLineIn(Body):
    sku: Code
    counted: int


def count_json(count_id: int) -> dict[str, object]:
    count = counts.get_count(db.session, count_id)
    return {
        "id": count.id,
        "site": count.site.code,
        "status": "open" if count.finished_at is None else "finished",
        "lines": [{"sku": line.item.sku, "counted": line.counted} for line in count.lines],
    }


@bp.post("/stock-counts")
@doc(responses={201: CountOut}, errors=(CountOpen,))
@allow(*STOCK)
@writes
def start_count() -> tuple[Response, int]:
    """Start a count of this server's site (409 count_open if one is open)."""
    count = counts.start_count(
        db.session, site_id=context.site_id(), user_id=context.actor_id(), at=context.now()
    )
    return jsonify(count_json(count.id)), 201


@bp.post("/stock-counts/<id:count_id>/lines")
@doc(
    body=CountLineIn,
    responses={200: CountLineOut},
    errors=(NotFound, CountFinished, ValidationFailed),
)
@allow(*STOCK)
@writes
def enter_count_line(count_id: int) -> tuple[Response, int]:
    """What was counted of one item (entered again, it replaces the figure)."""
    body = parse_body(CountLineIn)
    item = find_item(db.session, body.sku)
    counts.enter_counted(db.session, count_id=count_id, item_id=item.id, counted=body.counted)
    return jsonify(sku=item.sku, counted=body.counted), 200


@bp.post("/stock-counts/<id:count_id>/finish")
@doc(responses={200: FinishedCountOut}, errors=(NotFound, CountFinished, *TAKES_STOCK))
@allow(*STOCK)
@writes
def finish_count(count_id: int) -> tuple[Response, int]:
    """Finish the count: the differences become count corrections."""
    found = counts.finish_count(
        db.session, count_id=count_id, user_id=context.actor_id(), at=context.now()
    )
    return jsonify(
        id=count_id,
        corrections=[
            {"sku": c.sku, "expected": c.expected, "counted": c.counted, "difference": c.difference}
            for c in found
        ],
    ), 200


def lot_json(lot: expiry.Lot) -> dict[str, object]:
    return {
        "sku": lot.sku,
        "site": lot.site,
        "lot": lot.lot,
        "expires_on": lot.expires_on.isoformat(),
        "quantity": lot.quantity,
        "expired": lot.expired,
    }


@bp.get("/stock/lots")
@doc(query=SiteQuery, responses={200: list[LotOut]}, errors=(ValidationFailed,))
@allow(*STOCK)
def lots() -> Response:
    """Lots with an expiry date still on the shelves, first-expiring first."""
    code = query_model(SiteQuery, request.args.to_dict()).site
    site = find_site(db.session, code) if code else None
    found = expiry.lots_by_expiry(
        db.session, site_id=site.id if site else None, today=context.today()
    )
    return jsonify([lot_json(lot) for lot in found])


@bp.post("/stock/expired/write-off")
@doc(responses={200: WriteOffOut}, errors=TAKES_STOCK)
@allow(*STOCK)
@writes
def write_off() -> tuple[Response, int]:
    """Write off every expired lot of this server's site."""
    written = expiry.write_off_expired(
        db.session,
        site_id=context.site_id(),
        today=context.today(),
        user_id=context.actor_id(),
        at=context.now(),
    )
    return jsonify(written_off=[lot_json(lot) for lot in written]), 200
