"""Login sessions held on the server: a logout ends the session for good.

The session cookie is signed, not secret from its holder: a copy taken before a logout would
go on working if the server kept nothing. So each login is a row, the cookie names it, and a
logout (or the end of the session's time) ends the row; a cookie naming an ended or unknown
row is refused.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update

from app.auth.models import LoginSession, User
from app.db import DbSession


def open_login_session(session: DbSession, user: User, now: datetime, *, longest: timedelta) -> str:
    """A new session of the user; its id goes into the cookie. Rows of sessions that could no
    longer be alive anyway (older than ``longest``) are forgotten."""
    session.execute(delete(LoginSession).where(LoginSession.started_at < now - longest))
    session_id = secrets.token_urlsafe(32)
    session.add(LoginSession(id=session_id, user_id=user.id, started_at=now))
    session.flush()
    return session_id


def end_login_session(session: DbSession, session_id: str, now: datetime) -> None:
    session.execute(
        update(LoginSession)
        .where(LoginSession.id == session_id, LoginSession.ended_at.is_(None))
        .values(ended_at=now)
    )
    session.flush()


def login_session_live(session: DbSession, session_id: object, user_id: int) -> bool:
    """Is this the id of a session of this user that has not ended?"""
    if not isinstance(session_id, str) or not session_id:
        return False
    found = session.scalar(
        select(LoginSession.user_id).where(
            LoginSession.id == session_id[:64], LoginSession.ended_at.is_(None)
        )
    )
    return found == user_id
