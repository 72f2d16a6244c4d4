"""The coordinator's pages: the period report, the live dashboard and the charts."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime
from typing import Any

import pytest
from flask import Flask
from openpyxl import load_workbook

from app.extensions import db
from app.reports.dashboard import live_dashboard
from tests.reports.scenario import END, MONDAY, START, THURSDAY_NEXT, Fortnight, play

PAGES = [
    "/reports/period",
    "/reports/period?from=2026-03-01&to=2026-03-20",
    "/reports/dashboard",
    "/reports/dashboard.json",
    "/reports/charts",
    "/reports/charts?days=90",
    "/reports/period.xlsx?from=2026-03-01&to=2026-03-02",
    "/reports/period.csv?from=2026-03-01&to=2026-03-02",
    "/reports/served.xlsx?date=2026-03-02",
    "/reports/served.csv?date=2026-03-02",
]


@pytest.fixture
def fortnight(app: Flask, api: Any, register: Any, set_today: Any, stock_up: Any) -> Fortnight:
    return play(app, api, register, set_today, stock_up)


@pytest.mark.parametrize("path", PAGES)
def test_only_a_coordinator_opens_the_reports(login: Any, path: str) -> None:
    assert login("volunteer").get(path).status_code == 403
    assert login("stock_manager").get(path).status_code == 403
    assert login("coordinator").get(path).status_code == 200


def test_the_period_page_shows_the_figures_and_links_the_files(
    fortnight: Fortnight, login: Any
) -> None:
    page = login("coordinator").get(f"/reports/period?from={START}&to={END}&site=MAIN").text
    figures = dict(re.findall(r"<tr><th>([^<]+)</th><td class=\"num\">(\d+)</td></tr>", page))
    expected = fortnight.book.expected(START, END, "MAIN")
    assert int(figures["Visits"]) == expected["visits"]
    assert int(figures["Distinct people"]) == expected["distinct_people"]
    assert 'formaction="/reports/period.xlsx"' in page
    assert "/reports/served.xlsx?date=2026-03-02&amp;site=MAIN" in page


@pytest.mark.parametrize(
    "query",
    [
        "from=2026-03-05&to=2026-03-01",
        "from=nonsense&to=2026-03-01",
        "from=2026-03-01&to=2026-03-02&site=NOPE",
    ],
)
def test_a_bad_period_on_the_page_says_what_is_wrong(login: Any, query: str) -> None:
    response = login("coordinator").get(f"/reports/period?{query}")
    assert response.status_code == 422
    assert 'class="field invalid"' in response.text


def test_a_bad_period_file_from_the_page_is_a_clear_4xx(login: Any) -> None:
    response = login("coordinator").get("/reports/period.xlsx?from=2026-03-05&to=2026-03-01")
    assert response.status_code == 422


def test_the_dashboard_counts_today_and_compares_with_last_week(
    fortnight: Fortnight, app: Flask, set_today: Any
) -> None:
    # THURSDAY_NEXT served A and B and refused D; the Thursday before served nobody.
    with app.app_context():
        noon = datetime(2026, 3, 12, 10, 0, tzinfo=UTC)  # 12:00 in Bucharest
        board = live_dashboard(db.session, now=noon, timezone="Europe/Bucharest", site=None)
        assert board.day == THURSDAY_NEXT
        assert (board.households_served, board.people_served) == (2, 5)
        assert board.households_refused == 1 and board.new_households == 0
        assert dict(board.per_hour)[12] == 2 and sum(n for _, n in board.per_hour) == 2
        assert [n for _, n in board.per_desk] == [2]
        assert board.pace is None  # nothing to compare with
        # A week after THURSDAY_NEXT: at 11:00 its noon visits are not yet "by this time".
        later = live_dashboard(
            db.session,
            now=datetime(2026, 3, 19, 9, 0, tzinfo=UTC),
            timezone="Europe/Bucharest",
            site=None,
        )
        assert (later.served_by_now_last_week, later.served_last_week) == (0, 2)
        after_noon = live_dashboard(
            db.session,
            now=datetime(2026, 3, 19, 11, 0, tzinfo=UTC),
            timezone="Europe/Bucharest",
            site=None,
        )
        assert after_noon.served_by_now_last_week == 2 and after_noon.pace == 0
        north = live_dashboard(
            db.session, now=noon, timezone="Europe/Bucharest", site=_site(app, "NORTH")
        )
        assert north.households_served == 0 and north.households_refused == 0


def _site(app: Flask, code: str) -> Any:
    from app.reports.period import find_site

    return find_site(db.session, code)


def test_the_dashboard_json_is_what_the_page_polls(
    fortnight: Fortnight, login: Any, set_today: Any
) -> None:
    set_today(MONDAY)
    client = login("coordinator")
    data = client.get("/reports/dashboard.json").get_json()
    assert data["date"] == "2026-03-02"
    assert (data["households_served"], data["people_served"], data["new_households"]) == (2, 5, 3)
    assert data["cards_issued"] == 3  # A, B and C had their cards on registering
    assert {"hour", "households"} == data["per_hour"][0].keys()
    page = client.get("/reports/dashboard?poll=1").text
    assert 'data-poll-ms="2000"' in page  # never faster than every 2 seconds
    assert "dashboard.js" in page and "<script>" not in page


def test_the_dashboard_shows_stock_under_its_minimum_and_keeps_it_fresh(
    login: Any, api: Any
) -> None:
    coordinator = login("coordinator")
    coordinator.post(
        "/stock/items/HYGIENE/settings",
        data={"name": "Hygiene kit", "category": "hygiene", "unit": "kit", "minimum": "50"},
    )
    panel = " ".join(coordinator.get("/reports/dashboard").text.split())
    assert "Hygiene kit</strong>: none left" in panel
    assert "(minimum 50)" in panel

    donated = api("stock_manager").post(
        "/api/v1/donations", json={"donor": "WV", "items": [{"sku": "HYGIENE", "quantity": 80}]}
    )
    assert donated.status_code == 201
    polled = coordinator.get("/reports/dashboard.json").get_json()["low_stock_html"]
    assert "Hygiene kit" not in polled  # 80 is above its minimum now
    # The other items are at 0 with no minimum: not "nothing is under its minimum".
    polled = " ".join(polled.split())
    assert "Food parcel</strong>: none left <small>(no minimum set)</small>" in polled
    assert "Nothing is under its minimum" not in polled


def test_the_charts_draw_svg_with_their_numbers_beside(
    fortnight: Fortnight, login: Any, set_today: Any
) -> None:
    set_today(END)
    page = login("coordinator").get("/reports/charts?days=30").text
    assert page.count("<svg") == 4
    assert "<script" not in page.split("<main>")[1].split("</main>")[0]
    served = page.split('id="chart-served"')[1].split("</section>")[0]
    assert '<th>02.03</th><td class="num">2</td><td class="num">5</td>' in served
    items = page.split('id="chart-items"')[1].split("</section>")[0]
    assert "Food" in items
    weeks = page.split('id="chart-registrations"')[1].split("</section>")[0]
    assert '<th>02.03</th><td class="num">4</td>' in weeks  # A, B, C on Monday, D on Wednesday


def test_the_served_list_from_the_page_is_the_days_households(
    fortnight: Fortnight, login: Any
) -> None:
    response = login("coordinator").get(f"/reports/served.xlsx?date={MONDAY}")
    rows = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    assert [row[1] for row in rows[2:-1]] == [fortnight.book.ids["A"], fortnight.book.ids["B"]]
    assert date(2026, 3, 2).isoformat() in rows[0][0]


def test_served_per_day_adds_no_households_to_people_and_its_numbers_are_folded(
    fortnight: Fortnight, login: Any, set_today: Any
) -> None:
    set_today(END)
    page = login("coordinator").get("/reports/charts?days=30").text
    served = page.split('id="chart-served"')[1].split("</section>")[0]
    assert '<th>02.03</th><td class="num">2</td><td class="num">5</td></tr>' in served
    assert "Total" not in served
    items = page.split('id="chart-items"')[1].split("</section>")[0]
    assert "Total" in items  # the categories are parts of one whole
    assert "<details open" not in page
