"""The eligibility rule: pure, today passed in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from app.ages import age_on
from app.desk.models import AGE_BANDS


@dataclass(frozen=True)
class Decision:
    eligible: bool
    last_served_on: date | None
    next_eligible_on: date | None


def next_eligible_on(last_served_on: date, days: int) -> date:
    """Served on 1 March with a 10-day interval: may come again from 11 March."""
    return last_served_on + timedelta(days=days)


def latest_service_date_allowed(today: date, days: int) -> date:
    """A household served on this date or before may be served today."""
    return today - timedelta(days=days)


def decide(last_served_on: date | None, today: date, days: int) -> Decision:
    if last_served_on is None:
        return Decision(True, None, None)
    again = next_eligible_on(last_served_on, days)
    return Decision(today >= again, last_served_on, again)


def refusal_counts(decision: Decision, today: date) -> bool:
    """A "no" the day's report counts as a refusal: turned away because of a visit on an
    earlier day. A household served today and scanned again (on its way out, at a second
    desk) is not refused, it was served."""
    last = decision.last_served_on
    return not decision.eligible and last is not None and last < today


def age_band(birth_date: date, day: date) -> str:
    age = age_on(birth_date, day)
    if age <= 4:
        return AGE_BANDS[0]
    if age <= 11:
        return AGE_BANDS[1]
    if age <= 17:
        return AGE_BANDS[2]
    if age <= 59:
        return AGE_BANDS[3]
    return AGE_BANDS[4]
