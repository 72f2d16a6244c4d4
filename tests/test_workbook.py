"""The one writer of spreadsheets (app.workbook), and every export that goes through it: text a
person typed never runs as a formula, in a workbook or in a CSV read by a Romanian or
Ukrainian Excel (which splits lines on ";"); times are the site's local time."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from openpyxl import load_workbook

from app.auth.services import find_user, issue_api_token
from app.extensions import db
from app.workbook import Table, guard_csv, write_csv, write_csv_rows, write_xlsx
from tests.conftest import TZ, Api, member

HOSTILE = ['=HYPERLINK("http://x","y")', "+cmd", "-1+1", "@SUM(1)", "a;=1+1"]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# --- What a spreadsheet would run ------------------------------------------------------------


def _runs(text: str) -> bool:
    """Whether a spreadsheet would start a formula at this text (a number is a number)."""
    stripped = text.lstrip(' "')
    if not stripped.startswith(FORMULA_START) and not text.startswith(("\t", "\r")):
        return False
    try:
        float(stripped)
    except ValueError:
        return True
    return False


def formulas_in_csv(data: bytes) -> list[str]:
    """Fields that run, read as English Excel reads the file (split on ",") and as Romanian
    and Ukrainian Excel do (each line split on ";", quotes or not)."""
    text = data.decode("utf-8-sig")
    found = [f for row in csv.reader(io.StringIO(text)) for f in row if _runs(f)]
    found += [piece for line in text.splitlines() for piece in line.split(";") if _runs(piece)]
    return found


def formulas_in_xlsx(data: bytes) -> list[str]:
    book = load_workbook(io.BytesIO(data))
    found = [
        f"{ws.title}!{cell.coordinate}"
        for ws in book.worksheets
        for row in ws.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and re.search(rb"<f[ >]", archive.read(name)):
                found.append(name)
    return found


def text_of(data: bytes, kind: str) -> str:
    """Every cell's text, to see that the hostile names are really in the file."""
    if kind == "csv":
        return data.decode("utf-8-sig")
    book = load_workbook(io.BytesIO(data))
    return "\n".join(
        str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row
    )


# --- The writer ------------------------------------------------------------------------------


def test_a_name_that_looks_like_a_formula_stays_text() -> None:
    table = Table("Served", ["Head of household"], [[name] for name in HOSTILE])
    data = write_xlsx([table], "title", timezone=TZ)
    ws = load_workbook(io.BytesIO(data)).active
    cells = [ws.cell(row=3 + i, column=1) for i in range(len(HOSTILE))]
    assert [c.value for c in cells] == HOSTILE
    assert all(c.data_type == "s" for c in cells)
    assert formulas_in_xlsx(data) == []
    as_csv = write_csv([table], "title", timezone=TZ)
    assert formulas_in_csv(as_csv) == []
    assert "'" + HOSTILE[0].replace('"', '""') in as_csv.decode("utf-8-sig")


def test_a_formula_after_a_semicolon_is_guarded_for_romanian_and_ukrainian_excel() -> None:
    assert guard_csv("a;=1+1") == "a;'=1+1"
    assert guard_csv('x; "@SUM(1)";ok') == 'x;\' "@SUM(1)";ok'
    assert guard_csv("Caritas; food") == "Caritas; food"  # nothing to run: left as typed
    assert formulas_in_csv(b"name\r\na;=1+1\r\n") == ["=1+1"]  # as unguarded
    data = write_csv_rows(["name"], [["a;=1+1"], ["b;+cmd;-2+3"]], timezone=TZ)
    assert formulas_in_csv(data) == []


def test_cells_keep_their_types_and_times_are_the_sites_clock() -> None:
    table = Table(
        "Days",
        ["Date", "Served", "At"],
        [[date(2026, 3, 2), 7, datetime(2026, 3, 2, 7, 30, tzinfo=UTC)]],
        totals=["Total", 7, ""],
    )
    data = write_xlsx([table], "AidDesk · Main · March", timezone=TZ)
    ws = load_workbook(io.BytesIO(data)).active
    assert ws["A1"].value == "AidDesk · Main · March"
    assert ws.freeze_panes == "A3"
    assert ws["A3"].is_date and ws["A3"].number_format == "yyyy-mm-dd"
    assert ws["B3"].data_type == "n" and ws["B3"].value == 7
    # 07:30 UTC is 09:30 in Bucharest in March (UTC+2)
    assert ws["C3"].is_date and ws["C3"].value == datetime(2026, 3, 2, 9, 30)
    assert ws.column_dimensions["A"].width >= 10
    assert "2026-03-02 09:30" in write_csv([table], "t", timezone=TZ).decode("utf-8-sig")
    with pytest.raises(ValueError, match="zone"):
        write_xlsx([Table("x", ["at"], [[datetime(2026, 3, 2, 9, 30)]])], "t", timezone=TZ)


def test_tables_on_one_sheet_stand_under_their_names() -> None:
    tables = [Table("Figures", ["Figure", "Value"], [["Served", 3]]), Table("Items", ["SKU"], [])]
    book = load_workbook(io.BytesIO(write_xlsx(tables, "T", timezone=TZ, one_sheet="Day")))
    (ws,) = book.worksheets
    rows = [r for r in ws.iter_rows(values_only=True)]
    assert ws.title == "Day"
    assert rows == [
        ("T", None),
        (None, None),
        ("Figures", None),
        ("Figure", "Value"),
        ("Served", 3),
        (None, None),
        ("Items", None),
        ("SKU", None),
    ]


# --- Every export ----------------------------------------------------------------------------


