"""The desk page: scan, see the answer, Enter to hand over, scan the next card.

Each step is a plain form POST that answers with the whole page, so it works without
JavaScript; static/desk.js sends the same POSTs in the background and swaps in the panel.
"""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

from flask import Blueprint, current_app, render_template, request, session
from flask_babel import get_locale
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
from app.desk.models import DECLINE_REASONS
from app.desk.outcomes import decline_handover
from app.desk.pending import Pending, ask_about, check_pending, declined_reason, pending_from
from app.desk.services import Refused, last_site_name, record_handover, turn_away
from app.extensions import db
from app.idempotency.services import Names, form_body, guard
from app.stock.vouchers import VoucherInvalid
from app.text import has_control_characters
from app.tickets.services import call_next
from app.unit_of_work import page_writes, refuse

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
    return _page(fragment, panel), status


def _page(fragment: str, panel: dict[str, object] | None) -> str:
    """The answer panel alone for the page's script, or the whole desk page around it."""
    if request.headers.get("X-Desk-Panel"):
        return fragment
    form = ScanForm(formdata=None)
    return render_template(
        "desk/index.html",
        form=form,
        panel_html=Markup(fragment),
        state=panel["state"] if panel else None,
        pending=panel.get("pending") if panel else None,
        typed=panel.get("typed", "") if panel else "",
        desk=this_desk(),
        called=panel.get("called") if panel else None,
    )


def this_desk() -> str:
    """The desk's name as the hall screen shows it, kept in the browser's session."""
    return str(session.get("desk", ""))[:20]


def _too_many_lookups(exc: TooManyLookups) -> tuple[str, int]:
    return _render({"state": "too_many_lookups", "message": str(exc.message)}, 429)


def _card_problem(exc: Exception, scanned: str = "") -> dict[str, object]:
    kind = CARD_PROBLEMS[type(exc)]  # type: ignore[index]
    # A number with a wrong digit stays in the field, to be mended rather than retyped.
    typed = {"typed": scanned} if kind == "bad_number" else {}
    return {"state": kind, "message": str(exc), **typed, **getattr(exc, "details", {})}


@bp.get("")
@allow(*DESK)
def index() -> tuple[str, int]:
    return _render(None)


@bp.post("/check")
@allow(*DESK)
@limit_lookups(card_in_form, _too_many_lookups)
@page_writes
def check() -> tuple[str, int]:
    """Answer a scan. With an ELIGIBLE answer still pending (sent back by the page as
    ``pending_*``), the next card is not answered until the desk says whether that family was
    served: the page asks instead."""
    form = ScanForm()
    if not form.validate():
        return _render(
            {"state": "not_a_card", "message": _("Scan a card or type its number.")}, 422
        )
    scanned = form.scan.data or ""
    pending = pending_from(request.form)
    asked = ask_about(pending, scanned) if pending and pending.scan != scanned else None
    return _render(asked) if asked else _answer(scanned)


@bp.post("/household/<id:household_id>")
@allow(*DESK)
@page_writes
def household(household_id: int) -> tuple[str, int]:
    """The desk's answer for a household found by name: the family forgot its card."""
    return _answer_to(Pending(scan=None, household_id=household_id, key=""))


def _answer(scanned: str, extra: dict[str, object] | None = None) -> tuple[str, int]:
    """The panel for a scan: eligible with what to hand over, or not yet, or a card problem.
    ``extra`` goes into the panel (a refused voucher and the serials typed, or what became of
    the family asked about before this card)."""
    return _answer_to(Pending(scan=scanned, household_id=None, key=""), extra)


def _answer_to(asked: Pending, extra: dict[str, object] | None = None) -> tuple[str, int]:
    """The panel for a card, or for a household found without its card."""
    extra = extra or {}
    try:
        result = check_pending(asked)
    except tuple(CARD_PROBLEMS) as exc:
        return _render({**_card_problem(exc, asked.scan or ""), **extra})
    if not result.may_serve:
        # The desk's NOT YET: the family is turned away here (a POST, in this page's unit of
        # work), and counted as refused when its visit was on an earlier day.
        turn_away(
            db.session,
            household_id=result.visitor.household_id,
            decision=result.decision,
            today=result.today,
            site_id=context.site_id(),
            user_id=context.actor_id(),
        )
    if result.may_serve:
        vouchers = str(extra.get("vouchers", ""))
        pending = Pending(asked.scan, asked.household_id, new_key(), vouchers)
        return _render({"state": "eligible", "check": result, "pending": pending, **extra})
    served = result.served_today
    if served and context.now() - served.at < JUST_NOW:
        # A second scan right after the handover: the family is leaving with its parcel.
        same_desk = served.user_id == context.actor_id()
        return _render({"state": "just_served", "check": result, "same_desk": same_desk, **extra})
    last_site = last_site_name(db.session, result.visitor.household_id, str(get_locale()))
    return _render({"state": "not_yet", "check": result, "last_site": last_site, **extra})


