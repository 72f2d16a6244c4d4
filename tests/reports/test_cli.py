"""flask --app wsgi reports daily|period: the same files as the pages, from a scheduled task."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from openpyxl import load_workbook

from tests.reports.scenario import END, MONDAY, START, Fortnight, play


@pytest.fixture
def fortnight(app: Flask, api: Any, register: Any, set_today: Any, stock_up: Any) -> Fortnight:
    return play(app, api, register, set_today, stock_up)


def test_the_daily_excel_file_is_the_pages_file(
    fortnight: Fortnight, app: Flask, tmp_path: Path
) -> None:
    out = tmp_path / "daily.xlsx"
    result = app.test_cli_runner().invoke(
        args=["reports", "daily", "--date", MONDAY.isoformat(), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    sheet = load_workbook(out).active
    figures = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row and row[0]}
    assert figures["Households served"] == 2 and figures["People served"] == 5
    assert figures["New households"] == 3
    assert not list(tmp_path.glob("*.partial"))


def test_the_daily_csv_at_one_site(fortnight: Fortnight, app: Flask, tmp_path: Path) -> None:
    out = tmp_path / "daily.csv"
    args = ["reports", "daily", "--date", "2026-03-04", "--site", "NORTH", "--out", str(out)]
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 0, result.output
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = {r[0]: r[1] for r in csv.reader(io.StringIO(raw.decode("utf-8-sig"))) if len(r) > 1}
    assert rows["Date"] == "2026-03-04"
    assert (rows["Households served"], rows["People served"]) == ("2", "3")
    assert rows["Households refused"] == "1"


def test_the_period_file_and_its_masked_copy(
    fortnight: Fortnight, app: Flask, tmp_path: Path
) -> None:
    runner = app.test_cli_runner()
    out = tmp_path / "period.xlsx"
    args = ["reports", "period", "--from", str(START), "--to", str(END), "--out", str(out)]
    assert runner.invoke(args=args).exit_code == 0
    summary = {r[0]: r[1] for r in load_workbook(out)["Summary"].iter_rows(values_only=True)}
    assert (
        summary["Distinct people"] == fortnight.book.expected(START, END, None)["distinct_people"]
    )
    assert runner.invoke(args=[*args, "--mask-small"]).exit_code == 0
    summary = {r[0]: r[1] for r in load_workbook(out)["Summary"].iter_rows(values_only=True)}
    assert summary["Distinct households"] == "<5"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["daily", "--date", "2026-02-30", "--out", "x.xlsx"], "2026-02-30"),
        (["daily", "--out", "report.pdf"], ".xlsx or .csv"),
        (["daily", "--out", "/no/such/folder/x.xlsx"], "no folder"),
        (["daily", "--site", "NOPE", "--out", "x.csv"], "no site"),
        (["period", "--from", "2026-03-02", "--to", "2026-03-01", "--out", "x.csv"], "end"),
    ],
)
def test_bad_arguments_say_what_is_wrong(
    app: Flask, tmp_path: Path, monkeypatch: Any, args: list[str], message: str
) -> None:
    (tmp_path / "out").mkdir()
    monkeypatch.chdir(tmp_path / "out")
    result = app.test_cli_runner().invoke(args=["reports", *args])
    assert result.exit_code != 0
    assert message in result.output
    assert not list((tmp_path / "out").iterdir())  # nothing written
