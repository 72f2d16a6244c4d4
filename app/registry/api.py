from __future__ import annotations

from datetime import date
from typing import Literal

from flask import Blueprint, Response, current_app, jsonify, request
from flask_babel import lazy_gettext as _l
from pydantic import Field

from app import context
from app.api import answer_names, parse_body, query_model, writes
from app.api.docs import Media, doc
from app.api.types import Body, Code, Id, Name, Note
from app.audit.seen import audited_read
from app.auth.access import COORDINATOR, DESK, allow, current_actor
from app.auth.limits import limit_lookups, number_in_search
from app.cards.services import card_qr, current_card_png, issue_card
from app.errors import NotFound, ValidationFailed
from app.extensions import db
from app.households import changes, vulnerability
from app.households.changes import ChangeRefused
from app.households.duplicates import PossibleDuplicate
from app.households.models import CONSENT_KINDS
from app.households.rules import (
    DOCUMENT_TYPES,
    RELATIONSHIPS,
    SEXES,
    NewDocument,
    NewHousehold,
    NewMember,
)
from app.households.services import DuplicateDocument, get_household
from app.households.visibility import sees_everything
from app.households.vulnerability import ConsentRefused
from app.registry.api_answers import (
    CardOut,
    ChangeOut,
    ConsentOut,
    HouseholdOut,
    PersonFound,
)
from app.registry.read_model import household_json, read_household
from app.registry.registration import register_household
from app.registry.search import search_people

bp = Blueprint("households", __name__)


# Literal[A_TUPLE] is the Literal of the tuple's values at run time, which pydantic reads; mypy
# wants the values spelled out, hence its [valid-type] below. The tuples stay the one list.
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
    pregnant_or_breastfeeding: bool = False
    single_parent: bool = False
    # The person agreed that health flags be recorded: needed for any of them.
    health_consent: bool = False
    documents: list[DocumentIn] = Field(max_length=20)

    def to_new(self) -> NewMember:
        return NewMember(
            given_name=self.given_name,
            family_name=self.family_name,
            birth_date=self.birth_date,
            sex=self.sex,
            relationship=self.relationship,
            disability=self.disability,
            chronic_disease=self.chronic_disease,
            pregnant_or_breastfeeding=self.pregnant_or_breastfeeding,
            single_parent=self.single_parent,
            health_consent=self.health_consent,
            given_name_native=self.given_name_native,
            family_name_native=self.family_name_native,
            documents=tuple(
                NewDocument(d.type, d.number, d.country, d.expires_on) for d in self.documents
            ),
        )


class NewMemberIn(MemberIn):
    confirm_new: bool = False


class HeadIn(Body):
    member_id: Id
    former_head_becomes: Literal[RELATIONSHIPS] = "other"  # type: ignore[valid-type]


class MoveIn(Body):
    household_id: Id
    relationship: Literal[RELATIONSHIPS] = "other"  # type: ignore[valid-type]


class ConsentIn(Body):
    kind: Literal[CONSENT_KINDS]  # type: ignore[valid-type]


class FlagsIn(Body):
    disability: bool = False
    chronic_disease: bool = False
    pregnant_or_breastfeeding: bool = False
    single_parent: bool = False


class HouseholdIn(Body):
    members: list[MemberIn] = Field(max_length=50)
    phone: Note | None = None
    locality: Note | None = None
    # The volunteer saw the likely matches (409 possible_duplicate) and says: a new person.
    confirm_new: bool = False

    def to_new(self) -> NewHousehold:
        return NewHousehold(
            members=tuple(m.to_new() for m in self.members),
            phone=self.phone,
            locality=self.locality,
        )


class CardIn(Body):
    reason: Note | None = None


class PeopleQuery(Body):
    q: str = ""


# Registering people: a document already held is certain, a name alike is for the volunteer.
REGISTRATION_ERRORS = (DuplicateDocument, PossibleDuplicate, ValidationFailed)


def _role() -> str | None:
    actor = current_actor()
    return actor.role if actor else None


def _answer(household_id: int, role: str | None) -> dict[str, object]:
    """The household as the caller may see it (registry.read_model): every answer that
    carries a household is made here."""
    view = read_household(db.session, household_id, role=role, today=context.today())
    # A stored answer (Idempotency-Key) is forgotten when the people it names are erased.
    answer_names(view.id, [m.id for m in view.members])
    qr = card_qr(view.card, context.card_key()) if view.card else None
    return household_json(view, qr)


@bp.post("/households")
@doc(body=HouseholdIn, responses={201: HouseholdOut}, errors=REGISTRATION_ERRORS)
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
        confirm_new=body.confirm_new,
    )
    return jsonify(_answer(registered.household.id, _role())), 201


@bp.get("/households/<id:household_id>")
@doc(responses={200: HouseholdOut})
@allow(*DESK)
def show(household_id: int) -> Response:
    role = _role()
    with audited_read(sees_everything(role)):
        body = _answer(household_id, role)
    return jsonify(body)


@bp.post("/households/<id:household_id>/cards")
@doc(body=CardIn, body_required=False, responses={201: CardOut})
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
    answer_names(household_id)
    return jsonify(number=issued.number, qr=issued.qr), 201


