"""The day's counts, as JSON and as an Excel file with the same figures."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from typing import Any
from urllib.parse import quote

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from tests.api.contract import Cases, assert_error, json_of, quantities
from tests.conftest import member

MARCH_1 = date(2026, 3, 1)
MARCH_5 = date(2026, 3, 5)
BANDS = ["0-4", "5-11", "12-17", "18-59", "60+"]
LABELS = {
    "Households served": "households_served",
    "People served": "people_served",
    "New households": "new_households",
    "Households refused": "households_refused",
    "Double services (served offline, served elsewhere too)": "double_services",
}
SEX_LABELS = {"F": "F", "FEMALE": "F", "M": "M", "MALE": "M", "X": "X", "OTHER": "X"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def daily(coordinator: Any, day: date) -> dict[str, Any]:
    response = coordinator.get(f"/api/v1/reports/daily?date={day.isoformat()}")
    assert response.status_code == 200, response.text
    return json_of(response)


def figures(report: dict[str, Any]) -> dict[str, Any]:
    return {key: report[key] for key in LABELS.values()} | {"items": quantities(report["items"])}


# --- Reading the workbook --------------------------------------------------------------------


def cells(ws: Worksheet) -> dict[tuple[int, int], Any]:
    return {
        (cell.row, cell.column): cell.value
        for row in ws.iter_rows()
        for cell in row
        if cell.value is not None
    }


def find(grid: dict[tuple[int, int], Any], text: str) -> list[tuple[int, int]]:
    return [at for at, value in grid.items() if isinstance(value, str) and value.strip() == text]


def label_values(grid: dict[tuple[int, int], Any]) -> dict[str, Any]:
    """Each label's number, from the cell to its right; each label in exactly one cell."""
    values = {}
    for label, key in LABELS.items():
        found = find(grid, label)
        assert len(found) == 1, (label, found)
        row, column = found[0]
        values[key] = grid.get((row, column + 1))
    return values


def items_table(grid: dict[tuple[int, int], Any]) -> dict[str, Any]:
    headers = [
        (row, column)
        for (row, column), value in grid.items()
        if str(value).strip().lower() == "sku"
        and str(grid.get((row, column + 1), "")).strip().lower() == "quantity"
    ]
    assert len(headers) == 1, headers
    row, column = headers[0]
    table = {}
    while (row := row + 1, column) in grid:
        table[grid[(row, column)]] = grid.get((row, column + 1))
    return table


def sex_age_table(grid: dict[tuple[int, int], Any]) -> dict[tuple[str, str], Any]:
    """{(sex, band): people} from the row of band headers and the rows below it."""
    starts = [
        (row, column)
        for (row, column) in find(grid, BANDS[0])
        if [grid.get((row, column + i)) for i in range(len(BANDS))] == BANDS
    ]
    assert len(starts) == 1, starts
    row, column = starts[0]
    table = {}
    while (label := grid.get((row := row + 1, column - 1))) is not None:
        sex = SEX_LABELS[str(label).strip().upper()]
        for i, band in enumerate(BANDS):
            table[(sex, band)] = grid.get((row, column + i)) or 0
    return table


def workbook(coordinator: Any, day: date) -> dict[tuple[int, int], Any]:
    response = coordinator.get(f"/api/v1/reports/daily.xlsx?date={day.isoformat()}")
    assert response.status_code == 200
    assert response.mimetype == XLSX
    sheets = [cells(ws) for ws in load_workbook(io.BytesIO(response.data)).worksheets]
    # The figures may be on any sheet: read the one that holds the labels.
    return next((grid for grid in sheets if find(grid, "Households served")), sheets[0])


# --- A day at the desk -----------------------------------------------------------------------


def hand_over(desk: Any, household: dict[str, Any]) -> int:
    return desk.post("/api/v1/distributions", json={"qr": household["card"]["qr"]}).status_code


def check(desk: Any, household: dict[str, Any]) -> int:
    return desk.get(f"/api/v1/eligibility?qr={quote(household['card']['qr'])}").status_code


