"""Enrolments in manual programmes (a coordinator's decision, with its reason)."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, jsonify

from app import context
from app.api import parse_body, writes
from app.api.docs import Answer, doc
from app.api.types import Body, Code, Note
from app.auth.access import COORDINATOR, allow
from app.errors import NotFound, ValidationFailed
from app.extensions import db
from app.households.services import get_household
from app.programmes import services
from app.programmes.models import Enrolment
from app.programmes.services import AlreadyEnrolled

bp = Blueprint("enrolments", __name__)


class EnrolmentIn(Body):
    programme: Code
    reason: Note
    starts_on: date | None = None
    ends_on: date | None = None


class EnrolmentOut(Answer):
    id: int
    programme: str
    starts_on: date
    ends_on: date | None
    ended_on: date | None = None


def _json(enrolment: Enrolment, code: str) -> dict[str, object]:
    return {
        "id": enrolment.id,
        "programme": code,
        "starts_on": enrolment.starts_on.isoformat(),
        "ends_on": enrolment.ends_on.isoformat() if enrolment.ends_on else None,
        "ended_on": enrolment.ended_on.isoformat() if enrolment.ended_on else None,
    }


@bp.post("/households/<id:household_id>/enrolments")
@doc(
    body=EnrolmentIn,
    responses={201: EnrolmentOut},
    errors=(NotFound, AlreadyEnrolled, ValidationFailed),
)
@allow(*COORDINATOR)
@writes
def enrol(household_id: int) -> tuple[Response, int]:
    """Enrol a household in a manual programme; 409 ``already_enrolled`` when it is, 422 for
    an automatic programme or an unknown code."""
    body = parse_body(EnrolmentIn)
    get_household(db.session, household_id)  # 404 for none, or an erased one
    enrolment = services.enrol(
        db.session,
        household_id=household_id,
        code=body.programme,
        reason=body.reason,
        starts_on=body.starts_on,
        ends_on=body.ends_on,
        today=context.today(),
        user_id=context.actor_id(),
    )
    return jsonify(_json(enrolment, body.programme.strip().upper())), 201


@bp.post("/enrolments/<id:enrolment_id>/end")
@doc(responses={200: EnrolmentOut}, errors=(NotFound,))
@allow(*COORDINATOR)
@writes
def end(enrolment_id: int) -> Response:
    """End an enrolment today (its end date becomes today, or stays if earlier)."""
    enrolment = services.end_enrolment(
        db.session, enrolment_id, today=context.today(), user_id=context.actor_id()
    )
    return jsonify(_json(enrolment, services.programme_code(db.session, enrolment.programme_id)))
