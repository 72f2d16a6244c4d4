"""GET /api/v1/distributions/ID/slip.pdf: the slip of a handover, for a desk's printer."""

from __future__ import annotations

from typing import Literal

from flask import Blueprint, Response, current_app, request

from app import context
from app.api import query_model
from app.api.docs import Media, doc
from app.api.types import Body
from app.auth.access import DESK, allow
from app.errors import ValidationFailed
from app.extensions import db
from app.slips.lines import slip_text
from app.slips.pdf import slip_pdf
from app.slips.services import NoSuchDistribution, slip_for
from app.unit_of_work import end_read

bp = Blueprint("slips", __name__)


class SlipQuery(Body):
    """``paper``: a thermal roll 58 or 80 mm wide, or A6; the site's AID_SLIP_PAPER if left out."""

    paper: Literal["58", "80", "a6"] | None = None


@bp.get("/distributions/<id:distribution_id>/slip.pdf")
@doc(
    query=SlipQuery,
    responses={200: Media("application/pdf")},
    errors=(NoSuchDistribution, ValidationFailed),
)
@allow(*DESK)
def slip(distribution_id: int) -> Response:
    query = query_model(SlipQuery, request.args.to_dict())
    found = slip_for(
        db.session,
        distribution_id,
        card_key=context.card_key(),
        days=context.eligibility_days(),
        timezone=current_app.config["AID_TIMEZONE"],
    )
    end_read()  # before drawing
    text = slip_text(found, current_app.config["AID_BENEFICIARY_LANGUAGES"])
    paper = query.paper or current_app.config["AID_SLIP_PAPER"]
    return Response(
        slip_pdf(text, paper),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="slip-{found.reference}.pdf"'},
    )
