"""A programme's rule, pure: who is in it, its window, its maximum, its end."""

from __future__ import annotations

from datetime import date

from app.programmes.rules import (
    Criteria,
    ProgrammeRule,
    Someone,
    latest_allowed,
    meets,
    next_after,
    standing,
)

DAY = date(2026, 3, 18)  # a Wednesday
MONTHLY = ProgrammeRule(id=2, code="CHILD", name="Child vouchers", period="month")
WEEKLY = ProgrammeRule(id=3, code="BREAD", name="Bread", period="week")
EVERY_30 = ProgrammeRule(id=4, code="M30", name="Thirty days", interval_days=30)
STARTING = ProgrammeRule(id=1, code="REGULAR", name="Regular", starting=True)


def test_criteria_combine_with_and_and_none_means_every_household() -> None:
    mother = Someone(date(1990, 1, 1), single_parent=True)
    baby = Someone(date(2025, 6, 1))
    grandad = Someone(date(1950, 1, 1), chronic_disease=True)
    assert meets(Criteria(), [mother], DAY)
    assert meets(Criteria(under_age=18, single_parent=True), [mother, baby], DAY)
    assert not meets(Criteria(under_age=18, single_parent=True), [mother], DAY)
    assert not meets(Criteria(under_age=18, single_parent=True), [grandad, baby], DAY)
    assert meets(Criteria(min_age=65, chronic_disease=True), [grandad], DAY)
    assert not meets(Criteria(min_age=65, disability=True), [grandad], DAY)


def test_a_monthly_programme_serves_once_per_calendar_month() -> None:
    assert latest_allowed(MONTHLY, DAY, 10) == date(2026, 2, 28)
    assert next_after(MONTHLY, date(2026, 3, 1), 10) == date(2026, 4, 1)
    assert next_after(MONTHLY, date(2026, 12, 31), 10) == date(2027, 1, 1)
    assert not standing(MONTHLY, date(2026, 3, 1), 1, DAY, 10).eligible
    assert standing(MONTHLY, date(2026, 2, 28), 1, DAY, 10).eligible


def test_a_weekly_programme_starts_again_on_monday() -> None:
    assert latest_allowed(WEEKLY, DAY, 10) == date(2026, 3, 15)  # the Sunday before
    assert next_after(WEEKLY, date(2026, 3, 16), 10) == date(2026, 3, 23)
    assert next_after(WEEKLY, date(2026, 3, 22), 10) == date(2026, 3, 23)


def test_an_interval_of_days_and_the_starting_programme_follow_their_days() -> None:
    assert next_after(EVERY_30, DAY, 10) == date(2026, 4, 17)
    assert next_after(STARTING, DAY, 10) == date(2026, 3, 28)
    assert latest_allowed(STARTING, DAY, 10) == date(2026, 3, 8)


def test_the_maximum_of_visits_and_the_end_leave_no_next_date() -> None:
    capped = ProgrammeRule(id=5, code="CAP", name="Capped", interval_days=7, max_visits=2)
    assert standing(capped, date(2026, 3, 1), 1, DAY, 10).eligible
    full = standing(capped, date(2026, 3, 1), 2, DAY, 10)
    assert not full.eligible and full.full and full.next_eligible_on is None
    ending = ProgrammeRule(
        id=6, code="END", name="Ends", interval_days=30, ends_on=date(2026, 4, 1)
    )
    done = standing(ending, DAY, 1, DAY, 10)
    assert not done.eligible and done.next_eligible_on is None
    assert ending.running_on(DAY) and not ending.running_on(date(2026, 4, 2))
