from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, jsonify
from pydantic import Field

from app import context
from app.api import parse_body, writes
from app.api.types import Body, Code, Name
from app.auth.access import STOCK, allow
from app.extensions import db
from app.stock.services import DonationLineInput, create_item, record_donation, stock_on_hand

bp = Blueprint("stock", __name__)


class ItemIn(Body):
    sku: Code
    name: Name
    category: Code


class DonationLineIn(Body):
    sku: Code
    quantity: int
    expires_on: date | None = None


class DonationIn(Body):
    donor: Name
    items: list[DonationLineIn] = Field(min_length=1, max_length=500)


@bp.post("/items")
@allow(*STOCK)
@writes
def add_item() -> tuple[Response, int]:
    body = parse_body(ItemIn)
    item = create_item(db.session, body.sku, body.name, body.category)
    return jsonify(id=item.id, sku=item.sku, name=item.name, category=item.category), 201


@bp.post("/donations")
@allow(*STOCK)
@writes
def add_donation() -> tuple[Response, int]:
    body = parse_body(DonationIn)
    donation = record_donation(
        db.session,
        donor=body.donor,
        lines=[DonationLineInput(li.sku, li.quantity, li.expires_on) for li in body.items],
        site_id=context.site_id(),
        received_on=context.today(),
        user_id=context.actor_id(),
    )
    return jsonify(id=donation.id), 201


@bp.get("/stock")
@allow(*STOCK)
def stock() -> Response:
    rows = stock_on_hand(db.session)
    return jsonify(
        [
            {
                "sku": r.item.sku,
                "name": r.item.name,
                "category": r.item.category,
                "on_hand": r.on_hand,
            }
            for r in rows
        ]
    )
