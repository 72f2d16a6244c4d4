"""The period's figures equal what the test's own book of the fortnight says."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any

import pytest
from flask import Flask

from app.errors import ValidationFailed
from app.extensions import db
from app.reports.period import MAX_DAYS, find_site, period_figures
from tests.reports.scenario import (
    END,
    MONDAY,
    START,
    THURSDAY_NEXT,
    WEDNESDAY,
    Fortnight,
    items_from_the_ledger,
    play,
)


@pytest.fixture
def fortnight(app: Flask, api: Any, register: Any, set_today: Any, stock_up: Any) -> Fortnight:
    return play(app, api, register, set_today, stock_up)


def figures(app: Flask, start: date, end: date, site: str | None) -> dict[str, Any]:
    with app.app_context():
        found = period_figures(db.session, start, end, find_site(db.session, site))
    days = {
        d.day: {k: v for k, v in asdict(d).items() if k != "day"}
        for d in found.days
        if any(v for k, v in asdict(d).items() if k != "day")
    }
    assert found.days[0].day == start and found.days[-1].day == end
    assert len(found.days) == (end - start).days + 1  # every calendar day has its row
    return {
        "visits": found.visits,
        "distinct_households": found.distinct_households,
        "distinct_people": found.distinct_people,
        "people_served": found.people_served,
        "new_households": found.new_households,
        "households_refused": found.households_refused,
        "people_with_disability": found.people_with_disability,
        "distinct_people_with_disability": found.distinct_people_with_disability,
        "by_sex_age": {at: n for at, n in found.by_sex_age.items() if n},
        "days": days,
        "items": dict(found.items),
    }


PERIODS = [
    (START, END, None),
    (START, END, "MAIN"),
    (START, END, "NORTH"),
    (MONDAY, WEDNESDAY, None),
    (THURSDAY_NEXT, END, None),
    (WEDNESDAY, WEDNESDAY, "NORTH"),
    (date(2026, 3, 5), date(2026, 3, 11), None),  # nothing happened
]


@pytest.mark.parametrize(("start", "end", "site"), PERIODS)
def test_every_figure_equals_the_independent_count(
    app: Flask, fortnight: Fortnight, start: date, end: date, site: str | None
) -> None:
    expected = fortnight.book.expected(start, end, site)
    expected["items"] = items_from_the_ledger(app, start, end, site)
    assert figures(app, start, end, site) == expected


def test_a_visit_counts_the_household_as_it_was_that_day(app: Flask, fortnight: Fortnight) -> None:
    """A's baby, born between the visits, counts only at the second; B's spouse, who moved
    to C, counts with B first and with C later, and once among the distinct people."""
    got = figures(app, START, END, None)
    assert got["days"][MONDAY]["people_served"] == 3 + 2
    assert got["days"][THURSDAY_NEXT]["people_served"] == 4 + 1
    assert got["by_sex_age"][("F", "0-4")] == 1  # the baby, at one visit
    assert got["people_served"] == 5 + 3 + 5 + 2
    assert got["distinct_people"] == 3 + 2 + 1 + 2 + 1  # A, B, C, D and A's baby
    assert got["visits"] == 7 and got["distinct_households"] == 4
    # A's grandmother at both of A's visits, B's head at both of B's, A's mother only after
    # she was flagged: five visits of people with a disability, three people.
    assert got["people_with_disability"] == 5
    assert got["distinct_people_with_disability"] == 3


def test_an_unknown_site_is_a_validation_error(session: Any) -> None:
    with pytest.raises(ValidationFailed) as raised:
        find_site(session, "NOWHERE")
    assert "site" in raised.value.fields


def test_a_period_that_runs_backwards_or_too_long_is_refused(session: Any) -> None:
    with pytest.raises(ValidationFailed):
        period_figures(session, date(2026, 3, 2), date(2026, 3, 1), None)
    with pytest.raises(ValidationFailed):
        period_figures(session, date(2025, 1, 1), date(2025, 1, 1).replace(year=2027), None)
    year = period_figures(session, date(2024, 1, 1), date(2024, 12, 31), None)
    assert len(year.days) == MAX_DAYS and year.visits == 0


def test_demo_visits_record_who_was_served(session: Any) -> None:
    from sqlalchemy import func, select

    from app.demo import seed_demo
    from app.desk.models import VisitMember, VisitPeople

    seed_demo(session, households=40, days=60, today=date(2026, 3, 31), card_key="k")
    session.commit()
    by_band = session.scalar(select(func.sum(VisitPeople.people)))
    assert by_band and session.scalar(select(func.count()).select_from(VisitMember)) == by_band
    year = period_figures(session, date(2026, 1, 1), date(2026, 3, 31), None)
    assert 0 < year.distinct_people <= year.people_served
