"""Login sessions end on the server's word: when the account is deactivated or its password
changes (User.session_version, checked on every request), after AID_SESSION_IDLE_MINUTES
without a request, and AID_SESSION_MAX_HOURS after the login whatever happens.

The moments live in the signed session cookie, so no process keeps any state of its own.
"""

from __future__ import annotations

import time

from flask import current_app, request, session
from flask_login import logout_user

STARTED, SEEN = "aid_started", "aid_seen"


def _clock() -> float:
    clock = current_app.config.get("SESSION_CLOCK") or time.time  # tests may move it
    return float(clock())


def start_session() -> None:
    """Call right after login_user: the session's clocks start now."""
    now = _clock()
    session[STARTED] = now
    session[SEEN] = now


def check_session() -> None:
    """Before each request: end a session that has been idle or alive too long."""
    if request.path.startswith("/static/") or "_user_id" not in session:
        return
    now = _clock()
    idle = float(current_app.config["AID_SESSION_IDLE_MINUTES"]) * 60
    longest = float(current_app.config["AID_SESSION_MAX_HOURS"]) * 3600
    started = session.get(STARTED)
    seen = session.get(SEEN)
    if (
        not isinstance(started, int | float)
        or not isinstance(seen, int | float)
        or now - seen > idle
        or now - started > longest
    ):
        logout_user()
        session.clear()
        return
    session[SEEN] = now
