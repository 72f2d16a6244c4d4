"""A coordinator's pages for a household's data: take it out (JSON, or a printable page), or
erase the household or one person; and the record of processing."""

from __future__ import annotations

import json
from pathlib import Path

from flask import Blueprint, Response, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from app import context
from app.audit.seen import record_seen
from app.auth.access import COORDINATOR, EVERYONE, allow
from app.extensions import db
from app.households.forms import LABELS
from app.privacy.forms import EraseForm
from app.privacy.records import PROCESSING
from app.privacy.services import erase_household, erase_member, household_record
from app.privacy.shown import rows, shown_value
from app.unit_of_work import page_writes

bp = Blueprint("privacy", __name__)


def upload_root() -> Path:
    """Where stored files (the heads' photos) live: AID_PHOTO_DIR."""
    return Path(current_app.config["AID_PHOTO_DIR"])


@bp.get("/households/<id:household_id>/record")
@allow(*COORDINATOR)
def record(household_id: int) -> str:
    held = household_record(db.session, household_id)
    record_seen("export", "households", household_id)
    timezone = current_app.config["AID_TIMEZONE"]
    return render_template(
        "privacy/record.html",
        held=held,
        labels=LABELS,
        erase=EraseForm(),
        fields=lambda part, *skip: rows(part, timezone, LABELS, set(skip)),
        shown=lambda value: shown_value(value, timezone, LABELS),
    )


@bp.get("/households/<id:household_id>/export.json")
@allow(*COORDINATOR)
def export(household_id: int) -> Response:
    held = household_record(db.session, household_id)
    record_seen("export", "households", household_id)
    return Response(
        json.dumps(held, ensure_ascii=False, indent=2),
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="household-{household_id}.json"'},
    )


@bp.post("/households/<id:household_id>/erase")
@allow(*COORDINATOR)
@page_writes
def erase(household_id: int) -> BaseResponse:
    form = EraseForm()
    if not form.validate_on_submit():
        flash(_("Tick the box to confirm the erasure."), "error")
        return redirect(url_for("privacy.record", household_id=household_id))
    erase_household(
        db.session,
        household_id,
        now=context.now(),
        upload_root=upload_root(),
    )
    flash(
        _(
            "Household %(number)s erased; its visits remain as anonymous counts.",
            number=household_id,
        ),
        "ok",
    )
    return redirect(url_for("households.search"))


@bp.post("/members/<id:member_id>/erase")
@allow(*COORDINATOR)
@page_writes
def erase_person(member_id: int) -> BaseResponse:
    form = EraseForm()
    if not form.validate_on_submit():
        flash(_("Tick the box to confirm the erasure."), "error")
        return redirect(url_for("households.search"))
    erased = erase_member(
        db.session,
        member_id,
        now=context.now(),
        upload_root=upload_root(),
    )
    flash(_("Person erased."), "ok")
    return redirect(url_for("households.show", household_id=erased.household_id))


@bp.get("/privacy")
@allow(*EVERYONE)
def processing() -> str:
    return render_template("privacy/processing.html", processing=PROCESSING)
