from __future__ import annotations

import logging
import re
from datetime import timedelta
from urllib.parse import urlsplit, urlunsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from app import clock
from app.auth.access import EVERYONE, allow, public
from app.auth.forms import LoginForm, PasswordForm
from app.auth.login_sessions import end_login_session, open_login_session
from app.auth.services import authenticate, find_user, set_password
from app.auth.sessions import SESSION_ID, longest, start_session
from app.auth.throttle import record_attempt, retry_after
from app.errors import ValidationFailed
from app.extensions import db
from app.languages import LANGUAGES
from app.unit_of_work import page_writes, refuse

bp = Blueprint("auth", __name__)
auth_log = logging.getLogger("aiddesk.auth")

HOME_BY_ROLE = {
    "volunteer": "desk.index",
    "stock_manager": "stock.index",
    "coordinator": "desk.index",
}


# Browsers drop tabs and line breaks from a URL, so "/\t/evil.example" leads to
# "//evil.example": they are taken out before the target is judged.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _safe_next(target: str | None) -> str | None:
    """A path on this site ("/desk?x=1"), never "//elsewhere", "https://..." or "/\\host"."""
    if not target:
        return None
    target = _CONTROL.sub("", target)
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    try:
        parts = urlsplit(target)
    except ValueError:
        return None
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    return urlunsplit(("", "", parts.path, parts.query, parts.fragment))


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
@page_writes
def login() -> str | Response | tuple[str, int]:
    form = LoginForm()
    if form.validate_on_submit():
        username = form.username.data or ""
        address = (request.remote_addr or "")[:64]
        now = clock.now()
        wait = retry_after(db.session, username, address, now)
        if wait:
            known = find_user(db.session, username)
            _log("login_throttled", known.id if known else None, retry_after=wait)
            flash(
                _("Too many failed logins: try again in %(seconds)s seconds.", seconds=wait),
                "error",
            )
            return render_template("auth/login.html", form=form), 429
        user = authenticate(db.session, username, form.password.data or "")
        record_attempt(db.session, username, address, now, succeeded=user is not None)
        if user is not None:
            login_user(user)
            session_id = open_login_session(
                db.session, user, now, longest=timedelta(seconds=longest())
            )
            start_session(session_id)
            _log("login", user.id)
            if user.must_change_password:
                flash(_("Choose your own password before you go on."), "error")
                return redirect(url_for("auth.password"))
            return redirect(
                _safe_next(request.args.get("next")) or url_for(HOME_BY_ROLE[user.role])
            )
        known = find_user(db.session, username)
        _log("login_failed", known.id if known else None)
        flash(_("Wrong user name or password."), "error")
    return render_template("auth/login.html", form=form)


@bp.route("/account/password", methods=["GET", "POST"])
@allow(*EVERYONE)
@page_writes
def password() -> str | Response | tuple[str, int]:
    """Change one's own password; every session and API token of the account ends, this
    session included. The current password is checked like a login: a wrong one counts as a
    failed login (docs/decisions/0009), and the same delays hold."""
    form = PasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        address = (request.remote_addr or "")[:64]
        now = clock.now()
        wait = retry_after(db.session, user.username, address, now)
        if wait:
            _log("password_check_throttled", user.id, retry_after=wait)
            flash(
                _("Too many failed logins: try again in %(seconds)s seconds.", seconds=wait),
                "error",
            )
            return render_template("auth/password.html", form=form), 429
        checked = authenticate(db.session, user.username, form.current.data or "")
        record_attempt(db.session, user.username, address, now, succeeded=checked is not None)
        if checked is None:
            _log("password_check_failed", user.id)
            form.current.errors = [*form.current.errors, _("That is not your password.")]
        else:
            try:
                set_password(db.session, user, form.new.data or "", one_time=False)
            except ValidationFailed as exc:
                refuse(exc, say=())  # the form shows it; the checked password still counts
                record_attempt(db.session, user.username, address, now, succeeded=True)
                form.new.errors = [*form.new.errors, exc.fields["password"]]
            else:
                _log("password_changed", user.id)
                logout_user()
                flash(_("Password changed: log in with the new one."), "ok")
                return redirect(url_for("auth.login"))
    return render_template("auth/password.html", form=form)


@bp.post("/language")
@allow(*EVERYONE)
@page_writes
def language() -> Response:
    """Keep the user's interface language; an unknown choice goes back to the browser's."""
    choice = request.form.get("language", "")
    current_user.language = choice if choice in LANGUAGES else None
    return redirect(_safe_next(request.form.get("next")) or url_for("auth.home"))


@bp.post("/logout")
@allow(*EVERYONE)
@page_writes
def logout() -> Response:
    """End the session on the server too: a copy of the cookie is refused from now on."""
    session_id = session.get(SESSION_ID)
    if isinstance(session_id, str):
        end_login_session(db.session, session_id, clock.now())
    logout_user()
    session.clear()
    response = redirect(url_for("auth.login"))
    # The browser's own cache and its back/forward copies of the pages go too (secure contexts
    # only). The desk page's copy lives in the Cache API, which this does not reach: the login
    # page empties it (static/desk-forget.js, decision 0033).
    response.headers["Clear-Site-Data"] = '"cache"'
    return response


@bp.get("/")
@public
def home() -> Response:
    if current_user.is_authenticated:
        return redirect(url_for(HOME_BY_ROLE[current_user.role]))
    return redirect(url_for("auth.login"))
