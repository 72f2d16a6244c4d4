"""What the public page answers for a typed card number: the next date, and nothing else.

A card that is unknown, replaced or of a household no longer served gets one and the same
answer, found by one and the same query, so neither the words nor the time taken tell a
guesser which of these a number is. The answer holds no name, no household size, no card
state: only when the family may come, and per programme when it is in more than the starting
one (decision 0034). The programmes are read for an unknown number too (household 0), so a
known number costs no more time than an unknown one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import bindparam, select

from app.cards.models import Card
from app.cards.tokens import read_scan, token_hash
from app.db import DbSession
from app.desk.rules import next_eligible_on
from app.desk.services import programme_standings
from app.households.models import Household

MAX_INPUT = 100  # a card number with spaces, or a QR's text, is far shorter

_cards = Card.__table__
_households = Household.__table__
_BY = {
    column: select(_households.c.id, _households.c.last_served_on)
    .select_from(_cards.join(_households, _households.c.id == _cards.c.household_id))
    .where(_cards.c[column] == bindparam("value"), _cards.c.revoked_at.is_(None))
    for column in ("number", "token_hash")
}


@dataclass(frozen=True)
class PublicAnswer:
    """``kind``: ``date`` (may come from ``on``), ``today``, ``no_date`` (nothing to tell:
    unknown or replaced alike), ``bad_number`` (a wrong check digit) or ``not_a_number``."""

    kind: str
    on: date | None = None
    # The other programmes the household is in: (name, names, when: None for no further visit;
    # today's date when it may come today).
    programmes: tuple[tuple[str, dict[str, str], date | None], ...] = ()


def next_visit(session: DbSession, typed: str, *, today: date, days: int) -> PublicAnswer:
    """The next date of the card's household, for the family itself."""
    if len(typed) > MAX_INPUT:
        return PublicAnswer("not_a_number")
    scan = read_scan(typed)
    if scan.kind == "bad_number":
        return PublicAnswer("bad_number")
    if scan.kind == "number":
        column, value = "number", scan.value
    elif scan.kind == "qr":
        column, value = "token_hash", token_hash(scan.value)
    else:
        return PublicAnswer("not_a_number")
    rows = session.connection().execute(_BY[column], {"value": value}).all()
    standings = programme_standings(
        session, household_id=rows[0].id if rows else 0, today=today, days=days
    )
    if not rows:
        return PublicAnswer("no_date")
    last = rows[0].last_served_on
    again = next_eligible_on(last, days) if last is not None else today
    others = tuple(
        (programme.name, programme.names, today if held.eligible else held.next_eligible_on)
        for programme, held in standings
        if not programme.starting
    )
    if again <= today:
        return PublicAnswer("today", programmes=others)
    return PublicAnswer("date", again, programmes=others)
