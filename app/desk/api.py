from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from typing import Literal

from flask import Blueprint, Response, jsonify, request
from flask_babel import lazy_gettext as _l
from pydantic import Field

from app import context
from app.api import parse_body, query_model, writes, written
from app.api.docs import Answer, doc
from app.api.types import Body, Code, ScanText
from app.auth.access import DESK, allow
from app.auth.limits import limit_lookups
from app.cards.lookups import card_in_body, card_in_query
from app.cards.services import BadCardNumber, CardRevoked, NotACard, UnknownCard
from app.desk.outcomes import decline_handover
from app.desk.services import (
    Check,
    Handover,
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


class SkipIn(Body):
    """A line the family did not take: its programme's code and the item."""

    programme: Code
    sku: Code


class CardIn(ScanQuery):
    """A card, and the vouchers handed over by serial; ``skip`` lists the lines the family did
    not take (unticked at the desk): recorded as declined, not taken from stock."""

    vouchers: list[VoucherIn] = Field(default_factory=list, max_length=100)
    skip: list[SkipIn] = Field(default_factory=list, max_length=100)


class EntitledLine(Answer):
    sku: str
    name: str
    quantity: int
    on_hand: int
    available: bool
    serial_tracked: bool = False  # present (true) only for vouchers handed by serial


class ProgrammeLine(Answer):
    sku: str
    quantity: int
    available: bool


class ProgrammeStanding(Answer):
    code: str
    eligible: bool
    last_served_on: date | None
    next_eligible_on: date | None
    entitlements: list[ProgrammeLine]


class EligibilityOut(Answer):
    household_id: int
    eligible: bool
    last_served_on: date | None
    next_eligible_on: date | None
    last_served_at: datetime | None
    entitlements: list[EntitledLine]
    # Every programme the household is in (decision 0034); the fields above are the starting
    # programme's, as before programmes.
    programmes: list[ProgrammeStanding]


class HandedLine(Answer):
    sku: str
    quantity: int
    entitled: int
    serials: list[str] = []  # present for serial-tracked vouchers


class ShortLine(Answer):
    sku: str
    entitled: int
    given: int


class ServedLine(Answer):
    sku: str
    entitled: int
    given: int
    declined: bool


class ServedProgramme(Answer):
    code: str
    served: bool
    next_eligible_on: date | None
    items: list[ServedLine]


class HandoverOut(Answer):
    id: int
    household_id: int
    served_on: date
    items: list[HandedLine]
    short: list[ShortLine]
    next_eligible_on: date
    without_card: bool  # served by the household found by name, without its card
    programmes: list[ServedProgramme]  # per programme: served now or not, the next date


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
        programmes=[
            {
                "code": p.programme.code,
                "eligible": p.due,
                "last_served_on": _iso(p.standing.last_served_on),
                "next_eligible_on": _iso(p.standing.next_eligible_on),
                "entitlements": [
                    {"sku": line.sku, "quantity": line.quantity, "available": line.available}
                    for line in p.lines
                ],
            }
            for p in check.programmes
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
        skip=frozenset((line.programme.upper(), line.sku.upper()) for line in body.skip),
        close_ticket=True,
    )
    written()
    if isinstance(handover, Refused):
        return api_answer(handover.error())  # 409, the counted refusal committed
    return jsonify(handover_json(handover, without_card=scanned is None)), 201


def handover_json(handover: Handover, *, without_card: bool) -> dict[str, object]:
    """The answer to a handover. ``items`` and ``short`` are per item over every programme
    (as before programmes); ``programmes`` has each programme's lines and next date."""
    quantity: Counter[str] = Counter()
    entitled: Counter[str] = Counter()
    serials: dict[str, list[str]] = {}
    for i in handover.items:
        if not i.declined:
            quantity[i.sku] += i.given
            entitled[i.sku] += i.entitled
            if i.serial_tracked:
                serials.setdefault(i.sku, []).extend(i.serials)
    return {
        "id": handover.distribution_id,
        "household_id": handover.visitor.household_id,
        "served_on": handover.served_on.isoformat(),
        "items": [
            {
                "sku": sku,
                "quantity": quantity[sku],
                "entitled": entitled[sku],
                **({"serials": serials[sku]} if sku in serials else {}),
            }
            for sku in entitled
            if quantity[sku] > 0
        ],
        "short": [
            {"sku": sku, "entitled": entitled[sku], "given": quantity[sku]}
            for sku in entitled
            if quantity[sku] < entitled[sku]
        ],
        "next_eligible_on": handover.next_eligible_on.isoformat(),
        "without_card": without_card,
        "programmes": [
            {
                "code": p.programme.code,
                "served": p.served,
                "next_eligible_on": _iso(p.next_eligible_on),
                "items": [
                    {"sku": i.sku, "entitled": i.entitled, "given": i.given, "declined": i.declined}
                    for i in handover.items
                    if i.programme == p.programme.code
                ],
            }
            for p in handover.programmes
        ],
    }


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
