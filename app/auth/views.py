from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from app.auth.access import EVERYONE, allow, public
from app.auth.forms import LoginForm
from app.auth.services import authenticate
from app.extensions import db
from app.i18n import LANGUAGES

bp = Blueprint("auth", __name__)

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


@bp.route("/login", methods=["GET", "POST"])
@public
def login() -> str | Response:
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(db.session, form.username.data or "", form.password.data or "")
        if user is not None:
            login_user(user)
            db.session.commit()
            return redirect(
                _safe_next(request.args.get("next")) or url_for(HOME_BY_ROLE[user.role])
            )
        flash(_("Wrong user name or password."), "error")
    return render_template("auth/login.html", form=form)


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
