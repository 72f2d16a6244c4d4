"""The coordinator's view of the audit trail, and its export."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, current_app, render_template, request

from app.audit.labels import action_label, record_label
from app.audit.services import Filter, csv_bytes, entities, find_events
from app.auth.access import COORDINATOR, allow
from app.days import day_arg
from app.extensions import db

bp = Blueprint("audit", __name__, url_prefix="/audit")


def _day(name: str) -> date | None:
    return day_arg(request.args.get(name))


def _filter() -> Filter:
    return Filter(
        user=request.args.get("user", "")[:64],
        entity=request.args.get("entity", "")[:40],
        entity_id=request.args.get("entity_id", "")[:40],
        since=_day("since"),
        until=_day("until"),
    )


@bp.get("")
@allow(*COORDINATOR)
def index() -> str:
    flt = _filter()
    timezone = current_app.config["AID_TIMEZONE"]
    return render_template(
        "audit/index.html",
        flt=flt,
        events=find_events(db.session, flt, timezone),
        entities=entities(db.session),
        action_label=action_label,
        record_label=record_label,
    )


@bp.get("/events.csv")
@allow(*COORDINATOR)
def export() -> Response:
    timezone = current_app.config["AID_TIMEZONE"]
    rows = find_events(db.session, _filter(), timezone, limit=None)
    return Response(
        csv_bytes(rows, timezone),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="audit.csv"'},
    )
