"""The desk page: scan, see the answer, Enter to hand over, scan the next card.

Each step is a plain form POST that answers with the whole page, so it works without
JavaScript; static/desk.js sends the same POSTs in the background and swaps in the panel.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, render_template, request
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from app import context
from app.auth.access import DESK, allow
from app.cards.services import BadCardNumber, CardRevoked, NotACard, UnknownCard
from app.desk.camera import BadFrame, read_qr
from app.desk.services import (
    NotEligible,
    check_card,
    last_site_name,
    note_refusal,
    record_handover,
)
from app.extensions import db

bp = Blueprint("desk", __name__, url_prefix="/desk")

JUST_NOW = timedelta(minutes=1)

CARD_PROBLEMS = {
    NotACard: "not_a_card",
    BadCardNumber: "bad_number",
    UnknownCard: "unknown",
    CardRevoked: "revoked",
}


class ScanForm(FlaskForm):
    scan = StringField("Card", validators=[DataRequired(), Length(max=200)])


def _render(panel: dict[str, object] | None, status: int = 200) -> tuple[str, int]:
    template = "desk/_panel.html" if request.headers.get("X-Desk-Panel") else "desk/index.html"
    return render_template(template, form=ScanForm(formdata=None), panel=panel), status


def _card_problem(exc: Exception) -> dict[str, object]:
    kind = CARD_PROBLEMS[type(exc)]  # type: ignore[index]
    return {"state": kind, "message": str(exc), **getattr(exc, "details", {})}


@bp.get("")
@allow(*DESK)
def index() -> tuple[str, int]:
    return _render(None)


@bp.post("/check")
@allow(*DESK)
def check() -> tuple[str, int]:
    form = ScanForm()
    if not form.validate():
        return _render({"state": "not_a_card", "message": "Scan a card or type its number."}, 422)
    answer = _answer(form.scan.data or "")
    db.session.commit()
    return answer


def _answer(scanned: str) -> tuple[str, int]:
    """The panel for a scan: eligible with what to hand over, or not yet, or a card problem."""
    try:
        result = check_card(
            db.session,
            scanned=scanned,
            today=context.today(),
            days=context.eligibility_days(),
            site_id=context.site_id(),
        )
    except tuple(CARD_PROBLEMS) as exc:
        return _render(_card_problem(exc))
    if result.refusal_due:
        note_refusal(
            db.session,
            household_id=result.visitor.household_id,
            site_id=context.site_id(),
            today=result.today,
            user_id=context.actor_id(),
        )
    if result.decision.eligible:
        return _render({"state": "eligible", "check": result, "scan": scanned})
    served = result.served_today
    if served and context.now() - served.at < JUST_NOW:
        # A second scan right after the handover: the family is leaving with its parcel.
        same_desk = served.user_id == context.actor_id()
        return _render({"state": "just_served", "check": result, "same_desk": same_desk})
    last_site = last_site_name(db.session, result.visitor.household_id)
    return _render({"state": "not_yet", "check": result, "last_site": last_site})


@bp.post("/handover")
@allow(*DESK)
def handover() -> tuple[str, int]:
    form = ScanForm()
    if not form.validate():
        return _render({"state": "not_a_card", "message": "Scan a card or type its number."}, 422)
    try:
        done = record_handover(
            db.session,
            scanned=form.scan.data or "",
            today=context.today(),
            now=context.now(),
            days=context.eligibility_days(),
            site_id=context.site_id(),
            user_id=context.actor_id(),
        )
    except tuple(CARD_PROBLEMS) as exc:
        db.session.rollback()
        return _render(_card_problem(exc))
    except NotEligible:
        db.session.commit()  # the refusal it counted
        answer = _answer(form.scan.data or "")
        db.session.commit()
        return answer
    db.session.commit()
    return _render({"state": "served", "handover": done})


@bp.post("/decode")
@allow(*DESK)
def decode() -> tuple[dict[str, str | None], int]:
    """A camera frame in, the QR text out; the page then scans it as if typed."""
    try:
        text = read_qr(request.get_data(cache=False))
    except BadFrame as exc:
        return {"error": exc.code, "message": exc.message}, 422
    return {"text": text}, 200
