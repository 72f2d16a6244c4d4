"""The offline desk for the desk page (its session, not a bearer token): the snapshot it keeps
in the browser and the journal it sends back, answered as app/desk/offline_api.py answers; and
the coordinator's list of double services; and the service worker that keeps a copy of the desk
page for a desk opened again while the server is down (decision 0033)."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, current_app, jsonify, render_template, request, url_for

from app import context
from app.api import parse_day
from app.auth.access import COORDINATOR, DESK, allow
from app.desk.journal import double_services
from app.desk.offline_api import journal_answer, snapshot_answer
from app.extensions import db
from app.unit_of_work import page_writes

bp = Blueprint("desk_offline", __name__, url_prefix="/desk")


@bp.get("/offline/snapshot")
@allow(*DESK)
def snapshot() -> Response:
    return jsonify(snapshot_answer(request.args.to_dict()))


@bp.post("/offline/journal")
@allow(*DESK)
@page_writes
def journal() -> Response:
    return jsonify(journal_answer())


@bp.get("/double-services")
@allow(*COORDINATOR)
def doubles() -> str:
    """Families served twice while a desk was offline: both desks and times, for the day."""
    day = parse_day(request.args["date"]) if "date" in request.args else context.today()
    return render_template(
        "desk/double_services.html", day=day, doubles=double_services(db.session, day)
    )


@bp.get("/sw.js")
@allow(*DESK)
def worker() -> Response:
    """static/desk-sw.js, from an address whose scope may cover the desk page itself (a
    worker served from /static/ could only look after /static/). It holds no data; it is for
    the desk's accounts because only the desk page registers it."""
    script = Path(current_app.static_folder or "static") / "desk-sw.js"
    response = Response(script.read_bytes(), mimetype="text/javascript")
    response.headers["Service-Worker-Allowed"] = url_for("desk.index")
    response.headers["Cache-Control"] = "no-cache"
    return response
