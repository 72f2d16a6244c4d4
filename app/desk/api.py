from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from flask import Blueprint, Response, jsonify, request
from flask_babel import lazy_gettext as _l
from pydantic import Field

from app import context
from app.api import parse_body, query_model, writes
from app.api.docs import Answer, doc
from app.api.types import Body, Code, ScanText
from app.auth.access import DESK, allow
from app.auth.limits import limit_lookups
from app.cards.lookups import card_in_body, card_in_query
from app.cards.services import BadCardNumber, CardRevoked, NotACard, UnknownCard
from app.desk.outcomes import decline_handover
from app.desk.services import (
    Check,
    NotEligible,
    Refused,
    check_card,
    check_household,
    record_handover,
)
from app.errors import NotFound, ValidationFailed, api_answer
from app.extensions import db
from app.stock.ledger import InsufficientStock
from app.stock.lots import LotsOutOfStep
from app.stock.vouchers import VoucherInvalid
from app.tickets.services import close_for_card

bp = Blueprint("desk", __name__)


class VoucherIn(Body):
    sku: Code
    serial: Code


class ScanQuery(Body):
    """A card: the text of its QR (``qr``) or its number typed by hand (``card``); or, for a
    family that forgot its card, the household found by name (``household_id``)."""

    qr: ScanText | None = None
    card: ScanText | None = None
    household_id: int | None = Field(default=None, ge=1, le=2**31 - 1)

    def scanned(self) -> tuple[str | None, bool]:
        """The text to look up (None: the household without its card), and whether it was
        typed as a card number."""
        given = [v for v in (self.qr, self.card, self.household_id) if v is not None]
        if len(given) != 1:
            raise ValidationFailed(
                {"qr": _l("give either qr (the scanned text) or card (the number)")}
            )
        if self.household_id is not None:
            return None, False
        return (self.card, True) if self.card is not None else (self.qr or "", False)


class CardIn(ScanQuery):
    """A card, and the vouchers handed over by serial."""

    vouchers: list[VoucherIn] = Field(default_factory=list, max_length=100)


class EntitledLine(Answer):
    sku: str
    name: str
    quantity: int
    on_hand: int
    available: bool
    serial_tracked: bool = False  # present (true) only for vouchers handed by serial


class EligibilityOut(Answer):
    household_id: int
    eligible: bool
    last_served_on: date | None
    next_eligible_on: date | None
    last_served_at: datetime | None
    entitlements: list[EntitledLine]


class HandedLine(Answer):
    sku: str
    quantity: int
    entitled: int
    serials: list[str] = []  # present for serial-tracked vouchers


class ShortLine(Answer):
    sku: str
    entitled: int
    given: int


class HandoverOut(Answer):
    id: int
    household_id: int
    served_on: date
    items: list[HandedLine]
    short: list[ShortLine]
    next_eligible_on: date
    without_card: bool  # served by the household found by name, without its card


class DeclineIn(ScanQuery):
    """An ELIGIBLE family not served after all, and why."""

    reason: Literal["family_left", "item_missing"]


class DeclineOut(Answer):
    household_id: int
    declined_on: date
    reason: str
    recorded: bool  # false when the household was served today already: nothing to decline


CARD_ERRORS = (BadCardNumber, NotACard, UnknownCard, CardRevoked, NotFound, ValidationFailed)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


@bp.get("/eligibility")
@doc(query=ScanQuery, responses={200: EligibilityOut}, errors=CARD_ERRORS)
@allow(*DESK)
@limit_lookups(card_in_query)
def eligibility() -> Response:
    """Reads only: a household not eligible is refused (and counted) when its handover is
    sent, not when it is checked (decision 0024)."""
    query = query_model(ScanQuery, request.args.to_dict())
    check = _check(query)
    return jsonify(
        household_id=check.visitor.household_id,
        eligible=check.decision.eligible,
        last_served_on=_iso(check.decision.last_served_on),
        next_eligible_on=_iso(check.decision.next_eligible_on),
        last_served_at=check.served_today.at.isoformat() if check.served_today else None,
        entitlements=[
            {
                "sku": line.sku,
                "name": line.name,
                "quantity": line.quantity,
                "on_hand": line.on_hand,
                "available": line.available,
                **({"serial_tracked": True} if line.serial_tracked else {}),
            }
            for line in check.entitlements
        ],
    )


@bp.post("/distributions")
@doc(
    body=CardIn,
    responses={201: HandoverOut},
    errors=(*CARD_ERRORS, NotEligible, VoucherInvalid, InsufficientStock, LotsOutOfStep),
)
@allow(*DESK)
@limit_lookups(card_in_body)
@writes
def distribute() -> tuple[Response, int] | Response:
    body = parse_body(CardIn)
    scanned, typed = body.scanned()
    handover = record_handover(
        db.session,
        scanned=scanned,
        household_id=body.household_id,
        typed=typed,
        today=context.today(),
        now=context.now(),
        days=context.eligibility_days(),
        site_id=context.site_id(),
        user_id=context.actor_id(),
        vouchers=[(v.sku, v.serial) for v in body.vouchers],
    )
    if isinstance(handover, Refused):
        return api_answer(handover.error())  # 409, the counted refusal committed by @writes
    close_for_card(
        db.session,
        site_id=context.site_id(),
        card_id=handover.card_id,
        day=context.today(),
        now=context.now(),
        desk=None,
    )
    return (
        jsonify(
            id=handover.distribution_id,
            household_id=handover.visitor.household_id,
            served_on=handover.served_on.isoformat(),
            items=[
                {
                    "sku": i.sku,
                    "quantity": i.given,
                    "entitled": i.entitled,
                    **({"serials": list(i.serials)} if i.serial_tracked else {}),
                }
                for i in handover.items
                if i.given > 0
            ],
            short=[
                {"sku": i.sku, "entitled": i.entitled, "given": i.given}
                for i in handover.items
                if i.given < i.entitled
            ],
            next_eligible_on=handover.next_eligible_on.isoformat(),
            without_card=scanned is None,
        ),
        201,
    )


@bp.post("/distributions/declined")
@doc(body=DeclineIn, responses={201: DeclineOut}, errors=CARD_ERRORS)
@allow(*DESK)
@limit_lookups(card_in_body)
@writes
def decline() -> tuple[Response, int]:
    """An ELIGIBLE family not served after all (it left, an item was missing): recorded with
    its reason and counted in the day's report. ``recorded`` is false when the household was
    served today already (nothing to decline)."""
    body = parse_body(DeclineIn)
    check = _check(body)
    recorded = decline_handover(
        db.session,
        household_id=check.visitor.household_id,
        reason=body.reason,
        site_id=context.site_id(),
        today=context.today(),
        now=context.now(),
        user_id=context.actor_id(),
    )
    return (
        jsonify(
            household_id=check.visitor.household_id,
            declined_on=context.today().isoformat(),
            reason=body.reason,
            recorded=recorded,
        ),
        201,
    )


def _check(target: ScanQuery) -> Check:
    scanned, typed = target.scanned()
    today, days, site_id = context.today(), context.eligibility_days(), context.site_id()
    if scanned is None:
        assert target.household_id is not None
        return check_household(
            db.session, household_id=target.household_id, today=today, days=days, site_id=site_id
        )
    return check_card(
        db.session, scanned=scanned, typed=typed, today=today, days=days, site_id=site_id
    )
