from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.expression import false

from app.db import Base, utcnow

ROLES = ("volunteer", "stock_manager", "coordinator")


class User(UserMixin, Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('volunteer', 'stock_manager', 'coordinator')", name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(default=True)
    # Changes when the password changes or the account is deactivated: old sessions then fail.
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The interface language the user chose ("ro", "uk", ...); None follows the browser.
    language: Mapped[str | None] = mapped_column(String(16))
    # The password was generated and shown to someone else (a new account, a reset): the first
    # login must choose a new one before anything else.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=false())

    tokens: Mapped[list[ApiToken]] = relationship(back_populates="user")

    @property
    def is_active(self) -> bool:  # Flask-Login asks this
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"


class ApiToken(Base):
    """A bearer token for the JSON API; only its SHA-256 is kept."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(back_populates="tokens")


class LoginAttempt(Base):
    """A login tried at /login: what the throttle counts (see docs/decisions/0009).

    Kept in the database, so every process of the app sees the same counts."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_username_at", "username", "at"),
        Index("ix_login_attempts_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    # The name as typed, lower case and cut to 64 characters; the password is never kept.
    username: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(64))
    succeeded: Mapped[bool]


class LoginSession(Base):
    """One login on the pages: its id travels in the signed cookie, and a logout ends the row,
    so a copy of the cookie is refused afterwards."""

    __tablename__ = "login_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]


class LookupBudget(Base):
    """How far ahead of the clock an account's lookups by number have run (a GCRA bucket, see
    docs/decisions/0013-lookup-throttle.md): one row per account, one conditional UPDATE per
    lookup."""

    __tablename__ = "lookup_budgets"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    # The moment (milliseconds since the epoch) the account's bucket is empty again.
    free_at_ms: Mapped[int] = mapped_column(BigInteger)
