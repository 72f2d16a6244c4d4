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


def test_the_report_pickers_are_day_first_text_fields_and_read_what_is_typed(login, api) -> None:  # type: ignore[no-untyped-def]
    client = login("coordinator")
    page = client.get("/reports/period?from=01.03.2026&to=9.3.2026")
    assert page.status_code == 200
    assert "01.03.2026 to 09.03.2026" in page.text
    assert 'type="date"' not in page.text and 'placeholder="dd.mm.yyyy"' in page.text
    download = client.get("/reports/period.csv?from=01032026&to=09.03.2026")
    assert download.status_code == 200
    assert "2026-03-01-2026-03-09" in download.headers["Content-Disposition"]
    today = client.get("/reports/today?date=09.03.2026").text
    assert 'value="09.03.2026"' in today and 'type="date"' not in today
    # The JSON API keeps its ISO dates, and only those.
    period = "/api/v1/reports/period?from={}&to={}"
    coordinator = api("coordinator")
    assert coordinator.get(period.format("2026-03-01", "2026-03-09")).status_code == 200
    assert coordinator.get(period.format("01.03.2026", "09.03.2026")).status_code == 422


def test_an_impossible_day_in_a_report_picker_is_refused_at_the_field(login) -> None:  # type: ignore[no-untyped-def]
    page = login("coordinator").get("/reports/period?from=31.02.2026&to=09.03.2026")
    assert page.status_code == 422
    assert 'class="field invalid"><span>From' in page.text


def test_a_stock_expiry_typed_day_first_is_the_day_typed(app, login) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from app.extensions import db
    from app.stock.models import StockLot

    client = login("stock_manager")
    data = {"donor": "World Vision", "lines-0-sku": "HYGIENE", "lines-0-quantity": "12"}
    answer = client.post("/stock", data=data | {"lines-0-expires_on": "03012027"})
    assert answer.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(StockLot.expires_on)) == date(2027, 1, 3)
    refused = client.post("/stock", data=data | {"lines-0-expires_on": "31.02.2027"})
    assert refused.status_code == 422 and "there is no such date" in refused.text
