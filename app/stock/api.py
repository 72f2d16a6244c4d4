from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Annotated
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, current_app, jsonify, request
from pydantic import Field, StringConstraints

from app import context
from app.api import parse_body, parse_day, writes
from app.api.types import Body, Code, Name, Note
from app.auth.access import COORDINATOR, STOCK, allow
from app.errors import ValidationFailed
from app.extensions import db
from app.stock import catalog, counts, expiry, ledger, vouchers
from app.stock.models import MOVEMENT_KINDS, Site, Transfer
from app.stock.services import (
    DonationLineInput,
    create_item,
    record_donation,
    reverse_donation,
    stock_on_hand,
)

bp = Blueprint("stock", __name__)


class BarcodeIn(Body):
    code: Code
    pack_quantity: int = 1


class ItemIn(Body):
    sku: Code
    name: Name
    category: Code
    unit: Code = "piece"
    minimum: int = 0
    barcodes: list[BarcodeIn] = Field(default_factory=list, max_length=20)


class DonationLineIn(Body):
    sku: Code
    quantity: int
    expires_on: date | None = None
    lot: Code | None = None


class DonationIn(Body):
    donor: Name
    items: list[DonationLineIn] = Field(min_length=1, max_length=500)
    donor_kind: Code | None = None
    note: Annotated[str, StringConstraints(max_length=500)] | None = None
    site: Code | None = None
    received_on: date | None = None


class ReversalIn(Body):
    reason: Note


class DonorIn(Body):
    name: Name
    kind: Code | None = None
    contact: Note | None = None


@bp.post("/items")
@allow(*STOCK)
@writes
def add_item() -> tuple[Response, int]:
    body = parse_body(ItemIn)
    item = create_item(
        db.session,
        body.sku,
        body.name,
        body.category,
        unit=body.unit,
        minimum=body.minimum,
        barcodes=[(b.code, b.pack_quantity) for b in body.barcodes],
    )
    return jsonify(
        id=item.id,
        sku=item.sku,
        name=item.name,
        category=item.category,
        unit=item.unit,
        minimum=item.minimum,
        barcodes=[{"code": b.code, "pack_quantity": b.pack_quantity} for b in item.barcodes],
    ), 201


@bp.get("/donors")
@allow(*STOCK)
def donors() -> Response:
    return jsonify(
        [
            {"id": d.id, "name": d.name, "kind": d.kind, "contact": d.contact}
            for d in catalog.all_donors(db.session)
        ]
    )


@bp.post("/donors")
@allow(*STOCK)
@writes
def add_donor() -> tuple[Response, int]:
    body = parse_body(DonorIn)
    donor = catalog.create_donor(db.session, name=body.name, kind=body.kind, contact=body.contact)
    return jsonify(id=donor.id, name=donor.name, kind=donor.kind, contact=donor.contact), 201


@bp.post("/donations/<id:donation_id>/reversal")
@allow(*STOCK)
@writes
def reverse(donation_id: int) -> tuple[Response, int]:
    """Correct a donation by a reversing record that takes its lines off the shelves."""
    body = parse_body(ReversalIn)
    reversal = reverse_donation(
        db.session,
        donation_id=donation_id,
        reason=body.reason,
        today=context.today(),
        user_id=context.actor_id(),
        at=context.now(),
    )
    return jsonify(id=reversal.id, reverses=donation_id), 201


@bp.post("/donations")
@allow(*STOCK)
@writes
def add_donation() -> tuple[Response, int]:
    body = parse_body(DonationIn)
    today = context.today()
    if body.received_on is not None and body.received_on > today:
        raise ValidationFailed({"received_on": "not after today"})
    site_id = ledger.find_site(db.session, body.site).id if body.site else context.site_id()
    donation = record_donation(
        db.session,
        donor=body.donor,
        lines=[DonationLineInput(li.sku, li.quantity, li.expires_on, li.lot) for li in body.items],
        site_id=site_id,
        donor_kind=body.donor_kind,
        note=body.note,
        received_on=body.received_on or today,
        user_id=context.actor_id(),
        at=context.now(),
    )
    return jsonify(id=donation.id), 201


@bp.get("/stock")
@allow(*STOCK)
def stock() -> Response:
    """Every item with what is on hand: at ``?site=CODE``, or everywhere with "sites" giving
    each site's figure."""
    code = request.args.get("site", "")
    site = ledger.find_site(db.session, code) if code else None
    rows = stock_on_hand(db.session, site.id if site else None)
    by_site = {} if site else ledger.on_hand_by_site(db.session)
    answer = []
    for r in rows:
        row = {
            "sku": r.item.sku,
            "name": r.item.name,
            "category": r.item.category,
            "on_hand": r.on_hand,
            "serial_tracked": r.item.serial_tracked,
            "unit": r.item.unit,
            "minimum": r.item.minimum,
        }
        if site:
            row["site"] = site.code
        else:
            row["sites"] = by_site.get(r.item.id, {})
        answer.append(row)
    return jsonify(answer)


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
        raise ValidationFailed({field: "a date YYYY-MM-DD or a timestamp with its UTC offset"})
    return moment


def movement_json(m: ledger.MovementRow) -> dict[str, object]:
    return {
        "id": m.id,
        "kind": m.kind,
        "sku": m.sku,
        "site": m.site,
        "quantity": m.quantity,
        "at": m.at.isoformat(),
        "by": m.by,
        "reason": m.reason,
    }


