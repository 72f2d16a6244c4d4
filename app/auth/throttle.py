"""Failed logins slow an attacker down without letting anyone lock a colleague out.

See docs/decisions/0009-login-throttling.md. The attempts are rows in the database, so every
process of the app counts the same ones, and a restart forgets nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app.auth.models import LoginAttempt

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


def _failures(session: Session, column: object, value: str, now: datetime) -> Counted:
    failures, last = session.execute(
        select(func.count(LoginAttempt.id), func.max(LoginAttempt.at)).where(
            column == value,  # type: ignore[operator]
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


def known_address(session: Session, username: str, address: str, now: datetime) -> bool:
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


def retry_after(session: Session, username: str, address: str, now: datetime) -> int:
    """Seconds before this address may try this account again; 0 when it may try now.

    An account's own delay does not hold at an address it logged in from lately: someone
    guessing from elsewhere cannot keep its owner out at the usual desk. The address's delay
    is short (at most a minute) and holds for every account.
    """
    key = username_key(username)
    account = 0
    if not known_address(session, key, address, now):
        account = _wait(
            _failures(session, LoginAttempt.username, key, now), ACCOUNT_FREE, ACCOUNT_MAX_WAIT, now
        )
    by_address = _wait(
        _failures(session, LoginAttempt.address, address, now), ADDRESS_FREE, ADDRESS_MAX_WAIT, now
    )
    return max(account, by_address)


def record_attempt(
    session: Session, username: str, address: str, now: datetime, *, succeeded: bool
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
