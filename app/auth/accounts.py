"""The coordinator's page of accounts: create one, deactivate or reactivate it, give it a
new password. Deactivating ends the account's sessions and API tokens at once.

A generated password is shown once, in the answer to the POST that made it: never in a flash,
which would carry it in the session cookie to every later request."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from app.auth.access import COORDINATOR, actor_id, allow
from app.auth.forms import AccountForm, NewUserForm
from app.auth.services import (
    UsernameTaken,
    create_user,
    generate_password,
    get_user,
    list_users,
    set_active,
    set_password,
)
from app.errors import ValidationFailed
from app.extensions import db
from app.unit_of_work import page_writes, refuse

bp = Blueprint("accounts", __name__, url_prefix="/accounts")


def _page(form: NewUserForm, issued: str | None = None) -> str:
    return render_template(
        "auth/accounts.html",
        form=form,
        users=list_users(db.session),
        button=AccountForm(),
        issued=issued,
    )


@bp.route("", methods=["GET", "POST"])
@allow(*COORDINATOR)
@page_writes
def index() -> str | Response:
    form = NewUserForm()
    if form.validate_on_submit():
        password = generate_password()
        try:
            user = create_user(
                db.session, form.username.data or "", form.role.data, password, one_time=True
            )
        except (ValidationFailed, UsernameTaken) as exc:
            refuse(exc, say=exc.message)
        else:
            issued = _(
                "Account %(name)s created. One-time password: %(password)s",
                name=user.username,
                password=password,
            )
            return _page(NewUserForm(formdata=None), issued)
    return _page(form)


@bp.post("/<id:user_id>/active")
@allow(*COORDINATOR)
@page_writes
def toggle(user_id: int) -> Response:
    if AccountForm().validate_on_submit():
        user = get_user(db.session, user_id)
        if user.id == actor_id():
            flash(_("You cannot deactivate your own account."), "error")
        else:
            set_active(db.session, user, not user.active)
    return redirect(url_for("accounts.index"))


@bp.post("/<id:user_id>/password")
@allow(*COORDINATOR)
@page_writes
def reset_password(user_id: int) -> str | Response:
    if not AccountForm().validate_on_submit():
        return redirect(url_for("accounts.index"))
    user = get_user(db.session, user_id)
    password = generate_password()
    set_password(db.session, user, password, one_time=True)
    issued = _(
        "New password for %(name)s: %(password)s (their sessions and API tokens have ended;"
        " it must be changed at the first login).",
        name=user.username,
        password=password,
    )
    return _page(NewUserForm(formdata=None), issued)
