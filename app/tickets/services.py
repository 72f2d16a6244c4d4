"""Issue, call and close queue tickets; each step is held by the database.

- Issue: one INSERT ... SELECT max(number) + 1 ... ON CONFLICT DO NOTHING. The unique key on
  (card, day) makes a second scan of the same card find the first ticket, whatever door
  scanned it; the one on (site, line, day, number) makes two doors taking the next number at
  once collide, and the loser takes the one after.
- Call: one conditional UPDATE ... WHERE called_at IS NULL on the first waiting ticket; the
  desk whose UPDATE changed no row lost it to another desk and tries the next.
- Close: the desk's handover closes the card's ticket (or the ticket the desk called).

See docs/decisions/0032-queue-tickets.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import bindparam, exists, func, literal, or_, select, true, update

from app.db import DbSession, dialect_insert
from app.tickets.models import LINES, Ticket

TRIES = 50  # more doors or desks than this at one instant is not a door

_tickets = Ticket.__table__
_WAITING = (
    _tickets.c.called_at.is_(None),
    _tickets.c.closed_at.is_(None),
)


def label(line: str, number: int) -> str:
    """How a ticket is printed and called: A-042 (distribution), R-007 (registration)."""
    return f"{LINES[line]}-{number:03d}"


@dataclass(frozen=True)
class Issued:
    id: int
    line: str
    number: int
    issued_at: datetime
    new: bool  # false: the card's ticket for today, issued before (a repeat scan)
    position: int  # its place among the tickets still waiting in its line, 1 = next

    @property
    def label(self) -> str:
        return label(self.line, self.number)


def card_ticket(session: DbSession, *, card_id: int, day: date) -> Issued | None:
    """The ticket the card was given today, if any (a repeat scan answers with it)."""
    row = session.execute(
        select(_tickets).where(_tickets.c.card_id == card_id, _tickets.c.day == day)
    ).first()
    return _issued(session, row, new=False) if row else None


def issue(
    session: DbSession,
    *,
    site_id: int,
    line: str,
    day: date,
    now: datetime,
    card_id: int | None = None,
    looked: bool = False,
) -> Issued:
    """A ticket in ``line`` for today: the next number of the line, or the card's ticket of
    today when it has one (never a second). The number is taken by the INSERT itself, so two
    doors never print the same number; a collision is retried with the next one. ``looked``:
    the caller has just looked for the card's ticket (card_ticket) and found none."""
    if line not in LINES:
        raise ValueError(f"unknown line {line!r}")
    insert_ignoring = dialect_insert(session.get_bind().dialect.name)
    nxt = (
        select(func.coalesce(func.max(_tickets.c.number), 0) + 1)
        .where(_tickets.c.site_id == site_id, _tickets.c.line == line, _tickets.c.day == day)
        .scalar_subquery()
    )
    statement = (
        insert_ignoring(_tickets)
        .from_select(
            ["site_id", "line", "day", "number", "card_id", "issued_at", "recalled", "other_card"],
            select(
                literal(site_id),
                literal(line),
                bindparam("day", day, type_=_tickets.c.day.type),
                nxt,
                bindparam("card_id", card_id, type_=_tickets.c.card_id.type),
                bindparam("issued_at", now, type_=_tickets.c.issued_at.type),
                literal(False),
                literal(False),
            ),
        )
        .on_conflict_do_nothing()
        .returning(_tickets.c.id)
    )
    for attempt in range(TRIES):
        if card_id is not None and (attempt or not looked):
            held = card_ticket(session, card_id=card_id, day=day)
            if held:
                return held
        new_id = session.execute(statement).scalar()
        if new_id is not None:
            row = session.execute(select(_tickets).where(_tickets.c.id == new_id)).one()
            return _issued(session, row, new=True)
    raise RuntimeError("no ticket number could be taken")  # pragma: no cover


def _issued(session: DbSession, row: object, *, new: bool) -> Issued:
    return Issued(
        id=row.id,  # type: ignore[attr-defined]
        line=row.line,  # type: ignore[attr-defined]
        number=row.number,  # type: ignore[attr-defined]
        issued_at=row.issued_at,  # type: ignore[attr-defined]
        new=new,
        position=position(session, row),
    )


def position(session: DbSession, row: object) -> int:
    """The ticket's place among the waiting tickets of its line (1: called next); 0 once it
    was called."""
    if row.called_at is not None or row.closed_at is not None:  # type: ignore[attr-defined]
        return 0
    ahead = session.execute(
        select(func.count()).where(
            _tickets.c.site_id == row.site_id,  # type: ignore[attr-defined]
            _tickets.c.line == row.line,  # type: ignore[attr-defined]
            _tickets.c.day == row.day,  # type: ignore[attr-defined]
            _tickets.c.number < row.number,  # type: ignore[attr-defined]
            *_WAITING,
        )
    ).scalar_one()
    return int(ahead) + 1


@dataclass(frozen=True)
class Called:
    id: int
    line: str
    number: int
    desk: str
    called_at: datetime

    @property
    def label(self) -> str:
        return label(self.line, self.number)


