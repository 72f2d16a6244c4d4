"""The documents that wait for their key (households.key_conflicts): the list a coordinator
resolves, each waiting document beside the one holding its key, and "check again"."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import ngettext
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response as BaseResponse
from wtforms import SubmitField

from app.audit.seen import record_seen
from app.auth.access import COORDINATOR, allow
from app.extensions import db
from app.households.forms import LABELS
from app.households.key_conflicts import key_conflicts, settle_key_conflicts
from app.unit_of_work import page_writes

bp = Blueprint("key_conflicts", __name__, url_prefix="/document-conflicts")


class SettleForm(FlaskForm):
    submit = SubmitField()


@bp.get("")
@allow(*COORDINATOR)
def index() -> str:
    conflicts = key_conflicts(db.session)
    if conflicts:  # full document numbers, as on a household page a coordinator opens
        record_seen("view", "document_key_conflicts", None, ("documents.number",))
    return render_template(
        "households/key_conflicts.html", conflicts=conflicts, form=SettleForm(), labels=LABELS
    )


@bp.post("")
@allow(*COORDINATOR)
@page_writes
def settle() -> BaseResponse:
    if SettleForm().validate_on_submit():
        settled = settle_key_conflicts(db.session)
        flash(
            ngettext(
                "%(num)s document took its key.", "%(num)s documents took their key.", settled
            ),
            "ok",
        )
    return redirect(url_for("households.key_conflicts.index"))