@pytest.fixture
def two_days(
    desk: Any,
    register: Callable[..., dict[str, Any]],
    stock_up: Callable[..., None],
    set_today: Callable[[date], None],
) -> None:
    """On 1 March three families register and two are served (one scanned again); on 5 March
    those two come back and are refused (one of them three times), the third is served (and
    scanned again), and a fourth registers."""
    stock_up()
    set_today(MARCH_1)
    a = register(
        member(born="1986-01-10", sex="F"),
        member(relationship="child", born="2025-05-01", sex="M"),
        member(relationship="parent", born="1955-02-01", sex="F"),
    )
    b = register(member(born="1996-07-07", sex="M", disability=True))
    c = register(member(born="2005-09-09", sex="X"))
    assert hand_over(desk, a) == 201
    assert hand_over(desk, b) == 201
    assert hand_over(desk, a) == 409  # the same day as its service: not a refusal
    assert check(desk, a) == 200
    set_today(MARCH_5)
    assert check(desk, a) == 200
    assert check(desk, a) == 200
    assert hand_over(desk, a) == 409
    assert hand_over(desk, b) == 409
    assert hand_over(desk, c) == 201
    assert hand_over(desk, c) == 409  # the same day as its service: not a refusal
    assert check(desk, c) == 200
    register()


MARCH_1_FIGURES = {
    "households_served": 2,
    "people_served": 4,
    "new_households": 3,
    "households_refused": 0,
    "double_services": 0,
    "items": {"FOOD": 2, "HYGIENE": 2, "BABY": 1, "CHILD-VOUCHER": 1, "MEDICAL-VOUCHER": 2},
}
MARCH_1_PEOPLE = {("F", "18-59"): 1, ("F", "60+"): 1, ("M", "0-4"): 1, ("M", "18-59"): 1}
MARCH_5_FIGURES = {
    "households_served": 1,
    "people_served": 1,
    "new_households": 1,
    "households_refused": 2,
    "double_services": 0,
    "items": {"FOOD": 1, "HYGIENE": 1},
}
MARCH_5_PEOPLE = {("X", "18-59"): 1}


def test_the_daily_report_counts_the_first_day(two_days: None, coordinator: Any) -> None:
    report = daily(coordinator, MARCH_1)
    assert report["date"] == "2026-03-01"
    assert figures(report) == MARCH_1_FIGURES


def test_refusals_count_households_turned_away_not_repeat_scans(
    two_days: None, coordinator: Any
) -> None:
    report = daily(coordinator, MARCH_5)
    assert report["date"] == "2026-03-05"
    assert figures(report) == MARCH_5_FIGURES


def test_a_day_without_visits_reports_zeros(two_days: None, coordinator: Any) -> None:
    assert figures(daily(coordinator, date(2026, 3, 3))) == {
        "households_served": 0,
        "people_served": 0,
        "new_households": 0,
        "households_refused": 0,
        "double_services": 0,
        "items": {},
    }


@pytest.mark.parametrize(
    ("day", "expected", "people"),
    [(MARCH_1, MARCH_1_FIGURES, MARCH_1_PEOPLE), (MARCH_5, MARCH_5_FIGURES, MARCH_5_PEOPLE)],
    ids=["1_march", "5_march"],
)
def test_the_excel_report_has_the_figures_of_the_json(
    two_days: None,
    coordinator: Any,
    day: date,
    expected: dict[str, Any],
    people: dict[tuple[str, str], int],
) -> None:
    report = figures(daily(coordinator, day))
    assert report == expected
    grid = workbook(coordinator, day)
    assert label_values(grid) | {"items": items_table(grid)} == report
    table = sex_age_table(grid)
    assert {sex for sex, _ in table} == {"F", "M", "X"}
    assert {at: n for at, n in table.items() if n} == people
    assert sum(table.values()) == report["people_served"]


def test_the_excel_report_of_an_empty_day_has_every_label_at_zero(coordinator: Any) -> None:
    grid = workbook(coordinator, date(2026, 3, 3))
    assert label_values(grid) == dict.fromkeys(LABELS.values(), 0)
    assert items_table(grid) == {}
    assert sum(sex_age_table(grid).values()) == 0


BAD_DATES = [
    "2026-02-30",
    "2026-13-01",
    "yesterday",
    "01.03.2026",
    "2026-3-1",
    "",
    "2026-03-01%00",
    "2026-03-01T00:00",
    "0",
    "1772323200",
]


@pytest.mark.parametrize("path", ["/api/v1/reports/daily", "/api/v1/reports/daily.xlsx"])
def test_a_date_not_written_yyyy_mm_dd_answers_a_json_4xx(coordinator: Any, path: str) -> None:
    cases = Cases()
    for value in BAD_DATES:
        with cases.case(f"{path}?date={value}"):
            assert_error(coordinator.get(f"{path}?date={value}"))
    cases.check()
