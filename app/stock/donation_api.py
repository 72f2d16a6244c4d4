"""The donations API: recording a donation and reversing one recorded wrongly."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from flask import Blueprint, Response, jsonify
from flask_babel import lazy_gettext as _l
from pydantic import Field, StringConstraints

from app import context
from app.api import parse_body, writes
from app.api.docs import doc
from app.api.types import Body, Code, Name, Note
from app.auth.access import STOCK, allow
from app.errors import NotFound, ValidationFailed
from app.extensions import db
from app.sites.services import find_site
from app.stock.api_answers import DonationOut, ReversalOut
from app.stock.donations import (
    DonationLineInput,
    DonationReversed,
    record_donation,
    reverse_donation,
)
from app.stock.ledger import InsufficientStock
from app.stock.lots import LotShort, LotsOutOfStep

bp = Blueprint("donations", __name__)


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
