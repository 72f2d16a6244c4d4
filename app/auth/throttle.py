"""Failed logins slow an attacker down without letting anyone lock a colleague out.

See docs/decisions/0009-login-throttling.md. The attempts are rows in the database, so every
process of the app counts the same ones, and a restart forgets nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select

from app.auth.models import LoginAttempt
from app.db import DbSession

WINDOW = timedelta(minutes=15)
KNOWN_FOR = timedelta(days=90)
KEEP_FOR = KNOWN_FOR
# Free failures before the delay starts, and the longest delay, per account and per address.
ACCOUNT_FREE, ACCOUNT_MAX_WAIT = 5, 15 * 60
ADDRESS_FREE, ADDRESS_MAX_WAIT = 20, 60


@dataclass(frozen=True)
class Counted:
    failures: int
    last: datetime | None


def username_key(username: str) -> str:
    return username.strip().casefold()[:64]


def _failures(session: DbSession, now: datetime, **match: str) -> Counted:
    """Failures within the window of the attempts whose columns have these values."""
    failures, last = session.execute(
        select(func.count(LoginAttempt.id), func.max(LoginAttempt.at)).where(
            *(getattr(LoginAttempt, column) == value for column, value in match.items()),
            LoginAttempt.at > now - WINDOW,
            LoginAttempt.succeeded.is_(False),
        )
    ).one()
    return Counted(int(failures), last)


def _wait(counted: Counted, free: int, longest: int, now: datetime) -> int:
    """Seconds left to wait: 1, 2, 4, 8 ... seconds after each failure past the free ones."""
    over = counted.failures - free
    if over < 0 or counted.last is None:
        return 0
    delay = min(2**over, longest)
    left = (counted.last + timedelta(seconds=delay) - now).total_seconds()
    return max(0, int(left + 0.999))


def known_address(session: DbSession, username: str, address: str, now: datetime) -> bool:
    """Has this account logged in successfully from this address lately?"""
    return (
        session.scalar(
            select(LoginAttempt.id)
            .where(
                LoginAttempt.username == username_key(username),
                LoginAttempt.address == address,
                LoginAttempt.succeeded.is_(True),
                LoginAttempt.at > now - KNOWN_FOR,
            )
            .limit(1)
        )
        is not None
    )


def retry_after(session: DbSession, username: str, address: str, now: datetime) -> int:
    """Seconds before this address may try this account again; 0 when it may try now.

    At an address the account logged in from lately, neither the account's delay nor the
    address's holds: someone guessing from elsewhere, or at other accounts from the same
    address (a shared proxy, a desk's neighbour), cannot keep the owner out at the usual desk.
    Only this account's own failures at this address slow it there, on the account's schedule,
    so guessing at a known desk is no faster than anywhere else. Elsewhere both delays hold:
    the account's, and the address's (short, at most a minute, over every account).
    """
    key = username_key(username)
    if known_address(session, key, address, now):
        return _wait(
            _failures(session, now, username=key, address=address),
            ACCOUNT_FREE,
            ACCOUNT_MAX_WAIT,
            now,
        )
    account = _wait(_failures(session, now, username=key), ACCOUNT_FREE, ACCOUNT_MAX_WAIT, now)
    by_address = _failures(session, now, address=address)
    return max(account, _wait(by_address, ADDRESS_FREE, ADDRESS_MAX_WAIT, now))


def record_attempt(
    session: DbSession, username: str, address: str, now: datetime, *, succeeded: bool
) -> None:
    session.add(
        LoginAttempt(
            username=username_key(username), address=address[:64], at=now, succeeded=succeeded
        )
    )
    if succeeded:
        # What is older than the longest memory the throttle needs is forgotten.
        session.execute(delete(LoginAttempt).where(LoginAttempt.at < now - KEEP_FOR))
    session.flush()
