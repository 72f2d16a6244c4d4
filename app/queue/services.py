"""The door check: come in with a ticket, or not today; it records no visit.

The card is read as the desk reads it (cards.services.find_card: the same answers to garbage,
a product's barcode, a replaced card) and the household checked as the desk checks it
(desk.services.check_household). A card that has its ticket today gets that ticket again,
whatever it says now (a family served already keeps its ticket's answer: come in).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l

from app.cards.services import find_card
from app.db import DbSession
from app.desk.services import Check, NotEligible, check_household
from app.tickets.figures import line_figures
from app.tickets.services import Issued, card_ticket, issue


@dataclass(frozen=True)
class Admitted:
    ticket: Issued
    wait_minutes: int
    check: Check | None = None  # what is due today (None: the registration line)


@dataclass(frozen=True)
class NotToday:
    check: Check

    @property
    def next_eligible_on(self) -> date | None:
        return self.check.next_due_on

    def error(self) -> NotEligible:
        """The API's 409: no ticket, and the day to come back."""
        day = self.next_eligible_on
        return NotEligible(
            _l("Not today: this household may come back on the day given."),
            next_eligible_on=day.isoformat() if day else None,
        )


DoorAnswer = Admitted | NotToday


def _admitted(
    session: DbSession,
    ticket: Issued,
    *,
    site_id: int,
    today: date,
    now: datetime,
    check: Check | None,
) -> Admitted:
    line = line_figures(session, site_id=site_id, day=today, now=now, detail=False)
    wait = line[ticket.line].wait_minutes(ticket.position) if ticket.position else 0
    return Admitted(ticket, wait, check)


def door_check(
    session: DbSession,
    *,
    scanned: str,
    typed: bool,
    today: date,
    now: datetime,
    days: int,
    site_id: int,
) -> DoorAnswer:
    """A ticket for the distribution line when the household may be served today, or the
    day it may come back. A card scanned again today gets its ticket again (the unique key on
    card and day holds it when doors scan it at once)."""
    card = find_card(session, scanned, typed=typed)
    check = check_household(
        session, household_id=card.household_id, today=today, days=days, site_id=site_id
    )
    held = card_ticket(session, card_id=card.id, day=today)
    if held is None and not check.may_serve:
        return NotToday(check)
    ticket = held or issue(
        session,
        site_id=site_id,
        line="distribution",
        day=today,
        now=now,
        card_id=card.id,
        looked=True,
    )
    return _admitted(session, ticket, site_id=site_id, today=today, now=now, check=check)


def registration_ticket(
    session: DbSession, *, today: date, now: datetime, site_id: int
) -> Admitted:
    """A ticket for the registration line: a family without a card (new, or lost)."""
    ticket = issue(session, site_id=site_id, line="registration", day=today, now=now)
    return _admitted(session, ticket, site_id=site_id, today=today, now=now, check=None)
