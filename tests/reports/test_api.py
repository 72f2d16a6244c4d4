"""GET /api/v1/reports/period (and .xlsx, .csv): the fortnight's figures, in every form."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from typing import Any

import pytest
from flask import Flask
from openpyxl import load_workbook

from tests.api.contract import Cases, assert_error, assert_validation
from tests.reports.scenario import END, MONDAY, START, THURSDAY_NEXT, Fortnight, play

PATHS = ["/api/v1/reports/period", "/api/v1/reports/period.xlsx", "/api/v1/reports/period.csv"]
CONTRACT = {
    "from",
    "to",
    "visits",
    "distinct_households",
    "distinct_people",
    "people_served",
    "new_households",
    "households_refused",
    "items",
    "by_sex_age",
    "days",
}
DAY_FIELDS = ["households_served", "people_served", "new_households", "households_refused"]


@pytest.fixture
def fortnight(app: Flask, api: Any, register: Any, set_today: Any, stock_up: Any) -> Fortnight:
    return play(app, api, register, set_today, stock_up)


def report(coordinator: Any, query: str) -> dict[str, Any]:
    response = coordinator.get(f"/api/v1/reports/period?{query}")
    assert response.status_code == 200, response.text
    return response.get_json()


@pytest.mark.parametrize("site", [None, "MAIN", "NORTH"])
def test_the_period_answers_the_contract_with_the_books_figures(
    fortnight: Fortnight, api: Any, site: str | None
) -> None:
    query = f"from={START}&to={END}" + (f"&site={site}" if site else "")
    got = report(api("coordinator"), query)
    expected = fortnight.book.expected(START, END, site)
    assert got.keys() >= CONTRACT
    assert (got["from"], got["to"]) == ("2026-03-01", "2026-03-20")
    for key in CONTRACT - {"from", "to", "items", "by_sex_age", "days"}:
        assert got[key] == expected[key], key
    assert {(r["sex"], r["age_band"]): r["people"] for r in got["by_sex_age"]} == expected[
        "by_sex_age"
    ]
    assert len(got["days"]) == 20
    busy = {
        d["date"]: {k: d[k] for k in DAY_FIELDS}
        for d in got["days"]
        if any(d[k] for k in DAY_FIELDS)
    }
    assert busy == {
        day.isoformat(): {k: v for k, v in figures.items() if k in DAY_FIELDS}
        for day, figures in expected["days"].items()
    }


def workbook_sheets(data: bytes) -> dict[str, list[tuple[Any, ...]]]:
    wb = load_workbook(io.BytesIO(data))
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}


def test_the_workbook_has_the_figures_of_the_json(fortnight: Fortnight, api: Any) -> None:
    coordinator = api("coordinator")
    got = report(coordinator, f"from={START}&to={END}")
    response = coordinator.get(f"/api/v1/reports/period.xlsx?from={START}&to={END}")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert (
        "aiddesk-period-all-2026-03-01-2026-03-20.xlsx" in response.headers["Content-Disposition"]
    )
    sheets = workbook_sheets(response.data)
    assert {"Days", "Summary", "Sex and age", "Disability", "Items per day"} <= sheets.keys()
    assert {"Registrations", "Refusals"} <= sheets.keys()
    days = sheets["Days"]
    assert "All sites" in days[0][0] and "2026-03-01 to 2026-03-20" in days[0][0]
    assert days[1][0] == "Date"
    rows = {row[0].date(): row[1:5] for row in days[2:22]}  # a real date, read back as datetime
    assert all(isinstance(row[0], datetime) for row in days[2:22])
    assert rows == {
        date.fromisoformat(d["date"]): tuple(d[k] for k in DAY_FIELDS) for d in got["days"]
    }
    assert days[22][:5] == (
        "Total",
        got["visits"],
        got["people_served"],
        got["new_households"],
        got["households_refused"],
    )
    summary = {row[0]: row[1] for row in sheets["Summary"][2:] if row and row[0]}
    assert summary["Visits"] == got["visits"]
    assert summary["Distinct households"] == got["distinct_households"]
    assert summary["Distinct people"] == got["distinct_people"]
    items = sheets["Items per day"]
    assert items[-1][0] == "Total"
    assert dict(zip(items[1][1:-1], items[-1][1:-1], strict=True)) == {
        i["sku"]: i["quantity"] for i in got["items"]
    }
    sexes = {row[0]: row[1:6] for row in sheets["Sex and age"][2:5]}
    by = {(r["sex"], r["age_band"]): r["people"] for r in got["by_sex_age"]}
    bands = ["0-4", "5-11", "12-17", "18-59", "60+"]
    assert sexes["Female"] == tuple(by.get(("F", b), 0) for b in bands)
    assert sexes["Male"] == tuple(by.get(("M", b), 0) for b in bands)


def test_the_csv_has_a_bom_and_the_figures_of_the_json(fortnight: Fortnight, api: Any) -> None:
    coordinator = api("coordinator")
    got = report(coordinator, f"from={START}&to={END}&site=MAIN")
    response = coordinator.get(f"/api/v1/reports/period.csv?from={START}&to={END}&site=MAIN")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert "Main" in lines[0][0] or "MAIN" in lines[0][0]
    start = lines.index(["Days"]) + 2
    rows = {line[0]: [int(v) for v in line[1:5]] for line in lines[start : start + 20]}
    assert rows == {d["date"]: [d[k] for k in DAY_FIELDS] for d in got["days"]}
    summary_at = lines.index(["Summary"]) + 2
    summary = {line[0]: int(line[1]) for line in lines[summary_at : summary_at + 8]}
    assert summary["Distinct people"] == got["distinct_people"]
    assert summary["Visits"] == got["visits"]


def test_small_counts_are_masked_for_sharing_outside(fortnight: Fortnight, api: Any) -> None:
    coordinator = api("coordinator")
    response = coordinator.get(f"/api/v1/reports/period.xlsx?from={START}&to={END}&small=mask")
    days = workbook_sheets(response.data)["Days"]
    monday = next(row for row in days if row[0] == datetime(2026, 3, 2))
    assert monday[1:5] == ("<5", 5, "<5", 0)  # 2 households, 5 people, 3 new, none refused
    total = days[22]
    assert total[1:3] == (7, 15)
    text = coordinator.get(f"/api/v1/reports/period.csv?from={START}&to={END}&small=mask")
    assert "2026-03-12,<5,5,0,<5" in text.data.decode("utf-8-sig")


def test_bad_periods_and_unknown_sites_are_422_with_the_field(api: Any) -> None:
    coordinator = api("coordinator")
    cases = Cases()
    for path in PATHS:
        for query, field in [
            ("", "from"),
            ("from=2026-03-01", "to"),
            ("to=2026-03-01", "from"),
            ("from=2026-02-30&to=2026-03-01", "from"),
            ("from=yesterday&to=2026-03-01", "from"),
            ("from=2026-03-01&to=2026-03-01T00:00", "to"),
            ("from=2026-03-02&to=2026-03-01", "to"),
            ("from=2025-01-01&to=2026-03-01", "to"),
            ("from=2026-03-01&to=2026-03-01&site=NOWHERE", "site"),
            ("from=2026-03-01&to=2026-03-01&small=yes", "small"),
        ]:
            if field == "small" and not path.endswith(("xlsx", "csv")):
                continue  # only files are masked: the JSON is for the organisation itself
            with cases.case(f"{path}?{query}"):
                assert_validation(coordinator.get(f"{path}?{query}"), field)
    cases.check()


@pytest.mark.parametrize(
    "path", [*PATHS, "/api/v1/reports/served.xlsx", "/api/v1/reports/served.csv"]
)
def test_only_a_coordinator_gets_reports(api: Any, client: Any, path: str) -> None:
    query = f"{path}?from=2026-03-01&to=2026-03-02"
    assert_error(api("volunteer").get(query), 403)
    assert_error(api("stock_manager").get(query), 403)
    assert_error(client.get(query), 401)
    assert api("coordinator").get(query).status_code == 200


def test_the_households_served_on_a_day_without_health_data(fortnight: Fortnight, api: Any) -> None:
    coordinator = api("coordinator")
    response = coordinator.get(f"/api/v1/reports/served.xlsx?date={THURSDAY_NEXT}")
    sheet = workbook_sheets(response.data)["Served"]
    headers = sheet[1]
    assert not any("disab" in h.lower() or "chronic" in h.lower() for h in headers)
    rows = sheet[2:-1]
    assert [row[1] for row in rows] == [fortnight.book.ids["A"], fortnight.book.ids["B"]]
    assert [row[5] for row in rows] == [4, 1]
    assert all(isinstance(row[0], datetime) for row in rows)
    assert sheet[-1][0] == "Total" and sheet[-1][5] == 5
    north = coordinator.get(f"/api/v1/reports/served.csv?date={MONDAY}&site=NORTH")
    assert north.data.startswith(b"\xef\xbb\xbf")
    assert (
        len(north.data.decode("utf-8-sig").strip().splitlines()) == 5
    )  # title, blank, name, header, total
