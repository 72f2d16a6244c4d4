"""Lookups by number slow a guessing script to a crawl and never a desk.

A card number typed by hand, a document or phone number searched: each is a guess a script
could make 480 times a second to find the families in the register. Each account has a budget
of such lookups, a bucket (the generic cell rate algorithm): BURST lookups at once, refilled by
one every INTERVAL. The bucket is one row per account holding the moment it is empty again, and
a lookup is one conditional UPDATE whose row count says whether it may go ahead, so every
process of the app spends from the same budget. See docs/decisions/0013-lookup-throttle.md.
"""

from __future__ import annotations

import math
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, select, update
from sqlalchemy.exc import IntegrityError

from app.auth.models import LookupBudget
from app.db import DbSession
from app.errors import DomainError

BURST = 20  # lookups an account may make at once
INTERVAL_MS = 2_000  # then one every 2 seconds: 1,800 an hour, ten times a busy desk's
# How far ahead of the clock the bucket may run before a lookup is refused.
TOLERANCE_MS = (BURST - 1) * INTERVAL_MS


class TooManyLookups(DomainError):
    code = "too_many_lookups"
    status = 429

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            _l(
                "Too many lookups by number from this account: try again in %(seconds)s seconds.",
                seconds=retry_after,
            ),
            retry_after=retry_after,
        )
        self.retry_after = retry_after

    def http_headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _retry_after(free_at_ms: int, now_ms: int) -> int:
    return max(1, math.ceil((free_at_ms - TOLERANCE_MS - now_ms) / 1000))


def spend_lookup(session: DbSession, user_id: int, now: datetime) -> None:
    """Take one lookup from the account's budget, or raise TooManyLookups with the seconds to
    wait. Commit right after: the lookup is spent whatever it finds."""
    now_ms = _ms(now)
    free_at = session.scalar(select(LookupBudget.free_at_ms).where(LookupBudget.user_id == user_id))
    if free_at is None:
        try:
            with session.begin_nested():
                session.add(LookupBudget(user_id=user_id, free_at_ms=now_ms + INTERVAL_MS))
            return
        except IntegrityError:  # another process made the row first: spend from it
            pass
    elif free_at - now_ms > TOLERANCE_MS:
        raise TooManyLookups(_retry_after(free_at, now_ms))  # refused without writing
    spent = session.execute(
        update(LookupBudget)
        .where(
            LookupBudget.user_id == user_id,
            LookupBudget.free_at_ms <= now_ms + TOLERANCE_MS,
        )
        .values(
            free_at_ms=case(
                (LookupBudget.free_at_ms > now_ms, LookupBudget.free_at_ms), else_=now_ms
            )
            + INTERVAL_MS
        )
        .execution_options(synchronize_session=False)
    )
    if spent.rowcount == 0:  # type: ignore[attr-defined]
        # Another request spent the last lookup between the read and the update.
        free_at = session.scalar(
            select(LookupBudget.free_at_ms).where(LookupBudget.user_id == user_id)
        )
        raise TooManyLookups(_retry_after(free_at or now_ms, now_ms))
