"""Accounts, passwords and API tokens."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select, update
from sqlalchemy.engine import Connection
from werkzeug.security import check_password_hash, generate_password_hash

from app.auth.models import ROLES, ApiToken, User
from app.auth.passwords import password_problem
from app.db import DbSession, utcnow
from app.errors import DomainError, Message, NotFound, ValidationFailed

USERNAME = re.compile(r"^[A-Za-z0-9_.@-]{2,64}$")
# Checked against a real hash when the user is unknown, so both cases take the same time.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


class UsernameTaken(DomainError):
    code = "username_taken"
    status = 409


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_user(
    session: DbSession, username: str, role: str, password: str, *, one_time: bool = False
) -> User:
    """Create an account. Usernames are unique; passwords have at least 10 characters. A
    ``one_time`` password (generated, shown to whoever creates the account) must be replaced
    at the first login."""
    fields: dict[str, Message] = {}
    if not USERNAME.match(username):
        fields["username"] = _l("2-64 letters, digits or . _ @ -")
    if role not in ROLES:
        fields["role"] = _l("one of %(choices)s", choices=", ".join(ROLES))
    problem = password_problem(password, username)
    if problem:
        fields["password"] = problem
    if fields:
        raise ValidationFailed(fields)
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise UsernameTaken(_l("The user %(username)s exists already.", username=username))
    user = User(
        username=username,
        role=role,
        password_hash=generate_password_hash(password),
        must_change_password=one_time,
    )
    session.add(user)
    session.flush()
    return user


def generate_password() -> str:
    return secrets.token_urlsafe(12)


def _end_sessions(session: DbSession, user: User) -> None:
    """Every login session of the user fails from its next request (see User.get_id), and
    every API token stops working."""
    user.session_version += 1
    session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def set_password(session: DbSession, user: User, password: str, *, one_time: bool) -> None:
    """A new password (10+ characters, not a common one); the user's sessions and API tokens
    end at once. A ``one_time`` password (a reset: someone else has seen it) must be replaced
    at the next login; the user's own choice clears that."""
    problem = password_problem(password, user.username)
    if problem is None and check_password_hash(user.password_hash, password):
        # A one-time password chosen again would stay known to whoever gave it.
        problem = _l("must differ from the current password")
    if problem:
        raise ValidationFailed({"password": problem})
    user.password_hash = generate_password_hash(password)
    user.must_change_password = one_time
    _end_sessions(session, user)
    session.flush()


def set_active(session: DbSession, user: User, active: bool) -> None:
    """Deactivate (sessions and tokens end at once) or reactivate an account."""
    if user.active and not active:
        _end_sessions(session, user)
    user.active = active
    session.flush()


def get_user(session: DbSession, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(_l("No user %(user_id)s.", user_id=user_id))
    return user


def list_users(session: DbSession) -> list[User]:
    return list(session.scalars(select(User).order_by(User.active.desc(), User.username)))


def authenticate(session: DbSession, username: str, password: str) -> User | None:
    """The active user with this name and password, or None."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    return user


def load_session_user(session: DbSession, session_id: str) -> User | None:
    """The user of a login session, if the session is still valid (see User.get_id)."""
    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


def issue_api_token(session: DbSession, user: User) -> str:
    """A new bearer token for the user; only its hash is stored, so it is shown once."""
    token = secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, token_hash=_hash_token(token)))
    session.flush()
    return token


@dataclass(frozen=True)
class Actor:
    """Who makes an API call: what the role checks and the records need, nothing more."""

    id: int
    username: str
    role: str
    # The language the user chose; the API answers its messages in it (app.i18n).
    language: str | None = None


_users = User.__table__
_tokens = ApiToken.__table__
# Built once: it runs on every API call.
_ACTOR_BY_TOKEN = (
    select(_users.c.id, _users.c.username, _users.c.role, _users.c.language)
    .join(_tokens, _tokens.c.user_id == _users.c.id)
    .where(
        _tokens.c.token_hash == bindparam("token_hash"),
        _tokens.c.revoked_at.is_(None),
        _users.c.active.is_(True),
    )
)


def user_for_token(conn: Connection, token: str) -> Actor | None:
    """The active user holding this API token, if the token is in force."""
    row = conn.execute(_ACTOR_BY_TOKEN, {"token_hash": _hash_token(token)}).first()
    return Actor(*row) if row else None


def find_user(session: DbSession, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username))


def count_coordinators(session: DbSession) -> int:
    return len(session.scalars(select(User.id).where(User.role == "coordinator")).all())
