"""The door page, the printable ticket and the hall screen.

The door (a volunteer at the entrance, the same scanner as the desk) answers a card with a
ticket or "not today, come back on DATE", and records no visit. The hall screen needs no
session: the display token opens it (decision 0031).
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask_babel import force_locale, lazy_pgettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app import context
from app.auth.access import DESK, allow
from app.auth.limits import limit_lookups
from app.auth.lookups import TooManyLookups
from app.cards.lookups import card_in_form
from app.cards.services import BadCardNumber, CardRevoked, NotACard, UnknownCard
from app.extensions import db
from app.i18n import in_family_languages
from app.queue.api import queue_state
from app.queue.display import allow_display
from app.queue.services import DoorAnswer, NotToday, door_check, registration_ticket
from app.tickets.display import display_token
from app.tickets.services import ticket_by_id
from app.unit_of_work import page_writes
from app.web import format_day

bp = Blueprint("queue", __name__, url_prefix="/queue")

CARD_PROBLEMS = (BadCardNumber, NotACard, UnknownCard, CardRevoked)


def _door(
    answer: DoorAnswer | None = None, problem: str = "", status: int = 200
) -> tuple[str, int]:
    said = _not_today(answer.next_eligible_on) if isinstance(answer, NotToday) else []
    page = render_template("queue/door.html", answer=answer, problem=problem, not_today=said)
    return page, status


def _not_today(day: date | None) -> list[tuple[str, str, str]]:
    """(language, "Not today", "Come back on DATE") in each of the families' languages."""
    lines = []
    for language in current_app.config["AID_BENEFICIARY_LANGUAGES"]:
        with force_locale(language):
            back = (
                _("Come back on %(day)s", day=format_day(day))
                if day
                else _("Ask at the desk when to come back.")
            )
            lines.append((language, _("Not today"), back))
    return lines


# What the hall screen says, in the families' languages: they read it, not the volunteers.
HALL_WORDS = {
    "distribution": _l("Distribution"),
    "registration": _l("Registration"),
    "desk": lazy_pgettext("hall", "Desk"),  # a place in the hall, not the desk page
    "waiting": _l("waiting"),
    "minutes": _l("min"),
}


def _too_many_lookups(exc: TooManyLookups) -> tuple[str, int]:
    return _door(problem=str(exc.message), status=429)


@bp.get("/door")
@allow(*DESK)
def door() -> tuple[str, int]:
    return _door()


@bp.post("/door")
@allow(*DESK)
@limit_lookups(card_in_form, _too_many_lookups)
@page_writes
def door_scan() -> tuple[str, int]:
    """A card at the door: its ticket, or "not today". Records no visit."""
    scanned = request.form.get("scan", "").strip()[:200]
    if not scanned:
        return _door(problem=_("Scan a card or type its number."), status=422)
    try:
        answer = door_check(
            db.session,
            scanned=scanned,
            typed=False,
            today=context.today(),
            now=context.now(),
            days=context.eligibility_days(),
            site_id=context.site_id(),
        )
    except CARD_PROBLEMS as exc:
        return _door(problem=str(exc))
    return _door(answer)


@bp.post("/door/registration")
@allow(*DESK)
@page_writes
def door_registration() -> tuple[str, int]:
    """A family without a card: a ticket for the registration line."""
    answer = registration_ticket(
        db.session, today=context.today(), now=context.now(), site_id=context.site_id()
    )
    return _door(answer)


@bp.get("/tickets/<id:ticket_id>")
@allow(*DESK)
def ticket(ticket_id: int) -> str:
    """The ticket to print on the door's printer, or to photograph: a number, no name."""
    found = ticket_by_id(db.session, ticket_id)
    if found is None:
        abort(404)
    return render_template(
        "queue/ticket.html", ticket=found, print_now=bool(request.args.get("print"))
    )


@bp.get("/hall")
@allow_display(*DESK)
def hall() -> str:
    """The hall screen: the numbers called and where, the last calls, the wait per line. It
    reads GET /api/v1/queue with the display token every few seconds."""
    return render_template(
        "queue/hall.html",
        words={key: in_family_languages(message) for key, message in HALL_WORDS.items()},
        state=queue_state(),
        source=url_for("api.queue.queue"),
        token=display_token(),
    )
