from __future__ import annotations

import logging

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from app import context
from app.auth.access import EVERYONE, allow, public
from app.auth.forms import LoginForm, PasswordForm
from app.auth.services import authenticate, find_user, set_password
from app.auth.sessions import start_session
from app.auth.throttle import record_attempt, retry_after
from app.errors import ValidationFailed
from app.extensions import db
from app.i18n import LANGUAGES

bp = Blueprint("auth", __name__)
auth_log = logging.getLogger("aiddesk.auth")

HOME_BY_ROLE = {
    "volunteer": "desk.index",
    "stock_manager": "stock.index",
    "coordinator": "desk.index",
}


def _safe_next(target: str | None) -> str | None:
    # Only paths on this site: "/desk", never "//elsewhere" or "https://...".
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


def _log(event: str, user_id: int | None, **fields: object) -> None:
    # The typed name is left out too: people type their password into it by mistake.
    auth_log.info(
        event,
        extra={
            "fields": {
                "event": event,
                "user_id": user_id,
                "address": request.remote_addr,
                **fields,
            }
        },
    )


@bp.route("/login", methods=["GET", "POST"])
@public
def login() -> str | Response | tuple[str, int]:
    form = LoginForm()
    if form.validate_on_submit():
        username = form.username.data or ""
        address = (request.remote_addr or "")[:64]
        now = context.now()
        wait = retry_after(db.session, username, address, now)
        if wait:
            known = find_user(db.session, username)
            _log("login_throttled", known.id if known else None, retry_after=wait)
            db.session.rollback()
            flash(
                _("Too many failed logins: try again in %(seconds)s seconds.", seconds=wait),
                "error",
            )
            return render_template("auth/login.html", form=form), 429
        user = authenticate(db.session, username, form.password.data or "")
        record_attempt(db.session, username, address, now, succeeded=user is not None)
        if user is not None:
            login_user(user)
            start_session()
            db.session.commit()
            _log("login", user.id)
            return redirect(
                _safe_next(request.args.get("next")) or url_for(HOME_BY_ROLE[user.role])
            )
        known = find_user(db.session, username)
        db.session.commit()
        _log("login_failed", known.id if known else None)
        flash(_("Wrong user name or password."), "error")
    return render_template("auth/login.html", form=form)


@bp.route("/account/password", methods=["GET", "POST"])
@allow(*EVERYONE)
def password() -> str | Response:
    """Change one's own password; every session of the account ends, this one included."""
    form = PasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        if authenticate(db.session, user.username, form.current.data or "") is None:
            form.current.errors = [*form.current.errors, _("That is not your password.")]
        else:
            try:
                set_password(db.session, user, form.new.data or "")
            except ValidationFailed as exc:
                db.session.rollback()
                form.new.errors = [*form.new.errors, exc.fields["password"]]
            else:
                db.session.commit()
                _log("password_changed", user.id)
                logout_user()
                flash(_("Password changed: log in with the new one."), "ok")
                return redirect(url_for("auth.login"))
    return render_template("auth/password.html", form=form)


@bp.post("/language")
@allow(*EVERYONE)
def language() -> Response:
    """Keep the user's interface language; an unknown choice goes back to the browser's."""
    choice = request.form.get("language", "")
    current_user.language = choice if choice in LANGUAGES else None
    db.session.commit()
    return redirect(_safe_next(request.form.get("next")) or url_for("auth.home"))


@bp.post("/logout")
@allow(*EVERYONE)
def logout() -> Response:
    logout_user()
    return redirect(url_for("auth.login"))


@bp.get("/")
@public
def home() -> Response:
    if current_user.is_authenticated:
        return redirect(url_for(HOME_BY_ROLE[current_user.role]))
    return redirect(url_for("auth.login"))
