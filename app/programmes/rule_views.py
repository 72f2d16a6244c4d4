"""The entitlement rules editor (coordinator): every programme's rules, added and retired."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response

from app.auth.access import COORDINATOR, allow
from app.entitlements import editor
from app.errors import DomainError, ValidationFailed
from app.extensions import db
from app.programmes import services as programmes
from app.stock.models import Item
from app.unit_of_work import page_writes, refuse

bp = Blueprint("entitlements", __name__, url_prefix="/entitlements")


def _age(name: str) -> int | None:
    value = request.form.get(name, "").strip()
    if not value:
        return None
    if not value.isdigit() or len(value) > 3:
        raise ValidationFailed({name: _("a whole number")})
    return int(value)


def _programme_id() -> int | None:
    """The programme a rule is added to (none named: the starting programme)."""
    value = request.form.get("programme_id", "").strip()
    if not value:
        return None
    if not value.isdigit() or len(value) > 10:
        raise ValidationFailed({"programme": _("no such programme")})
    return int(value)


@bp.get("")
@allow(*COORDINATOR)
def index() -> str:
    shown = programmes.all_programmes(db.session)
    return render_template(
        "entitlements/index.html",
        rules=editor.rules_in_force(db.session),
        programmes=shown,
        names={p.id: p.code for p in shown},
        chosen=request.args.get("programme", type=int),
        items=db.session.scalars(select(Item).order_by(Item.sku)).all(),
    )


@bp.post("")
@allow(*COORDINATOR)
@page_writes
def add() -> Response:
    try:
        quantity = _age("quantity")
        programmes.add_rule(
            db.session,
            programme_id=_programme_id(),
            sku=request.form.get("sku", ""),
            per=request.form.get("per", ""),
            quantity=quantity or 0,
            under_age=_age("under_age"),
            min_age=_age("min_age"),
            include_flagged=request.form.get("include_flagged") == "y",
        )
    except DomainError as exc:
        refuse(exc)
    else:
        flash(_("Rule added; the desk uses it from the next scan."), "ok")
    return redirect(url_for("entitlements.index", programme=request.form.get("programme_id")))


@bp.post("/<id:rule_id>/retire")
@allow(*COORDINATOR)
@page_writes
def retire(rule_id: int) -> Response:
    programmes.retire_rule(db.session, rule_id)
    flash(_("Rule retired; past visits keep what they were given."), "ok")
    return redirect(url_for("entitlements.index"))
