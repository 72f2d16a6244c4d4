"""The desk page: scan, see the answer, Enter to hand over, scan the next card.

Each step is a plain form POST that answers with the whole page, so it works without
JavaScript; static/desk.js sends the same POSTs in the background and swaps in the panel.
"""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from app import context
from app.auth.access import DESK, allow
from app.auth.limits import limit_lookups
from app.auth.lookups import TooManyLookups
from app.cards.lookups import card_in_form
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
from app.idempotency.services import Names, claim, request_hash, store
from app.stock.vouchers import VoucherInvalid

bp = Blueprint("desk", __name__, url_prefix="/desk")

JUST_NOW = timedelta(minutes=1)

CARD_PROBLEMS = {
    NotACard: "not_a_card",
    BadCardNumber: "bad_number",
    UnknownCard: "unknown",
    CardRevoked: "revoked",
}


class ScanForm(FlaskForm):
    scan = StringField(_l("Card"), validators=[DataRequired(), Length(max=200)])


def _render(panel: dict[str, object] | None, status: int = 200) -> tuple[str, int]:
    fragment = render_template("desk/_panel.html", panel=panel) if panel else ""
    state = str(panel["state"]) if panel else None
    return _page(fragment, state), status


def _page(fragment: str, state: str | None) -> str:
    """The answer panel alone for the page's script, or the whole desk page around it."""
    if request.headers.get("X-Desk-Panel"):
        return fragment
    form = ScanForm(formdata=None)
    return render_template("desk/index.html", form=form, panel_html=Markup(fragment), state=state)


def _too_many_lookups(exc: TooManyLookups) -> tuple[str, int]:
    return _render({"state": "too_many_lookups", "message": str(exc.message)}, 429)


def _card_problem(exc: Exception) -> dict[str, object]:
    kind = CARD_PROBLEMS[type(exc)]  # type: ignore[index]
    return {"state": kind, "message": str(exc), **getattr(exc, "details", {})}


@bp.get("")
@allow(*DESK)
def index() -> tuple[str, int]:
    return _render(None)


@bp.post("/check")
@allow(*DESK)
@limit_lookups(card_in_form, _too_many_lookups)
def check() -> tuple[str, int]:
    form = ScanForm()
    if not form.validate():
        return _render(
            {"state": "not_a_card", "message": _("Scan a card or type its number.")}, 422
        )
    answer = _answer(form.scan.data or "")
    db.session.commit()
    return answer


def _answer(scanned: str, extra: dict[str, object] | None = None) -> tuple[str, int]:
    """The panel for a scan: eligible with what to hand over, or not yet, or a card problem.
    ``extra`` goes into an eligible panel (a refused voucher and the serials typed)."""
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
        return _render({"state": "eligible", "check": result, "scan": scanned, **(extra or {})})
    served = result.served_today
    if served and context.now() - served.at < JUST_NOW:
        # A second scan right after the handover: the family is leaving with its parcel.
        same_desk = served.user_id == context.actor_id()
        return _render({"state": "just_served", "check": result, "same_desk": same_desk})
    last_site = last_site_name(db.session, result.visitor.household_id)
    return _render({"state": "not_yet", "check": result, "last_site": last_site})


@bp.post("/handover")
@allow(*DESK)
@limit_lookups(card_in_form, _too_many_lookups)
def handover() -> tuple[str, int]:
    """Record the handover. The form carries an idempotency key: sent again (a double click,
    a retry after a timeout), it shows the first answer and records nothing new."""
    form = ScanForm()
    if not form.validate():
        return _render(
            {"state": "not_a_card", "message": _("Scan a card or type its number.")}, 422
        )
    scanned = form.scan.data or ""
    typed_serials = request.form.get("vouchers", "")[:4000]
    serials = _serials(typed_serials)
    key = request.form.get("idempotency_key", "")
    user_id = context.actor_id()
    if key and user_id is not None:
        digest = request_hash("POST", request.path, scanned.encode())
        replay = claim(
            db.session, user_id=user_id, key=key, digest=digest, card_key=context.card_key()
        )
        if replay is not None:
            return _page(replay.body.decode(), "served"), 200
    try:
        done = record_handover(
            db.session,
            scanned=scanned,
            today=context.today(),
            now=context.now(),
            days=context.eligibility_days(),
            site_id=context.site_id(),
            user_id=user_id,
            vouchers=[(None, serial) for serial in serials],
        )
    except tuple(CARD_PROBLEMS) as exc:
        db.session.rollback()
        return _render(_card_problem(exc))
    except VoucherInvalid as exc:
        db.session.rollback()  # nothing of the handover is kept
        problem = _voucher_problem(str(exc.details.get("reason")), str(exc.details["serial"]))
        answer = _answer(scanned, {"voucher_error": problem, "vouchers": typed_serials})
        db.session.commit()
        return answer
    except NotEligible:
        db.session.commit()  # the refusal it counted
        answer = _answer(scanned)
        db.session.commit()
        return answer
    fragment = render_template("desk/_panel.html", panel={"state": "served", "handover": done})
    if key and user_id is not None:
        store(
            db.session,
            user_id=user_id,
            key=key,
            status=200,
            content_type="text/html",
            body=fragment.encode(),
            card_key=context.card_key(),
            now=context.now(),
            names=Names({done.visitor.household_id}),  # the fragment greets the head
        )
    db.session.commit()
    return _page(fragment, "served"), 200


def _voucher_problem(reason: str, serial: str) -> str:
    problems = {
        "unknown": _("Voucher %(serial)s is not known: check the serial."),
        "issued": _("Voucher %(serial)s was handed over already."),
        "twice": _("Voucher %(serial)s was scanned twice."),
        "other_item": _("Voucher %(serial)s is of another item."),
        "not_due": _("Voucher %(serial)s is of an item this household is not due."),
        "too_many": _("Voucher %(serial)s is one more than the household is due."),
        "not_in_stock": _("Voucher %(serial)s is not in this site's stock."),
    }
    text = problems.get(reason, problems["unknown"])
    return text % {"serial": serial} + " " + _("Nothing was recorded.")


def _serials(text: str) -> list[str]:
    """The serials typed or scanned into the vouchers field: one per line (or space, comma)."""
    return [part[:40] for part in re.split(r"[\s,;]+", text.upper()) if part][:100]


@bp.post("/decode")
@allow(*DESK)
def decode() -> tuple[dict[str, str | None], int]:
    """A camera frame in, the QR text out; the page then scans it as if typed."""
    try:
        text = read_qr(request.get_data(cache=False))
    except BadFrame as exc:
        return {"error": exc.code, "message": exc.message}, 422
    return {"text": text}, 200