def _hostile_api(app: Flask, make_user: Any, client: Any, role: str, name: str) -> Api:
    """A user whose name is hostile too: the audit trail writes it."""
    make_user(role, username=name)
    with app.app_context():
        token = issue_api_token(db.session, find_user(db.session, name))  # type: ignore[arg-type]
        db.session.commit()
    return Api(client, token)


@pytest.fixture
def hostile_names(
    app: Flask, api: Any, client: Any, make_user: Any, register: Any, set_today: Any
) -> dict[str, Any]:
    """A site, an item, donors, a voucher batch and heads of household named to run."""
    set_today(date(2026, 3, 4))
    coordinator = api("coordinator")
    stock = _hostile_api(app, make_user, client, "stock_manager", "@SUM(1)")
    answer = coordinator.post(
        "/api/v1/sites", json={"code": "EVIL", "name": HOSTILE[0], "kind": "distribution"}
    )
    assert answer.status_code == 201, answer.text
    answer = stock.post(
        "/api/v1/items", json={"sku": "EVIL-1", "name": HOSTILE[4], "category": "food"}
    )
    assert answer.status_code == 201, answer.text
    for donor in HOSTILE:
        answer = stock.post(
            "/api/v1/donations",
            json={
                "donor": donor,
                "items": [{"sku": "EVIL-1", "quantity": 2}, {"sku": "FOOD", "quantity": 5}],
            },
        )
        assert answer.status_code == 201, answer.text
    answer = stock.post(
        "/api/v1/voucher-batches",
        json={
            "sku": "CHILD-VOUCHER",
            "donor": HOSTILE[0],
            "first_serial": "C-10",
            "last_serial": "C-19",
        },
    )
    assert answer.status_code == 201, answer.text
    desk = api("volunteer")
    for i, name in enumerate(HOSTILE):
        household = register(
            member(given=name, family=f"Family{'abcde'[i]}"),
            member(born="2019-01-01", relationship="child"),
        )
        vouchers = [{"sku": "CHILD-VOUCHER", "serial": f"C-1{i}"}]
        answer = desk.post(
            "/api/v1/distributions", json={"qr": household["card"]["qr"], "vouchers": vouchers}
        )
        assert answer.status_code == 201, answer.text
    donors = {d["name"]: d["id"] for d in stock.get("/api/v1/donors").get_json()}
    return {"donor_id": donors[HOSTILE[0]]}


def test_no_export_runs_a_name_a_person_typed(
    app: Flask, hostile_names: dict[str, Any], login: Any, tmp_path: Path
) -> None:
    """Every download and every file the command line writes, fed hostile names."""
    period = "from=2026-03-01&to=2026-03-31"
    donor = hostile_names["donor_id"]
    evil = "a%3B%3D1%2B1"  # the voucher report's donor as typed into its filter
    pages = {
        "/reports/daily.xlsx?date=2026-03-04": [],
        "/reports/period.xlsx?" + period + "&site=EVIL": [HOSTILE[0]],
        "/reports/period.csv?" + period + "&site=EVIL": [HOSTILE[0]],
        "/reports/served.xlsx?date=2026-03-04": HOSTILE,
        "/reports/served.csv?date=2026-03-04": HOSTILE,
        f"/stock/donors/{donor}/report.xlsx?{period}": [HOSTILE[0], HOSTILE[4]],
        f"/stock/donors/{donor}/report.csv?{period}": [HOSTILE[0], HOSTILE[4]],
        f"/stock/vouchers.xlsx?{period}": [HOSTILE[0]],
        f"/stock/vouchers.csv?{period}&donor={evil}": [HOSTILE[4]],
        "/audit/events.csv": ["@SUM(1)"],
    }
    files: dict[str, tuple[bytes, list[str]]] = {}
    client = login("coordinator")
    for path, names in pages.items():
        answer = client.get(path)
        assert answer.status_code == 200, path
        files[path] = (answer.data, names)
    for args in (
        ["daily", "--date", "2026-03-04", "--site", "EVIL"],
        ["period", "--from", "2026-03-01", "--to", "2026-03-31", "--site", "EVIL"],
    ):
        for extension in ("xlsx", "csv"):
            out = tmp_path / f"{args[0]}.{extension}"
            result = app.test_cli_runner().invoke(args=["reports", *args, "--out", str(out)])
            assert result.exit_code == 0, result.output
            files[" ".join(args) + f" {extension}"] = (out.read_bytes(), [HOSTILE[0]])
    for what, (data, names) in files.items():
        kind = "csv" if data.startswith(b"\xef\xbb\xbf") else "xlsx"
        found = formulas_in_csv(data) if kind == "csv" else formulas_in_xlsx(data)
        assert found == [], (what, found)
        shown = text_of(data, kind).replace("'", "").replace('""', '"')
        assert all(name in shown for name in names), (what, names)


def test_voucher_times_are_the_sites_clock_not_utc(
    hostile_names: dict[str, Any], login: Any
) -> None:
    client = login("stock_manager")
    sheet = load_workbook(
        io.BytesIO(client.get("/stock/vouchers.xlsx?from=2026-03-04&to=2026-03-04").data)
    ).active
    rows = [r for r in sheet.iter_rows(values_only=True) if r[2] and str(r[2]).startswith("C-")]
    issued = {r[2]: r[3] for r in rows}
    assert len(issued) == len(HOSTILE)
    # The clock of set_today is noon at the site: Bucharest's 12:00 is 10:00 UTC in March.
    assert {moment.hour for moment in issued.values()} == {12}
