"""The catalog API: adding an item, renaming it, and the donors list."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify
from pydantic import Field

from app.api import parse_body, writes
from app.api.docs import doc
from app.api.types import Body, Code, Name, Note
from app.auth.access import STOCK, allow
from app.errors import ValidationFailed
from app.extensions import db
from app.names import every_name
from app.stock import catalog
from app.stock.api import Names, NamesIn
from app.stock.api_answers import DonorOut, ItemOut
from app.stock.catalog import BarcodeTaken, DonorTaken, SkuTaken, create_item, find_item
from app.stock.models import Item

bp = Blueprint("catalog", __name__)


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
    names: Names | None = None


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
