"""The stock API: the catalog, donors, donations, what is on hand, and sites. Movements,
transfers, counts, voucher batches and lots are in app/stock/api_movements.py."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from flask import Blueprint, Response, jsonify, request
from flask_babel import lazy_gettext as _l
from pydantic import Field, StringConstraints

from app import context
from app.api import parse_body, query_model, writes
from app.api.docs import doc
from app.api.types import Body, Code, Name, Note
from app.auth.access import COORDINATOR, STOCK, allow
from app.errors import NotFound, ValidationFailed
from app.extensions import db
from app.names import every_name
from app.sites.models import Site
from app.sites.services import SiteTaken, all_sites, create_site, find_site, rename_site
from app.stock import catalog
from app.stock.api_answers import (
    DonationOut,
    DonorOut,
    ItemOut,
    OnHandRow,
    ReversalOut,
    SiteOut,
)
from app.stock.catalog import BarcodeTaken, DonorTaken, find_item
from app.stock.history import on_hand_by_site
from app.stock.ledger import InsufficientStock
from app.stock.lots import LotShort, LotsOutOfStep
from app.stock.models import Item
from app.stock.services import (
    DonationLineInput,
    DonationReversed,
    SkuTaken,
    create_item,
    record_donation,
    reverse_donation,
    stock_on_hand,
)

bp = Blueprint("stock", __name__)


class BarcodeIn(Body):
    code: Code
    pack_quantity: int = 1


# {"en": ..., "ro": ..., "uk": ...}: checked by app.names (an empty name means the default).
Names = Annotated[
    dict[Code, Annotated[str, StringConstraints(max_length=100)]], Field(max_length=3)
]


class ItemIn(Body):
    sku: Code
    name: Name
    category: Code
    unit: Code = "piece"
    minimum: int = 0
    barcodes: list[BarcodeIn] = Field(default_factory=list, max_length=20)
    names: Names | None = None


class NamesIn(Body):
    names: Names


def item_json(item: Item) -> dict[str, object]:
    return {
        "id": item.id,
        "sku": item.sku,
        "name": item.name,
        "names": every_name(item.name, item.names),
        "category": item.category,
        "unit": item.unit,
        "minimum": item.minimum,
        "barcodes": [{"code": b.code, "pack_quantity": b.pack_quantity} for b in item.barcodes],
    }


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


class SiteQuery(Body):
    """?site=CODE: one site; left out, every site."""

    site: str | None = None


class DonorIn(Body):
    name: Name
    kind: Code | None = None
    contact: Note | None = None


@bp.post("/items")
@doc(body=ItemIn, responses={201: ItemOut}, errors=(SkuTaken, BarcodeTaken, ValidationFailed))
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
        names=body.names,
    )
    return jsonify(item_json(item)), 201


@bp.patch("/items/<sku>/names")
@doc(body=NamesIn, responses={200: ItemOut}, errors=(ValidationFailed,))
@allow(*STOCK)
@writes
def rename_item(sku: str) -> Response:
    """The item's name per language: {"names": {"uk": "..."}}; "" falls back to English."""
    body = parse_body(NamesIn)
    item = catalog.rename_item(db.session, find_item(db.session, sku[:40]), body.names)
    return jsonify(item_json(item))


@bp.get("/donors")
@doc(responses={200: list[DonorOut]})
@allow(*STOCK)
def donors() -> Response:
    return jsonify(
        [
            {"id": d.id, "name": d.name, "kind": d.kind, "contact": d.contact}
            for d in catalog.all_donors(db.session)
        ]
    )


@bp.post("/donors")
@doc(body=DonorIn, responses={201: DonorOut}, errors=(DonorTaken, ValidationFailed))
@allow(*STOCK)
@writes
def add_donor() -> tuple[Response, int]:
    body = parse_body(DonorIn)
    donor = catalog.create_donor(db.session, name=body.name, kind=body.kind, contact=body.contact)
    return jsonify(id=donor.id, name=donor.name, kind=donor.kind, contact=donor.contact), 201


@bp.post("/donations/<id:donation_id>/reversal")
@doc(
    body=ReversalIn,
    responses={201: ReversalOut},
    errors=(NotFound, DonationReversed, InsufficientStock, LotShort, LotsOutOfStep),
)
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
@doc(body=DonationIn, responses={201: DonationOut}, errors=(ValidationFailed,))
@allow(*STOCK)
@writes
def add_donation() -> tuple[Response, int]:
    body = parse_body(DonationIn)
    today = context.today()
    if body.received_on is not None and body.received_on > today:
        raise ValidationFailed({"received_on": _l("not after today")})
    site_id = find_site(db.session, body.site).id if body.site else context.site_id()
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
@doc(query=SiteQuery, responses={200: list[OnHandRow]}, errors=(ValidationFailed,))
@allow(*STOCK)
def stock() -> Response:
    """Every item with what is on hand: at ``?site=CODE``, or everywhere with "sites" giving
    each site's figure."""
    code = query_model(SiteQuery, request.args.to_dict()).site
    site = find_site(db.session, code) if code else None
    rows = stock_on_hand(db.session, site.id if site else None)
    by_site = {} if site else on_hand_by_site(db.session)
    answer = []
    for r in rows:
        row = {
            "sku": r.item.sku,
            "name": r.item.name,
            "names": every_name(r.item.name, r.item.names),
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


class SiteIn(Body):
    code: Code
    name: Name
    kind: Code
    names: Names | None = None


def site_json(site: Site) -> dict[str, object]:
    return {
        "id": site.id,
        "code": site.code,
        "name": site.name,
        "names": every_name(site.name, site.names),
        "kind": site.kind,
    }


@bp.get("/sites")
@doc(responses={200: list[SiteOut]})
@allow(*STOCK)
def sites() -> Response:
    return jsonify([site_json(s) for s in all_sites(db.session)])


@bp.post("/sites")
@doc(body=SiteIn, responses={201: SiteOut}, errors=(SiteTaken, ValidationFailed))
@allow(*COORDINATOR)
@writes
def add_site() -> tuple[Response, int]:
    body = parse_body(SiteIn)
    site = create_site(db.session, code=body.code, name=body.name, kind=body.kind, names=body.names)
    return jsonify(site_json(site)), 201


@bp.patch("/sites/<code>/names")
@doc(body=NamesIn, responses={200: SiteOut}, errors=(ValidationFailed,))
@allow(*COORDINATOR)
@writes
def rename_site_names(code: str) -> Response:
    """Rename a site: {"names": {"en": "...", "uk": "..."}}; its code stays."""
    body = parse_body(NamesIn)
    site = rename_site(db.session, find_site(db.session, code[:20]), body.names)
    return jsonify(site_json(site))


from app.stock import api_movements  # noqa: E402, F401 - the rest of the stock API
