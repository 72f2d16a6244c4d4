from __future__ import annotations

from datetime import date
from typing import Literal

from flask import Blueprint, Response, jsonify, request
from pydantic import Field

from app import context
from app.api import parse_body, writes
from app.api.types import Body, Code, Name, Note
from app.audit.views import record_seen
from app.auth.access import DESK, allow, current_actor
from app.cards.services import card_qr, current_card, current_card_png, issue_card
from app.extensions import db
from app.households.models import Household
from app.households.rules import (
    DOCUMENT_TYPES,
    RELATIONSHIPS,
    SEXES,
    NewDocument,
    NewHousehold,
    NewMember,
)
from app.households.search import search_people
from app.households.services import get_household, register_household
from app.households.visibility import (
    SENSITIVE_FIELDS,
    entitled_per_visit,
    masked_number,
    sees_everything,
)

bp = Blueprint("households", __name__)


class DocumentIn(Body):
    type: Literal[DOCUMENT_TYPES]  # type: ignore[valid-type]
    number: Code
    country: Code
    expires_on: date | None = None


class MemberIn(Body):
    given_name: Name
    family_name: Name
    given_name_native: Note | None = None
    family_name_native: Note | None = None
    birth_date: date
    sex: Literal[SEXES]  # type: ignore[valid-type]
    relationship: Literal[RELATIONSHIPS]  # type: ignore[valid-type]
    disability: bool = False
    chronic_disease: bool = False
    documents: list[DocumentIn] = Field(max_length=20)


class HouseholdIn(Body):
    members: list[MemberIn] = Field(max_length=50)
    phone: Note | None = None
    locality: Note | None = None

    def to_new(self) -> NewHousehold:
        return NewHousehold(
            members=tuple(
                NewMember(
                    given_name=m.given_name,
                    family_name=m.family_name,
                    birth_date=m.birth_date,
                    sex=m.sex,
                    relationship=m.relationship,
                    disability=m.disability,
                    chronic_disease=m.chronic_disease,
                    given_name_native=m.given_name_native,
                    family_name_native=m.family_name_native,
                    documents=tuple(
                        NewDocument(d.type, d.number, d.country, d.expires_on) for d in m.documents
                    ),
                )
                for m in self.members
            ),
            phone=self.phone,
            locality=self.locality,
        )


class CardIn(Body):
    reason: Note | None = None


def household_json(household: Household, *, everything: bool = True) -> dict[str, object]:
    """The household as the API gives it; without ``everything`` (a volunteer's read), the
    document numbers show their last 4 characters and the health flags are null, and
    ``entitlements`` says what the household receives at a visit."""
    card = current_card(db.session, household.id)
    return {
        "id": household.id,
        "registered_on": household.registered_on.isoformat(),
        "phone": household.phone,
        "locality": household.locality,
        "last_served_on": household.last_served_on.isoformat()
        if household.last_served_on
        else None,
        "card": {"number": card.number, "qr": card_qr(card, context.card_key())} if card else None,
        "members": [
            {
                "id": m.id,
                "given_name": m.given_name,
                "family_name": m.family_name,
                "given_name_native": m.given_name_native,
                "family_name_native": m.family_name_native,
                "birth_date": m.birth_date.isoformat(),
                "sex": m.sex,
                "relationship": m.relationship,
                "disability": m.disability if everything else None,
                "chronic_disease": m.chronic_disease if everything else None,
                "documents": [
                    {
                        "type": d.type,
                        "number": d.number if everything else masked_number(d.number),
                        "country": d.country,
                        "expires_on": d.expires_on.isoformat() if d.expires_on else None,
                    }
                    for d in m.documents
                ],
            }
            for m in household.members
        ],
        "entitlements": [
            {"sku": e.sku, "quantity": e.quantity}
            for e in entitled_per_visit(db.session, household, context.today())
        ],
    }


@bp.post("/households")
@allow(*DESK)
@writes
def create() -> tuple[Response, int]:
    body = parse_body(HouseholdIn)
    registered = register_household(
        db.session,
        body.to_new(),
        site_id=context.site_id(),
        today=context.today(),
        now=context.now(),
        user_id=context.actor_id(),
        card_key=context.card_key(),
    )
    return jsonify(household_json(registered.household)), 201


@bp.get("/households/<id:household_id>")
@allow(*DESK)
def show(household_id: int) -> Response:
    household = get_household(db.session, household_id)
    actor = current_actor()
    everything = sees_everything(actor.role if actor else None)
    body = household_json(household, everything=everything)
    if everything:
        record_seen("view", "households", household.id, SENSITIVE_FIELDS)
    return jsonify(body)


@bp.post("/households/<id:household_id>/cards")
@allow(*DESK)
@writes
def reissue(household_id: int) -> tuple[Response, int]:
    body = parse_body(CardIn, optional=True)
    household = get_household(db.session, household_id)
    issued = issue_card(
        db.session,
        household,
        card_key=context.card_key(),
        now=context.now(),
        user_id=context.actor_id(),
        reason=body.reason or None,
    )
    return jsonify(number=issued.number, qr=issued.qr), 201


@bp.get("/households/<id:household_id>/card.png")
@allow(*DESK)
def card_png(household_id: int) -> Response:
    png = current_card_png(db.session, household_id, card_key=context.card_key())
    return Response(png, mimetype="image/png", headers={"Cache-Control": "no-store"})


@bp.get("/people")
@allow(*DESK)
def people() -> Response:
    """People matching ``q`` (card or document number, phone, names), best matches first."""
    found = search_people(db.session, request.args.get("q", ""))
    return jsonify(
        [
            {
                "person_id": p.person_id,
                "household_id": p.household_id,
                "given_name": p.given_name,
                "family_name": p.family_name,
                "birth_date": p.birth_date.isoformat(),
                "relationship": p.relationship,
                "matched": p.matched,
            }
            for p in found
        ]
    )
