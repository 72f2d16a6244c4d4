"""The programmes page (coordinator): every programme, a new one, ending one."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from app import context
from app.auth.access import COORDINATOR, allow
from app.days import NotADay, parse_day
from app.entitlements.editor import rules_in_force
from app.errors import DomainError, NotFound, ValidationFailed
from app.extensions import db
from app.programmes import services
from app.programmes.models import Programme
from app.programmes.rules import Criteria
from app.programmes.services import ProgrammeIn
from app.unit_of_work import page_writes, refuse

bp = Blueprint("programmes", __name__, url_prefix="/programmes")


def _number(name: str, fields: dict[str, str]) -> int | None:
    value = request.form.get(name, "").strip()
    if not value:
        return None
    if not value.isdigit() or len(value) > 4:
        fields[name] = _("a whole number")
        return None
    return int(value)


def _day(name: str, fields: dict[str, str]) -> date | None:
    value = request.form.get(name, "").strip()
    if not value:
        return None
    try:
        return parse_day(value[:40])
    except NotADay as exc:
        fields[name] = str(exc.args[0])
        return None


def _from_form() -> ProgrammeIn:
    fields: dict[str, str] = {}
    rhythm = request.form.get("rhythm", "days")
    given = ProgrammeIn(
        code=request.form.get("code", "")[:40],
        name=request.form.get("name", "")[:200],
        names={
            code: request.form.get(f"name_{code}", "")[:200]
            for code in ("ro", "uk")
            if request.form.get(f"name_{code}", "").strip()
        },
        interval_days=_number("interval_days", fields) if rhythm == "days" else None,
        period=rhythm if rhythm in ("week", "month") else None,
        starts_on=_day("starts_on", fields),
        ends_on=_day("ends_on", fields),
        max_visits=_number("max_visits", fields),
        enrolment=request.form.get("enrolment", "automatic"),
        criteria=Criteria(
            under_age=_number("under_age", fields),
            min_age=_number("min_age", fields),
            disability=request.form.get("disability") == "y",
            chronic_disease=request.form.get("chronic_disease") == "y",
            pregnant_or_breastfeeding=request.form.get("pregnant_or_breastfeeding") == "y",
            single_parent=request.form.get("single_parent") == "y",
        ),
    )
    if fields:
        raise ValidationFailed(dict(fields))
    return given


@bp.get("")
@allow(*COORDINATOR)
def index() -> str:
    rules = rules_in_force(db.session)
    programmes = services.all_programmes(db.session)
    return render_template(
        "programmes/index.html",
        programmes=[(p, services.as_rule(p)) for p in programmes],
        rules={p.id: [r for r in rules if r.programme_id == p.id] for p in programmes},
        today=context.today(),
        days=context.eligibility_days(),
    )


@bp.post("")
@allow(*COORDINATOR)
@page_writes
def add() -> Response:
    try:
        programme = services.create_programme(db.session, _from_form())
    except DomainError as exc:
        refuse(exc)
        return redirect(url_for("programmes.index"))
    flash(
        _("Programme %(code)s added: give it its rules below.", code=programme.code),
        "ok",
    )
    return redirect(url_for("entitlements.index", programme=programme.id))


@bp.post("/<id:programme_id>/end")
@allow(*COORDINATOR)
@page_writes
def end(programme_id: int) -> Response:
    services.end_programme(db.session, programme_id, context.today())
    flash(_("Programme ended today; its enrolments end with it. Past handovers stay."), "ok")
    return redirect(url_for("programmes.index"))


@bp.route("/<id:programme_id>/edit", methods=["GET", "POST"])
@allow(*COORDINATOR)
@page_writes
def edit(programme_id: int) -> Response | str:
    """Change a programme; past handovers keep their lines and their basis."""
    programme = db.session.get(Programme, programme_id)
    if programme is None:
        raise NotFound(_("No such programme."))
    if request.method == "POST":
        try:
            services.update_programme(
                db.session, programme, replace(_from_form(), enrolment=programme.enrolment)
            )
        except DomainError as exc:
            refuse(exc)
            return redirect(url_for("programmes.edit", programme_id=programme_id))
        flash(
            _(
                "Programme %(code)s saved: the desk uses it from the next scan.",
                code=programme.code,
            ),
            "ok",
        )
        return redirect(url_for("programmes.index"))
    return render_template("programmes/edit.html", programme=programme)
