"""The queue's API: tickets at the door, calls from the desks, the queue for the hall screen,
and each desk's day (decisions 0031, 0032)."""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

from flask import Blueprint, Response, current_app, jsonify, request
from flask_babel import lazy_gettext as _l
from pydantic import Field

from app import context
from app.api import parse_body, parse_day, writes
from app.api.docs import Answer, doc
from app.api.types import Body, ScanText
from app.auth.access import COORDINATOR, DESK, allow
from app.auth.limits import limit_lookups
from app.cards.lookups import card_in_body
from app.cards.services import BadCardNumber, CardRevoked, NotACard, UnknownCard
from app.desk.services import NotEligible
from app.errors import DomainError, ValidationFailed, api_answer
from app.extensions import db
from app.queue.display import allow_display
from app.queue.services import NotToday, door_check, registration_ticket
from app.tickets.figures import desk_figures, line_figures, recent_calls
from app.tickets.services import call_next

bp = Blueprint("queue", __name__)


class TicketIn(Body):
    """A card at the door (``qr``: its scanned text, ``card``: its number typed), or a
    family without one (``line``: "registration")."""

    qr: ScanText | None = None
    card: ScanText | None = None
    line: Literal["registration"] | None = None


class TicketOut(Answer):
    number: str
    line: str
    issued_at: str
    position: int
    estimated_wait_minutes: int


class CallIn(Body):
    line: Literal["distribution", "registration"]
    desk: str = Field(min_length=1, max_length=20, pattern=r"^[^\x00-\x1f\x7f]+$")


class CallOut(Answer):
    number: str
    desk: str


class CallShown(Answer):
    number: str
    desk: str
    at: str


class LineOut(Answer):
    line: str
    waiting: int
    estimated_wait_minutes: int
    called: list[CallShown]


class QueueOut(Answer):
    lines: list[LineOut]


class DeskOut(Answer):
    desk: str
    served: int
    per_hour: float
    median_seconds: int | None
    p90_seconds: int | None


class QueueEmpty(DomainError):
    code = "queue_empty"
    status = 404


class DeskDay(Body):
    date: str | None = None


CARD_ERRORS = (BadCardNumber, NotACard, UnknownCard, CardRevoked, ValidationFailed)


@bp.post("/queue/tickets")
@doc(body=TicketIn, responses={201: TicketOut, 200: TicketOut}, errors=(*CARD_ERRORS, NotEligible))
@allow(*DESK)
@limit_lookups(card_in_body)
@writes
def ticket() -> tuple[Response, int] | Response:
    """The door: a ticket (201; 200 with the same ticket for the same card again today), or
    409 ``not_eligible`` with ``next_eligible_on`` and no ticket. Records no visit."""
    body = parse_body(TicketIn)
    given = [v for v in (body.qr, body.card, body.line) if v is not None]
    if len(given) != 1:
        raise ValidationFailed(
            {"qr": _l("give one of qr (the scanned text), card (the number) or line")}
        )
    today, now, site_id = context.today(), context.now(), context.site_id()
    if body.line is not None:
        answer = registration_ticket(db.session, today=today, now=now, site_id=site_id)
    else:
        scanned, typed = (body.card, True) if body.card is not None else (body.qr or "", False)
        outcome = door_check(
            db.session,
            scanned=scanned,
            typed=typed,
            today=today,
            now=now,
            days=context.eligibility_days(),
            site_id=site_id,
        )
        if isinstance(outcome, NotToday):
            return api_answer(outcome.error())
        answer = outcome
    t = answer.ticket
    return (
        jsonify(
            number=t.label,
            line=t.line,
            issued_at=t.issued_at.isoformat(),
            position=t.position,
            estimated_wait_minutes=answer.wait_minutes,
        ),
        201 if t.new else 200,
    )


@bp.post("/queue/calls")
@doc(body=CallIn, responses={201: CallOut}, errors=(ValidationFailed, QueueEmpty))
@allow(*DESK)
@writes
def call() -> tuple[Response, int] | Response:
    """A desk calls the next ticket of its line (the hall screen shows it)."""
    body = parse_body(CallIn)
    called = call_next(
        db.session,
        site_id=context.site_id(),
        line=body.line,
        day=context.today(),
        now=context.now(),
        desk=body.desk,
        recall_after=timedelta(minutes=current_app.config["AID_QUEUE_RECALL_MINUTES"]),
    )
    if called is None:
        return api_answer(QueueEmpty(_l("Nobody waits in this line.")))
    return jsonify(number=called.label, desk=called.desk), 201


def queue_state() -> dict[str, object]:
    """Each line: how many wait, the wait for a ticket taken now, the last calls. Numbers,
    desks and times only (the hall screen reads the same)."""
    today, now, site_id = context.today(), context.now(), context.site_id()
    figures = line_figures(db.session, site_id=site_id, day=today, now=now, detail=False)
    calls = recent_calls(db.session, site_id=site_id, day=today)
    return {
        "lines": [
            {
                "line": line,
                "waiting": f.waiting,
                "estimated_wait_minutes": f.estimated_wait_minutes,
                "called": [
                    {"number": c.number, "desk": c.desk, "at": c.at.isoformat()}
                    for c in calls[line]
                ],
            }
            for line, f in figures.items()
        ]
    }


@bp.get("/queue")
@doc(responses={200: QueueOut})
@allow_display(*DESK)
def queue() -> Response:
    """The queue now: any desk role, or the hall screen's display token (decision 0031)."""
    return jsonify(queue_state())


@bp.get("/reports/desks")
@doc(query=DeskDay, responses={200: list[DeskOut]}, errors=(ValidationFailed,))
@allow(*COORDINATOR)
def desks() -> Response:
    """Each desk's day: families served, an hour, median and 90th percentile service time."""
    day = parse_day(request.args["date"]) if "date" in request.args else context.today()
    rows = desk_figures(db.session, day=day, site_id=context.site_id())
    return jsonify(
        [
            {
                "desk": r.desk,
                "served": r.served,
                "per_hour": r.per_hour,
                "median_seconds": r.median_seconds,
                "p90_seconds": r.p90_seconds,
            }
            for r in rows
        ]
    )
