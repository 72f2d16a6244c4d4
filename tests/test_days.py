"""Dates typed as dd.mm.yyyy, whatever the browser's locale (app.days)."""

from __future__ import annotations

from datetime import date

import pytest

from app.days import NotADay, parse_day, show_day


@pytest.mark.parametrize("typed", ["09031980", "09.03.1980", "9.3.1980", "9/3/1980", "1980-03-09"])
def test_the_ways_a_volunteer_types_9_march_1980_all_give_9_march(typed: str) -> None:
    assert parse_day(typed) == date(1980, 3, 9)


@pytest.mark.parametrize("typed", ["31.02.1980", "30021985", "13.13.2020", "00.01.2020"])
def test_an_impossible_date_is_refused_rather_than_moved(typed: str) -> None:
    with pytest.raises(NotADay):
        parse_day(typed)


@pytest.mark.parametrize("typed", ["09.03.80", "090380", "March 9", "1980"])
def test_text_that_is_not_a_whole_day_is_refused(typed: str) -> None:
    with pytest.raises(NotADay):
        parse_day(typed)


def test_nothing_typed_is_no_day_and_a_day_is_shown_day_first() -> None:
    assert parse_day("  ") is None
    assert show_day(date(1980, 3, 9)) == "09.03.1980"
