"""A programme's rule: pure, today and the household passed in.

Who is in a programme (its dates, its criteria or an enrolment), when a household may be served
in it again (an interval of days, or once per calendar week or month), and how many visits it
may have at most."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from app.ages import age_on
from app.names import name_in


@dataclass(frozen=True)
class Criteria:
    """Automatic enrolment: all that are set must hold (AND)."""

    under_age: int | None = None  # at least one member younger than this
    min_age: int | None = None  # at least one member of at least this age
    disability: bool = False
    chronic_disease: bool = False
    pregnant_or_breastfeeding: bool = False
    single_parent: bool = False

    def as_dict(self) -> dict[str, object]:
        return {k: v for k, v in self.__dict__.items() if v not in (None, False)}


@dataclass(frozen=True)
class ProgrammeRule:
    id: int
    code: str
    name: str
    starting: bool = False
    interval_days: int | None = None  # None with period None: the site's ELIGIBILITY_DAYS
    period: str | None = None  # "week" or "month"
    starts_on: date | None = None
    ends_on: date | None = None
    max_visits: int | None = None
    enrolment: str = "automatic"
    criteria: Criteria = field(default_factory=Criteria)
    version: int = 1
    names: dict[str, str] = field(default_factory=dict)

    def name_in(self, language: str | None) -> str:
        return name_in(self.name, self.names, language)

    def running_on(self, day: date) -> bool:
        return (self.starts_on is None or self.starts_on <= day) and (
            self.ends_on is None or day <= self.ends_on
        )


@dataclass(frozen=True)
class Someone:
    """A member as the criteria see it (no name)."""

    birth_date: date
    disability: bool = False
    chronic_disease: bool = False
    pregnant_or_breastfeeding: bool = False
    single_parent: bool = False


@dataclass(frozen=True)
class Standing:
    """A household in one programme today: may it be served, when last, when next. ``full``:
    it has had the programme's maximum of visits."""

    eligible: bool
    last_served_on: date | None
    next_eligible_on: date | None
    full: bool = False
    visits: int = 0


def meets(criteria: Criteria, members: Sequence[Someone], day: date) -> bool:
    """Whether a household meets every criterion that is set (no criterion: every household)."""
    ages = [age_on(m.birth_date, day) for m in members]
    return (
        (criteria.under_age is None or any(a < criteria.under_age for a in ages))
        and (criteria.min_age is None or any(a >= criteria.min_age for a in ages))
        and (not criteria.disability or any(m.disability for m in members))
        and (not criteria.chronic_disease or any(m.chronic_disease for m in members))
        and (
            not criteria.pregnant_or_breastfeeding
            or any(m.pregnant_or_breastfeeding for m in members)
        )
        and (not criteria.single_parent or any(m.single_parent for m in members))
    )


def latest_allowed(programme: ProgrammeRule, today: date, days: int) -> date:
    """A household last served on this date or before may be served today."""
    if programme.period == "week":
        return today - timedelta(days=today.weekday() + 1)
    if programme.period == "month":
        return today.replace(day=1) - timedelta(days=1)
    return today - timedelta(days=programme.interval_days or days)


def next_after(programme: ProgrammeRule, last: date, days: int) -> date:
    """The first day a household served on ``last`` may come again."""
    if programme.period == "week":
        return last + timedelta(days=7 - last.weekday())
    if programme.period == "month":
        return (last.replace(day=28) + timedelta(days=4)).replace(day=1)
    return last + timedelta(days=programme.interval_days or days)


def standing(
    programme: ProgrammeRule, last: date | None, visits: int, today: date, days: int
) -> Standing:
    """The household's standing in a programme it is in."""
    if programme.max_visits is not None and visits >= programme.max_visits:
        return Standing(False, last, None, full=True, visits=visits)
    if last is None:
        return Standing(True, None, None, visits=visits)
    again = next_after(programme, last, days)
    if programme.ends_on is not None and again > programme.ends_on:
        return Standing(today >= again, last, None, visits=visits)
    return Standing(today >= again, last, again, visits=visits)
