"""Printing cards through the JSON API: one card as a PDF, or A4 sheets of them."""

from __future__ import annotations

from typing import Annotated

from flask import Blueprint, Response
from pydantic import Field

from app import context
from app.api import parse_body
from app.api.docs import Media, doc
from app.api.types import Body
from app.auth.access import DESK, allow
from app.cards.pdf import card_pdf, sheet_pdf
from app.cards.sheets import MAX_SHEET_CARDS, card_face, sheet_faces
from app.errors import NotFound, ValidationFailed
from app.extensions import db
from app.unit_of_work import end_read

bp = Blueprint("cards", __name__)

HouseholdId = Annotated[int, Field(gt=0, le=2**31 - 1)]  # as the <id:...> converter takes


class SheetIn(Body):
    household_ids: list[HouseholdId] = Field(min_length=1, max_length=MAX_SHEET_CARDS)


def _pdf(data: bytes, filename: str, disposition: str) -> Response:
    return Response(
        data,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'{disposition}; filename="{filename}"'},
    )


@bp.get("/households/<id:household_id>/card.pdf")
@doc(responses={200: Media("application/pdf")})
@allow(*DESK)
def card(household_id: int) -> Response:
    face = card_face(
        db.session, household_id, card_key=context.card_key(), photo_dir=context.photo_dir()
    )
    return _pdf(card_pdf(face), f"card-{face.number}.pdf", "inline")


@bp.post("/cards/sheet")
@doc(body=SheetIn, responses={200: Media("application/pdf")}, errors=(NotFound, ValidationFailed))
@allow(*DESK)
def sheet() -> Response:
    body = parse_body(SheetIn)
    faces = sheet_faces(
        db.session, body.household_ids, card_key=context.card_key(), photo_dir=context.photo_dir()
    )
    end_read()  # nothing was written: before drawing
    return _pdf(sheet_pdf(faces), f"cards-{context.today().isoformat()}.pdf", "attachment")
