"""The wait, measured and estimated (decision 0032).

A desk's service time is measured on its tickets: from the call to the handover that closed
the ticket. A ticket closed without a call (the family was served on a scan, without being
called) counts as served but has no service time.

The wait for a ticket taken now is its place in the line times the time the line takes per
family: when at least ``MIN_SERVED`` were served on the line in the last ``WINDOW``, the line's
pace, the sum of each desk's (``_desk_pace``); otherwise the median service time of the line
today divided by the desks that called on the line in that window (at least one). Before the
line's first handover of the day (the queue at the door before opening) there is no median
today: the last earlier day's median and number of desks stand in (``_earlier_day``), and
``DEFAULT_SERVICE`` at one desk only on a site's very first day.

Each desk's pace is its families over the time it worked on them: from its first call among
them to its last handover, or to now when it has no call open (idle, or gone). The line's
window or time since its first call, over all its families, was the pace before: it counts
each desk's first family, and the one at each desk now, as time with nobody served, and at the
start of a morning said half as fast again as the desks worked (tests/browser/
test_queue_morning.py, the morning of forty families).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from app.db import DbSession
from app.tickets.models import LINES, Ticket
from app.tickets.services import label

WINDOW = timedelta(minutes=30)
MIN_SERVED = 3
DEFAULT_SERVICE = timedelta(minutes=3)
MIN_SPAN = timedelta(minutes=10)  # families an hour over less than this is noise

_tickets = Ticket.__table__


def percentile(values: Sequence[float], share: float) -> float | None:
    """The nearest-rank percentile (share 0.5: the median, 0.9: the 90th); None for none."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True)
class DeskFigures:
    desk: str
    served: int
    per_hour: float
    median_seconds: int | None
    p90_seconds: int | None


@dataclass(frozen=True)
class Closing:
    desk: str
    line: str
    called_at: datetime | None
    closed_at: datetime


def _closings(
    session: DbSession, *, day: date, site_id: int | None, since: datetime | None = None
) -> list[Closing]:
    stmt = select(
        _tickets.c.desk, _tickets.c.line, _tickets.c.called_at, _tickets.c.closed_at
    ).where(_tickets.c.day == day, _tickets.c.closed_at.is_not(None), _tickets.c.desk.is_not(None))
    if site_id is not None:
        stmt = stmt.where(_tickets.c.site_id == site_id)
    if since is not None:
        stmt = stmt.where(_tickets.c.closed_at >= since)
    return [Closing(*row) for row in session.execute(stmt)]


def _service_seconds(closings: Sequence[Closing]) -> list[float]:
    return [
        (c.closed_at - c.called_at).total_seconds()
        for c in closings
        if c.called_at is not None and c.closed_at >= c.called_at
    ]


def _figures(desk: str, closings: Sequence[Closing]) -> DeskFigures:
    seconds = _service_seconds(closings)
    starts = [c.called_at or c.closed_at for c in closings]
    span = max(max(c.closed_at for c in closings) - min(starts), MIN_SPAN)
    median, p90 = percentile(seconds, 0.5), percentile(seconds, 0.9)
    return DeskFigures(
        desk=desk,
        served=len(closings),
        per_hour=round(len(closings) * 3600 / span.total_seconds(), 1),
        median_seconds=round(median) if median is not None else None,
        p90_seconds=round(p90) if p90 is not None else None,
    )


def desk_figures(session: DbSession, *, day: date, site_id: int | None = None) -> list[DeskFigures]:
    """Each desk's day: families served on a ticket, families an hour over the span from its
    first call to its last handover, median and 90th percentile service time."""
    by_desk: dict[str, list[Closing]] = defaultdict(list)
    for closing in _closings(session, day=day, site_id=site_id):
        by_desk[closing.desk].append(closing)
    return [_figures(desk, by_desk[desk]) for desk in sorted(by_desk)]


@dataclass(frozen=True)
class LineFigures:
    line: str
    waiting: int
    served: int
    per_hour: float  # the line's pace over the last WINDOW, all desks
    median_seconds: int | None
    p90_seconds: int | None
    seconds_per_family: float  # how long the line takes per family, as estimated now

    def wait_minutes(self, place: int) -> int:
        """The estimated wait of the ticket at ``place`` in the line (1: called next)."""
        return math.ceil(max(place, 0) * self.seconds_per_family / 60)

    @property
    def estimated_wait_minutes(self) -> int:
        """For a ticket taken now: behind all who wait."""
        return self.wait_minutes(self.waiting + 1)


def _desk_pace(closings: Sequence[Closing], *, open_call: bool, now: datetime) -> float:
    """One desk's families a second: its ``closings`` over the time from its first call among
    them to its last handover, or to now when it has no call open (0: no time to count)."""
    start = min(c.called_at or c.closed_at for c in closings)
    end = max(c.closed_at for c in closings) if open_call else now
    seconds = (end - start).total_seconds()
    return len(closings) / seconds if seconds > 0 else 0.0


