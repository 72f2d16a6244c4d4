"""The labels inside the Excel and CSV files follow the language of whoever downloads them;
the figures stay the same."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from openpyxl import load_workbook

from app.workbook import sheet_title
from tests.reports.scenario import END, MONDAY, START, Fortnight, play


@pytest.fixture
def fortnight(app: Flask, api: Any, register: Any, set_today: Any, stock_up: Any) -> Fortnight:
    return play(app, api, register, set_today, stock_up)


def sheets(data: bytes) -> dict[str, list[tuple[Any, ...]]]:
    workbook = load_workbook(io.BytesIO(data))
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in workbook.worksheets}


def figures(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Every cell that is not a label: numbers, dates and the masked "<5"."""
    return [tuple(v for v in row if not isinstance(v, str) or v == "<5") for row in rows]


def downloads(client: Any, path: str) -> dict[str, bytes]:
    """The same file downloaded in English and in Ukrainian, by one coordinator."""
    files = {}
    for language in ("en", "uk"):
        client.post("/language", data={"language": language})
        response = client.get(path)
        assert response.status_code == 200
        files[language] = response.data
    return files


def test_a_period_workbook_downloaded_in_ukrainian_has_ukrainian_labels_and_the_same_figures(
    fortnight: Fortnight, login: Any
) -> None:
    files = downloads(login("coordinator"), f"/reports/period.xlsx?from={START}&to={END}")
    english, ukrainian = sheets(files["en"]), sheets(files["uk"])
    assert list(english)[:3] == ["Days", "Summary", "Sex and age"]
    assert list(ukrainian)[:3] == ["Дні", "Підсумок", "Стать і вік"]
    days = ukrainian["Дні"]
    assert "Звіт AidDesk за період · Усі пункти · 2026-03-01 – 2026-03-20" in days[0][0]
    assert days[1][:3] == ("Дата", "Родин обслуговано", "Людей обслуговано")
    assert days[22][0] == "Разом"
    summary = dict(row[:2] for row in ukrainian["Підсумок"][2:] if row and row[0])
    expected = fortnight.book.expected(START, END, None)
    assert summary["Унікальні особи"] == expected["distinct_people"]
    assert [row[0] for row in ukrainian["Стать і вік"][2:5]] == ["Жіноча", "Чоловіча", "Інше"]
    for english_sheet, ukrainian_sheet in zip(english.values(), ukrainian.values(), strict=True):
        assert figures(ukrainian_sheet) == figures(english_sheet)


def test_a_csv_downloaded_in_ukrainian_has_ukrainian_headers_and_the_same_figures(
    fortnight: Fortnight, login: Any
) -> None:
    files = downloads(login("coordinator"), f"/reports/served.csv?date={MONDAY}")
    english, ukrainian = (
        list(csv.reader(io.StringIO(files[lang].decode("utf-8-sig")))) for lang in ("en", "uk")
    )
    assert ukrainian[2] == ["Обслуговані"]
    assert ukrainian[3][:4] == ["Час обслуговування", "Родина", "Картка", "Голова родини"]
    assert ukrainian[-1][0] == "Разом" and english[-1][0] == "Total"
    assert ukrainian[4:-1] == english[4:-1]  # the households served, as they are
    assert ukrainian[-1][1:] == english[-1][1:]


def test_the_days_workbook_follows_the_language_too(fortnight: Fortnight, login: Any) -> None:
    files = downloads(login("coordinator"), f"/reports/daily.xlsx?date={MONDAY}")
    english, ukrainian = sheets(files["en"]), sheets(files["uk"])
    (rows,) = ukrainian.values()
    assert list(ukrainian) == ["Щоденний звіт"]
    assert rows[0][0].startswith("Щоденний звіт AidDesk · Усі пункти · ")
    labelled = {row[0]: row[1] for row in rows if row and row[0]}
    assert labelled["Родин обслуговано"] == 2 and labelled["Людей обслуговано"] == 5
    assert figures(rows) == figures(next(iter(english.values())))


def test_the_voucher_report_follows_the_stock_managers_language(login: Any) -> None:
    client = login("stock_manager")
    client.post("/language", data={"language": "ro"})
    raw = client.get("/stock/vouchers.csv?from=2026-03-04&to=2026-03-04").data
    lines = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert lines[0][0].startswith("Serii de vouchere predate · toți donatorii · 2026-03-04")
    assert lines[3] == ["Donator", "Cod", "Serie", "Emis"]


def test_the_command_writes_the_labels_in_the_language_asked(
    fortnight: Fortnight, app: Flask, tmp_path: Path
) -> None:
    runner = app.test_cli_runner()
    base = ["reports", "period", "--from", str(START), "--to", str(END)]
    for language in ("uk", None):
        out = tmp_path / f"period-{language}.xlsx"
        chosen = ["--lang", language] if language else []
        result = runner.invoke(args=[*base, "--out", str(out), *chosen])
        assert result.exit_code == 0, result.output
    ukrainian = sheets((tmp_path / "period-uk.xlsx").read_bytes())
    english = sheets((tmp_path / "period-None.xlsx").read_bytes())  # the default locale
    assert "Підсумок" in ukrainian and "Summary" in english
    assert [figures(s) for s in ukrainian.values()] == [figures(s) for s in english.values()]
    daily = tmp_path / "daily.csv"
    args = ["reports", "daily", "--date", str(MONDAY), "--out", str(daily), "--lang", "ro"]
    assert runner.invoke(args=args).exit_code == 0
    assert "Familii servite" in daily.read_text("utf-8-sig")
    wrong = runner.invoke(args=[*base, "--out", str(tmp_path / "x.csv"), "--lang", "fr"])
    assert wrong.exit_code != 0 and "en, ro, uk" in wrong.output


@pytest.mark.parametrize(
    ("label", "title"),
    [
        ("Sex and age", "Sex and age"),
        ("Persoane cu dizabilități în perioada: [a/b]*?", "Persoane cu dizabilități în per"),
        ("Кількість: 3/4", "Кількість 3 4"),
        ("", "-"),
    ],
)
def test_a_sheet_title_is_one_excel_takes(label: str, title: str) -> None:
    assert sheet_title(label) == title
    assert len(sheet_title(label * 5)) <= 31


def test_two_labels_that_read_alike_get_sheets_of_their_own() -> None:
    taken: set[str] = set()
    assert [sheet_title(x, taken) for x in ("Days", "days", "Days")] == ["Days", "days 2", "Days 3"]