@bp.post("/handover")
@allow(*DESK)
@limit_lookups(card_in_form, _too_many_lookups)
@page_writes
def handover() -> tuple[str, int]:
    """Record the handover. The form carries an idempotency key: sent again (a double click,
    a retry after a timeout), it shows the first answer and records nothing new. The key is
    handled as the API's (idempotency.guard), the hash taken of the fields the form posts
    except its CSRF token and ``next`` (where the page goes afterwards, not what it records).

    Without a card the form names the household instead (found by name); with ``next`` (the
    card scanned while this family's answer was pending) the page goes on to that card."""
    target = pending_from(request.form, prefix="")
    if target is None:
        return _render(
            {"state": "not_a_card", "message": _("Scan a card or type its number.")}, 422
        )
    following = _next_scan()
    typed_serials = request.form.get("vouchers", "")[:4000]
    serials = _serials(typed_serials)
    user_id = context.actor_id()
    once = guard(
        db.session,
        user_id=user_id,
        key=target.key or None,
        method=request.method,
        path=request.path,
        body=form_body(request.form.items(multi=True), leave_out=("csrf_token", "next")),
        card_key=context.card_key(),
    )
    replay = once.first_answer() if once else None
    if replay is not None:
        if following:
            return _go_on(following, None)
        return _page(replay.body.decode(), {"state": "served"}), 200
    try:
        done = record_handover(
            db.session,
            scanned=target.scan,
            household_id=target.household_id,
            today=context.today(),
            now=context.now(),
            days=context.eligibility_days(),
            site_id=context.site_id(),
            user_id=user_id,
            vouchers=[(None, serial) for serial in serials],
            skip=_unticked(),
            close_ticket=True,
            desk=this_desk(),
        )
    except tuple(CARD_PROBLEMS) as exc:
        refuse(exc, say=())  # the panel says it
        if following:
            return _go_on(following, None)
        return _render(_card_problem(exc, target.scan or ""))
    except VoucherInvalid as exc:
        refuse(exc, say=())  # nothing of the handover is kept; the panel says why
        problem = _voucher_problem(str(exc.details.get("reason")), str(exc.details["serial"]))
        return _answer_to(target, {"voucher_error": problem, "vouchers": typed_serials})
    if isinstance(done, Refused):
        # The refusal it counted is committed with this answer by @page_writes.
        return _go_on(following, None) if following else _answer_to(target)
    fragment = render_template(
        "desk/_panel.html", panel={"state": "served", "handover": done, "ticket": done.ticket}
    )
    if once:
        once.keep(
            status=200,
            content_type="text/html",
            body=fragment.encode(),
            now=context.now(),
            names=Names({done.visitor.household_id}),  # the fragment greets the head
        )
    if following:
        note = _("%(name)s: handed over.", name=done.visitor.head_name)
        return _go_on(following, note)
    return _page(fragment, {"state": "served"}), 200


@bp.post("/decline")
@allow(*DESK)
@limit_lookups(card_in_form, _too_many_lookups)
@page_writes
def decline() -> tuple[str, int]:
    """The family told ELIGIBLE was not served after all (it left, an item was missing):
    recorded with its reason, then the page goes on to the next card if one was scanned."""
    target = pending_from(request.form, prefix="")
    reason = request.form.get("reason", "")
    if target is None or reason not in DECLINE_REASONS:
        return _render(
            {"state": "not_a_card", "message": _("Say why the family was not served.")}, 422
        )
    following = _next_scan()
    try:
        result = check_pending(target)
    except tuple(CARD_PROBLEMS) as exc:
        return _render(_card_problem(exc, target.scan or ""))
    recorded = decline_handover(
        db.session,
        household_id=result.visitor.household_id,
        reason=reason,
        site_id=context.site_id(),
        today=context.today(),
        now=context.now(),
        user_id=context.actor_id(),
    )
    why = declined_reason(reason)
    name = result.visitor.head_name
    if following:
        note = _("%(name)s: not handed over (%(why)s).", name=name, why=why) if recorded else None
        return _go_on(following, note)
    return _render({"state": "declined", "check": result, "why": why, "recorded": recorded})


def _next_scan() -> str:
    return request.form.get("next", "").strip()[:200]


def _go_on(following: str, note: str | None) -> tuple[str, int]:
    """After the pending family is settled, the answer for the card scanned meanwhile."""
    return _answer(following, {"resolved": note} if note else None)


def new_key() -> str:
    return secrets.token_urlsafe(16)


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


def _unticked() -> frozenset[tuple[str, str]]:
    """The lines the volunteer unticked (the family did not take them): offered, not taken.
    Each is "PROGRAMME:SKU"; a form that offers none (the confirm form) skips none."""
    offered = {v[:81] for v in request.form.getlist("offered")[:100]}
    taken = set(request.form.getlist("take")[:100])
    return frozenset(
        (code, sku) for code, _, sku in (v.partition(":") for v in offered - taken) if sku
    )


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


@bp.post("/call")
@allow(*DESK)
@page_writes
def call() -> tuple[str, int]:
    """F8: call the next ticket of the line to this desk (the hall screen shows it). The
    desk's name is kept for its next calls and for the handover that closes the ticket."""
    desk = request.form.get("desk", "").strip()[:20]
    line = request.form.get("line", "distribution")
    # The hall screen shows the name: the API's rule for it (CallIn), no control characters.
    if not desk or has_control_characters(desk) or line not in ("distribution", "registration"):
        return _render({"state": "not_a_card", "message": _("Name this desk to call.")}, 422)
    session["desk"] = desk
    called = call_next(
        db.session,
        site_id=context.site_id(),
        line=line,
        day=context.today(),
        now=context.now(),
        desk=desk,
        recall_after=timedelta(minutes=current_app.config["AID_QUEUE_RECALL_MINUTES"]),
    )
    # No answer panel: the call is shown beside the call button, the scan field stays free.
    if called is None:
        return _page("", {"state": "queue_empty", "called": None}), 200
    return _page("", {"state": "called", "called": called.label}), 200