@bp.get("/stock/movements")
@allow(*STOCK)
def stock_movements() -> Response:
    """The ledger, oldest first: ``?sku=``, ``?since=``, ``?site=``, ``?kind=``."""
    args = request.args
    if len(args.get("sku", "")) > 40 or len(args.get("since", "")) > 40:
        raise ValidationFailed({"query": "too long"})
    item = ledger.find_item(db.session, args["sku"]) if args.get("sku") else None
    site = ledger.find_site(db.session, args["site"]) if args.get("site") else None
    kind = args.get("kind") or None
    if kind is not None and kind not in MOVEMENT_KINDS:
        raise ValidationFailed({"kind": f"one of {', '.join(MOVEMENT_KINDS)}"})
    since = parse_moment(args["since"], "since") if args.get("since") else None
    rows = ledger.movements(
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
@allow(*STOCK)
@writes
def add_adjustment() -> tuple[Response, int]:
    """Stock added (positive) or removed (negative) with a reason; 409 if not that many."""
    body = parse_body(AdjustmentIn)
    item = ledger.find_item(db.session, body.sku)
    site_id = ledger.find_site(db.session, body.site).id if body.site else context.site_id()
    movement_id = ledger.record_adjustment(
        db.session,
        site_id=site_id,
        item_id=item.id,
        quantity=body.quantity,
        reason=body.reason,
        user_id=context.actor_id(),
        at=context.now(),
    )
    (row,) = ledger.movements(db.session, movement_id=movement_id)
    return jsonify(movement_json(row)), 201


class TransferIn(Body):
    sku: Code
    quantity: int
    reason: Note
    to: Code
    from_: Code | None = Field(default=None, alias="from")


class ReceiptIn(Body):
    received: int


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
@allow(*STOCK)
@writes
def add_transfer() -> tuple[Response, int]:
    """Send stock to another site (``from`` defaults to this server's site)."""
    body = parse_body(TransferIn)
    item = ledger.find_item(db.session, body.sku)
    source = ledger.find_site(db.session, body.from_, "from").id if body.from_ else None
    transfer = ledger.send_transfer(
        db.session,
        item_id=item.id,
        from_site_id=source or context.site_id(),
        to_site_id=ledger.find_site(db.session, body.to, "to").id,
        quantity=body.quantity,
        reason=body.reason,
        user_id=context.actor_id(),
        at=context.now(),
    )
    return jsonify(transfer_json(transfer)), 201


@bp.post("/transfers/<id:transfer_id>/receipt")
@allow(*STOCK)
@writes
def receive_transfer(transfer_id: int) -> tuple[Response, int]:
    """Receive a transfer with what arrived."""
    body = parse_body(ReceiptIn)
    transfer = ledger.receive_transfer(
        db.session,
        transfer_id=transfer_id,
        received=body.received,
        user_id=context.actor_id(),
        at=context.now(),
    )
    return jsonify(transfer_json(transfer)), 200


class SiteIn(Body):
    code: Code
    name: Name
    kind: Code


def site_json(site: Site) -> dict[str, object]:
    return {"id": site.id, "code": site.code, "name": site.name, "kind": site.kind}


@bp.get("/sites")
@allow(*STOCK)
def sites() -> Response:
    return jsonify([site_json(s) for s in ledger.all_sites(db.session)])


@bp.post("/sites")
@allow(*COORDINATOR)
@writes
def add_site() -> tuple[Response, int]:
    body = parse_body(SiteIn)
    site = ledger.create_site(db.session, code=body.code, name=body.name, kind=body.kind)
    return jsonify(site_json(site)), 201


class VoucherBatchIn(Body):
    sku: Code
    donor: Name
    first_serial: Code
    last_serial: Code
    site: Code | None = None


@bp.post("/voucher-batches")
@allow(*STOCK)
@writes
def add_voucher_batch() -> tuple[Response, int]:
    """A numbered batch of vouchers: its count goes on the shelves, the item is serial-tracked."""
    body = parse_body(VoucherBatchIn)
    site_id = ledger.find_site(db.session, body.site).id if body.site else context.site_id()
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
@allow(*STOCK)
@writes
def start_count() -> tuple[Response, int]:
    """Start a count of this server's site (409 count_open if one is open)."""
    count = counts.start_count(
        db.session, site_id=context.site_id(), user_id=context.actor_id(), at=context.now()
    )
    return jsonify(count_json(count.id)), 201


@bp.post("/stock-counts/<id:count_id>/lines")
@allow(*STOCK)
@writes
def enter_count_line(count_id: int) -> tuple[Response, int]:
    """What was counted of one item (entered again, it replaces the figure)."""
    body = parse_body(CountLineIn)
    item = ledger.find_item(db.session, body.sku)
    counts.enter_counted(db.session, count_id=count_id, item_id=item.id, counted=body.counted)
    return jsonify(sku=item.sku, counted=body.counted), 200


@bp.post("/stock-counts/<id:count_id>/finish")
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
@allow(*STOCK)
def lots() -> Response:
    """Lots with an expiry date still on the shelves, first-expiring first."""
    code = request.args.get("site", "")
    site = ledger.find_site(db.session, code) if code else None
    found = expiry.lots_by_expiry(
        db.session, site_id=site.id if site else None, today=context.today()
    )
    return jsonify([lot_json(lot) for lot in found])


@bp.post("/stock/expired/write-off")
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
