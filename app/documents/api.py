"""POST /api/v1/mrz: what a document's machine-readable zone says, for the registration form
to fill in. Nothing is saved."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from flask import Blueprint, Response, jsonify
from pydantic import StringConstraints

from app import context
from app.api import parse_body
from app.api.docs import Answer, doc
from app.api.types import Body
from app.auth.access import DESK, allow
from app.documents.mrz import MrzReading, NotMrz, read_mrz
from app.errors import DomainError

bp = Blueprint("documents", __name__)

MAX_TEXT = 300  # three lines of 30 or two of 44, with room for separators and spaces


class NotMrzText(DomainError):
    code = "not_mrz"
    status = 422


class MrzIn(Body):
    text: Annotated[str, StringConstraints(min_length=1, max_length=MAX_TEXT)]


class MrzOut(Answer):
    format: str
    document_type: str
    document_number: str
    country: str | None
    nationality: str | None
    family_name: str
    given_name: str
    birth_date: date | None
    birth_date_partial: str | None
    sex: str | None
    expires_on: date | None
    checks: dict[str, bool]


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def mrz_json(reading: MrzReading) -> dict[str, object]:
    return {
        "format": reading.format,
        "document_type": reading.document_type,
        "document_number": reading.document_number,
        "country": reading.country,
        "nationality": reading.nationality,
        "family_name": reading.family_name,
        "given_name": reading.given_name,
        "birth_date": _iso(reading.birth_date),
        "birth_date_partial": reading.birth_date_partial,
        "sex": reading.sex,
        "expires_on": _iso(reading.expires_on),
        "checks": dict(reading.checks),
    }


@bp.post("/mrz")
@doc(body=MrzIn, responses={200: MrzOut}, errors=(NotMrzText,))
@allow(*DESK)
def read_zone() -> Response:
    """200 with the fields and each check digit's verdict (a failed check is an answer, not
    an error: the form names the field to look at again); 422 not_mrz with the reason when
    the text is not a machine-readable zone at all."""
    body = parse_body(MrzIn)
    try:
        reading = read_mrz(body.text, context.today())
    except NotMrz as exc:
        raise NotMrzText(exc.reason) from None
    return jsonify(mrz_json(reading))