def line_figures(
    session: DbSession, *, site_id: int, day: date, now: datetime, detail: bool = True
) -> dict[str, LineFigures]:
    """Each line's queue and pace now, and how long it takes per family (module docstring).

    Without ``detail`` (the door, the hall screen: on every scan and refresh) only the last
    WINDOW's closings are read, and the whole day's only for a line that has too few of them
    for a pace; its median and 90th percentile are then those of what was read."""
    since = now - WINDOW
    rows = session.execute(
        select(
            _tickets.c.line,
            func.count().filter(_tickets.c.called_at.is_(None), _tickets.c.closed_at.is_(None)),
            func.count(func.distinct(_tickets.c.desk)).filter(_tickets.c.called_at >= since),
        )
        .where(_tickets.c.site_id == site_id, _tickets.c.day == day)
        .group_by(_tickets.c.line)
    ).all()
    state = {row[0]: row for row in rows}
    calling = {
        (line, desk)
        for line, desk in session.execute(
            select(_tickets.c.line, _tickets.c.desk).where(
                _tickets.c.site_id == site_id,
                _tickets.c.day == day,
                _tickets.c.called_at.is_not(None),
                _tickets.c.closed_at.is_(None),
            )
        )
    }
    closings = _closings(session, day=day, site_id=site_id, since=None if detail else since)
    if not detail and any(sum(c.line == line for c in closings) < MIN_SERVED for line in state):
        closings = _closings(session, day=day, site_id=site_id)
    answer = {}
    for line in LINES:
        _, waiting, desks = state.get(line, (line, 0, 0))
        mine = [c for c in closings if c.line == line]
        recent = [c for c in mine if c.closed_at >= since]
        seconds = _service_seconds(mine)
        median = percentile(seconds, 0.5)
        by_desk: dict[str, list[Closing]] = defaultdict(list)
        for closing in recent:
            by_desk[closing.desk].append(closing)
        pace = sum(
            _desk_pace(done, open_call=(line, desk) in calling, now=now)
            for desk, done in by_desk.items()
        )
        if len(recent) >= MIN_SERVED and pace > 0:
            per_family = 1 / pace
        elif median is not None:
            per_family = median / max(int(desks or 0), 1)
        else:
            before = _earlier_day(session, site_id=site_id, line=line, day=day)
            service, had = before or (DEFAULT_SERVICE.total_seconds(), 1)
            per_family = service / max(int(desks or 0) or had, 1)
        p90 = percentile(seconds, 0.9)
        answer[line] = LineFigures(
            line=line,
            waiting=int(waiting or 0),
            served=len(mine),
            per_hour=round(len(recent) * 3600 / WINDOW.total_seconds(), 1),
            median_seconds=round(median) if median is not None else None,
            p90_seconds=round(p90) if p90 is not None else None,
            seconds_per_family=per_family,
        )
    return answer


def _earlier_day(
    session: DbSession, *, site_id: int, line: str, day: date
) -> tuple[float, int] | None:
    """The last earlier day's median service time on the line and how many desks served on
    it: the guess for a morning before its first handover. None on a site's first day."""
    served = (
        _tickets.c.site_id == site_id,
        _tickets.c.line == line,
        _tickets.c.called_at.is_not(None),
        _tickets.c.closed_at.is_not(None),
        _tickets.c.desk.is_not(None),
    )
    last = session.scalar(select(func.max(_tickets.c.day)).where(*served, _tickets.c.day < day))
    if last is None:
        return None
    rows = session.execute(
        select(_tickets.c.desk, _tickets.c.called_at, _tickets.c.closed_at).where(
            *served, _tickets.c.day == last
        )
    ).all()
    seconds = [(closed - called).total_seconds() for _, called, closed in rows if closed >= called]
    median = percentile(seconds, 0.5)
    if median is None:
        return None
    return median, len({desk for desk, _, _ in rows})


@dataclass(frozen=True)
class Call:
    number: str
    desk: str
    at: datetime


def recent_calls(
    session: DbSession, *, site_id: int, day: date, limit: int = 6
) -> dict[str, list[Call]]:
    """The last ``limit`` calls of each line today, the latest first: numbers and desks only."""
    rows = session.execute(
        select(_tickets.c.line, _tickets.c.number, _tickets.c.desk, _tickets.c.called_at)
        .where(
            _tickets.c.site_id == site_id,
            _tickets.c.day == day,
            _tickets.c.called_at.is_not(None),
        )
        .order_by(_tickets.c.called_at.desc(), _tickets.c.id.desc())
        .limit(limit * 4)
    ).all()
    calls: dict[str, list[Call]] = {line: [] for line in LINES}
    for row in rows:
        if len(calls[row.line]) < limit:
            calls[row.line].append(Call(label(row.line, row.number), row.desk, row.called_at))
    return calls