def recall_unanswered(
    session: DbSession,
    *,
    site_id: int,
    line: str,
    day: date,
    now: datetime,
    after: timedelta,
    desk: str,
) -> int:
    """Tickets called ``after`` ago and not closed go back to the line, once: they are the
    next called (their number is the lowest waiting). A second call not answered stays
    called, and the family has lost its turn.

    Only a ticket whose desk has moved on is unanswered: ``desk`` (the one calling now) is
    its desk, or its desk has called or closed another ticket since. A family still at the
    desk that called it (a registration, a question) is answered, however long it takes, and
    another desk's call never takes its number away to call it elsewhere."""
    later = _tickets.alias("later")
    moved_on = exists().where(
        later.c.site_id == _tickets.c.site_id,
        later.c.day == _tickets.c.day,
        later.c.desk == _tickets.c.desk,
        later.c.id != _tickets.c.id,
        or_(later.c.called_at > _tickets.c.called_at, later.c.closed_at > _tickets.c.called_at),
    )
    result = session.execute(
        update(_tickets)
        .where(
            _tickets.c.site_id == site_id,
            _tickets.c.line == line,
            _tickets.c.day == day,
            _tickets.c.closed_at.is_(None),
            _tickets.c.called_at.is_not(None),
            _tickets.c.called_at <= now - after,
            _tickets.c.recalled.is_not(true()),
            or_(_tickets.c.desk == desk, moved_on),
        )
        .values(called_at=None, desk=None, recalled=True)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def call_next(
    session: DbSession,
    *,
    site_id: int,
    line: str,
    day: date,
    now: datetime,
    desk: str,
    recall_after: timedelta,
) -> Called | None:
    """The next waiting ticket of ``line``, called to ``desk``; None when nobody waits.

    One conditional UPDATE on one row whose row count says who won: a desk that lost the
    ticket to another desk calling at the same moment takes the next one."""
    recall_unanswered(
        session, site_id=site_id, line=line, day=day, now=now, after=recall_after, desk=desk
    )
    first_waiting = (
        select(_tickets.c.id, _tickets.c.number)
        .where(
            _tickets.c.site_id == site_id,
            _tickets.c.line == line,
            _tickets.c.day == day,
            *_WAITING,
        )
        .order_by(_tickets.c.number)
        .limit(1)
    )
    for _ in range(TRIES):
        row = session.execute(first_waiting).first()
        if row is None:
            return None
        won = session.execute(
            update(_tickets)
            .where(_tickets.c.id == row.id, _tickets.c.called_at.is_(None))
            .values(called_at=now, desk=desk)
        ).rowcount  # type: ignore[attr-defined]
        if won == 1:
            return Called(row.id, line, row.number, desk, now)
    return None  # pragma: no cover


@dataclass(frozen=True)
class Closed:
    """What the desk's handover did to the queue: the ticket it closed (if any), and the
    ticket the desk had called when the card was another's (a warning, never a refusal)."""

    closed: str | None
    not_the_called: str | None = None


# Built once: a handover runs them (inside SQLite's write gate).
_CALLED_BY_DESK = (
    select(_tickets.c.id, _tickets.c.line, _tickets.c.number, _tickets.c.card_id)
    .where(
        _tickets.c.site_id == bindparam("site_id"),
        _tickets.c.day == bindparam("day"),
        _tickets.c.desk == bindparam("desk"),
        _tickets.c.called_at.is_not(None),
        _tickets.c.closed_at.is_(None),
    )
    .order_by(_tickets.c.called_at.desc())
    .limit(1)
)
_OPEN_OF_CARD = select(_tickets.c.id, _tickets.c.line, _tickets.c.number).where(
    _tickets.c.card_id == bindparam("card_id"),
    _tickets.c.day == bindparam("day"),
    _tickets.c.closed_at.is_(None),
)


def close_for_card(
    session: DbSession,
    *,
    site_id: int,
    card_id: int | None,
    day: date,
    now: datetime,
    desk: str | None,
) -> Closed:
    """Close the card's ticket of today when the desk records its handover; without one, the
    ticket this desk called (the family came on that call with no ticket of its own, flagged
    ``other_card``). Says when the card is not the ticket's the desk called.

    A registration ticket was taken without a card: the family registered at the desk and
    served with its new card is the one that was called, neither flagged nor warned about."""
    conn = session.connection()
    called = None
    if desk:
        called = conn.execute(
            _CALLED_BY_DESK, {"site_id": site_id, "day": day, "desk": desk}
        ).first()
    own = None
    if card_id is not None:
        own = conn.execute(_OPEN_OF_CARD, {"card_id": card_id, "day": day}).first()
    target = own or called
    if target is None:
        return Closed(None)
    cardless = own is None and called is not None and called.card_id is None
    values: dict[str, object] = {"closed_at": now, "other_card": own is None and not cardless}
    if desk:
        values["desk"] = func.coalesce(_tickets.c.desk, desk)
    session.execute(
        update(_tickets)
        .where(_tickets.c.id == target.id, _tickets.c.closed_at.is_(None))
        .values(**values)
    )
    mismatch = called is not None and not cardless and (own is None or called.id != own.id)
    return Closed(
        label(target.line, target.number),
        label(called.line, called.number) if mismatch and called else None,
    )


def ticket_by_id(session: DbSession, ticket_id: int) -> Issued | None:
    """A ticket as printed: its number, line, time and place (no card, no name)."""
    row = session.execute(select(_tickets).where(_tickets.c.id == ticket_id)).first()
    return _issued(session, row, new=False) if row else None