@bp.get("/households/<id:household_id>/card.png")
@doc(responses={200: Media("image/png")})
@allow(*DESK)
def card_png(household_id: int) -> Response:
    png = current_card_png(
        db.session, household_id, card_key=context.card_key(), photo_dir=context.photo_dir()
    )
    return Response(png, mimetype="image/png", headers={"Cache-Control": "no-store"})


@bp.get("/people")
@doc(query=PeopleQuery, responses={200: list[PersonFound]})
@allow(*DESK)
@limit_lookups(number_in_search)
def people() -> Response:
    """People matching ``q`` (card or document number, phone, names), best matches first."""
    query = query_model(PeopleQuery, request.args.to_dict())
    actor = current_actor()
    found = search_people(
        db.session, query.q, everything=sees_everything(actor.role if actor else None)
    )
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


# --- Households change (households.changes) ---------------------------------------------------


@bp.post("/households/<id:household_id>/members")
@doc(body=NewMemberIn, responses={201: HouseholdOut}, errors=(*REGISTRATION_ERRORS, ChangeRefused))
@allow(*DESK)
@writes
def add_member(household_id: int) -> tuple[Response, int]:
    body = parse_body(NewMemberIn)
    changes.add_member(
        db.session,
        household_id,
        body.to_new(),
        today=context.today(),
        now=context.now(),
        user_id=context.actor_id(),
        confirm_new=body.confirm_new,
    )
    return jsonify(_answer(household_id, _role())), 201


@bp.post("/households/<id:household_id>/members/<id:member_id>/departure")
@doc(responses={200: HouseholdOut}, errors=(ChangeRefused,))
@allow(*DESK)
@writes
def departure(household_id: int, member_id: int) -> Response:
    changes.mark_departed(
        db.session,
        household_id,
        member_id,
        today=context.today(),
        now=context.now(),
        user_id=context.actor_id(),
    )
    return jsonify(_answer(household_id, _role()))


@bp.post("/households/<id:household_id>/head")
@doc(body=HeadIn, responses={200: HouseholdOut}, errors=(ChangeRefused,))
@allow(*DESK)
@writes
def head(household_id: int) -> Response:
    body = parse_body(HeadIn)
    changes.change_head(
        db.session,
        household_id,
        body.member_id,
        former_head_becomes=body.former_head_becomes,
        now=context.now(),
        user_id=context.actor_id(),
    )
    return jsonify(_answer(household_id, _role()))


@bp.post("/households/<id:household_id>/members/<id:member_id>/move")
@doc(body=MoveIn, responses={200: HouseholdOut}, errors=(ChangeRefused,))
@allow(*COORDINATOR)
@writes
def move(household_id: int, member_id: int) -> Response:
    body = parse_body(MoveIn)
    changes.move_member(
        db.session,
        household_id,
        member_id,
        to_household_id=body.household_id,
        relationship=body.relationship,
        now=context.now(),
        user_id=context.actor_id(),
    )
    return jsonify(_answer(body.household_id, _role()))


@bp.get("/households/<id:household_id>/history")
@doc(responses={200: list[ChangeOut]})
@allow(*DESK)
def household_history(household_id: int) -> Response:
    get_household(db.session, household_id)  # 404 for an unknown household
    return jsonify(
        [
            {
                "kind": c.kind,
                "changed_at": c.changed_at.isoformat(),
                "changed_by": c.changed_by,
                "member_id": c.member_id,
                "other_household_id": c.other_household_id,
            }
            for c in changes.history(db.session, household_id)
        ]
    )


# --- Vulnerability and consent (households.vulnerability) --------------------------------------


@bp.post("/households/<id:household_id>/members/<id:member_id>/consents")
@doc(body=ConsentIn, responses={201: ConsentOut}, errors=(ConsentRefused,))
@allow(*DESK)
@writes
def give_consent(household_id: int, member_id: int) -> tuple[Response, int]:
    body = parse_body(ConsentIn)
    vulnerability.member_of(db.session, household_id, member_id)
    consent = vulnerability.give_consent(
        db.session, member_id, body.kind, user_id=context.actor_id(), now=context.now()
    )
    return jsonify(kind=consent.kind, given_at=consent.given_at.isoformat()), 201


@bp.post("/households/<id:household_id>/members/<id:member_id>/consents/<kind>/withdrawal")
@doc(responses={200: HouseholdOut}, errors=(ConsentRefused,))
@allow(*DESK)
@writes
def withdraw_consent(household_id: int, member_id: int, kind: str) -> Response:
    if kind not in CONSENT_KINDS:
        raise NotFound(_l("No consent kind %(kind)s.", kind=kind))
    vulnerability.member_of(db.session, household_id, member_id)
    vulnerability.withdraw_consent(
        db.session,
        member_id,
        kind,
        user_id=context.actor_id(),
        now=context.now(),
        photo_dir=current_app.config["AID_PHOTO_DIR"],
    )
    return jsonify(_answer(household_id, _role()))


@bp.post("/households/<id:household_id>/members/<id:member_id>/flags")
@doc(body=FlagsIn, responses={200: HouseholdOut}, errors=(ValidationFailed,))
@allow(*DESK)
@writes
def set_flags(household_id: int, member_id: int) -> Response:
    body = parse_body(FlagsIn)
    vulnerability.set_flags(
        db.session,
        household_id,
        member_id,
        vulnerability.Flags(**body.model_dump()),
        may_clear=sees_everything(_role()),
    )
    return jsonify(_answer(household_id, _role()))
