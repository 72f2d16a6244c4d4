"""Checks by number on the public page slow a guessing script to a crawl, per address.

Anyone may type a card number, so the budget is the caller's address: BURST checks at once
(a family's phone, a few families behind one hostel's router), then one every INTERVAL. The
bucket is the generic cell rate algorithm of app/auth/lookups.py, kept by address in its own
table. An IPv6 caller is counted by its /64: one machine holds a whole /64 and could otherwise
spend a fresh address on each guess. See docs/decisions/0028-public-check-page.md.
"""

from __future__ import annotations

import ipaddress
import math
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, delete, select, update
from sqlalchemy.exc import IntegrityError

from app.db import DbSession
from app.errors import DomainError
from app.public.models import PublicCheckBudget

BURST = 20
INTERVAL_MS = 10_000  # then one every 10 seconds: 360 an hour from one address
TOLERANCE_MS = (BURST - 1) * INTERVAL_MS


class TooManyChecks(DomainError):
    code = "too_many_checks"
    status = 429

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            _l(
                "Too many checks from this connection: try again in %(seconds)s seconds.",
                seconds=retry_after,
            ),
            retry_after=retry_after,
        )
        self.retry_after = retry_after

    def http_headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


def address_key(address: str | None) -> str:
    """The address a budget is kept for: an IPv4 address, or an IPv6 address's /64."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return "unknown"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


def _retry_after(free_at_ms: int, now_ms: int) -> int:
    return max(1, math.ceil((free_at_ms - TOLERANCE_MS - now_ms) / 1000))


def spend_check(session: DbSession, address: str, now: datetime) -> None:
    """Take one check from the address's budget, or raise TooManyChecks with the seconds to
    wait. Commit right after: the check is spent whatever it finds."""
    now_ms = int(now.timestamp() * 1000)
    key = address_key(address)
    row = PublicCheckBudget.address == key
    # A bucket that is full again tells nothing more: other addresses' full buckets go at
    # every check, so an address is not kept long after its last check.
    session.execute(
        delete(PublicCheckBudget).where(
            PublicCheckBudget.free_at_ms < now_ms, PublicCheckBudget.address != key
        )
    )
    free_at = session.scalar(select(PublicCheckBudget.free_at_ms).where(row))
    if free_at is None:
        try:
            with session.begin_nested():
                session.add(PublicCheckBudget(address=key, free_at_ms=now_ms + INTERVAL_MS))
            return
        except IntegrityError:  # another request made the row first: spend from it
            pass
    elif free_at - now_ms > TOLERANCE_MS:
        raise TooManyChecks(_retry_after(free_at, now_ms))  # refused without writing
    column = PublicCheckBudget.free_at_ms
    spent = session.execute(
        update(PublicCheckBudget)
        .where(row, column <= now_ms + TOLERANCE_MS)
        .values(free_at_ms=case((column > now_ms, column), else_=now_ms) + INTERVAL_MS)
        .execution_options(synchronize_session=False)
    )
    if spent.rowcount == 0:  # type: ignore[attr-defined]
        # Another request spent the last check between the read and the update.
        free_at = session.scalar(select(column).where(row))
        raise TooManyChecks(_retry_after(free_at or now_ms, now_ms))
