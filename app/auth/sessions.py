"""Login sessions end on the server's word: at logout (the session's row ends, see
app.auth.login_sessions), when the account is deactivated or its password changes
(User.session_version, checked on every request), after AID_SESSION_IDLE_MINUTES without a
request, and AID_SESSION_MAX_HOURS after the login whatever happens.

The moments live in the signed session cookie and the sessions in the database, so no process
keeps any state of its own.
"""

from __future__ import annotations

import time

from flask import current_app, redirect, request, session, url_for
from flask_login import current_user, logout_user
from werkzeug.wrappers import Response

from app.auth.login_sessions import login_session_live
from app.extensions import db

STARTED, SEEN, SESSION_ID = "aid_started", "aid_seen", "aid_sid"


def _clock() -> float:
    clock = current_app.config.get("SESSION_CLOCK") or time.time  # tests may move it
    return float(clock())


def longest() -> float:
    """Seconds a login session may live at most (AID_SESSION_MAX_HOURS)."""
    return float(current_app.config["AID_SESSION_MAX_HOURS"]) * 3600


def start_session(session_id: str) -> None:
    """Call right after login_user: the session's clocks start now."""
    now = _clock()
    session[STARTED] = now
    session[SEEN] = now
    session[SESSION_ID] = session_id


def _user_id() -> int | None:
    user_id = str(session.get("_user_id", "")).partition(":")[0]
    return int(user_id) if user_id.isdigit() else None


def check_session() -> None:
    """Before each request: end a session that has been idle or alive too long."""
    if request.path.startswith("/static/") or "_user_id" not in session:
        return
    now = _clock()
    idle = float(current_app.config["AID_SESSION_IDLE_MINUTES"]) * 60
    started = session.get(STARTED)
    seen = session.get(SEEN)
    user_id = _user_id()
    if (
        not isinstance(started, int | float)
        or not isinstance(seen, int | float)
        or now - seen > idle
        or now - started > longest()
        or user_id is None
        or not login_session_live(db.session, session.get(SESSION_ID), user_id)
    ):
        logout_user()
        session.clear()
        return
    session[SEEN] = now


# What an account with a one-time password may still open: the page that replaces it, and the
# ways out. The API is not held here: a token is never made from a password (see
# docs/decisions/0013-lookup-throttle.md, "One-time passwords").
OPEN_WITH_ONE_TIME_PASSWORD = frozenset(
    {"auth.password", "auth.logout", "auth.login", "auth.language", "static"}
)


def require_own_password() -> Response | None:
    """Before each page: an account whose password was generated or reset by someone else
    chooses its own before anything else."""
    if request.path.startswith("/api/") or request.endpoint in OPEN_WITH_ONE_TIME_PASSWORD:
        return None
    if current_user.is_authenticated and current_user.must_change_password:
        return redirect(url_for("auth.password"))
    return None
