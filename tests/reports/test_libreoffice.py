"""An export opens in LibreOffice with its numbers as numbers and its dates as dates.

LibreOffice converts the workbook to CSV headless, quoting every text cell: a number or a
date written as text would come back quoted. Without LibreOffice the test skips, visibly, with
the install command in the reason (apt-get install libreoffice-calc-nogui); .ci/run installs it
and fails on any skip, so there it always runs.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from tests.reports.scenario import END, START, Fortnight, play

pytestmark = pytest.mark.libreoffice
# , field separator; " text delimiter; UTF-8; from line 1; default cell format; default
# language; quote all text cells; (import only); save cells as shown; no formulas; keep
# spaces; every sheet into its own file.
CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,true,false,true,false,false,-1"
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@pytest.fixture
def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        pytest.skip("no LibreOffice: apt-get install libreoffice-calc-nogui")
    return found


def convert(soffice: str, xlsx: Path, out: Path) -> dict[str, list[list[str]]]:
    """{sheet name: raw CSV lines, text cells still in their quotes}."""
    profile = out / "profile"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            CSV_FILTER,
            "--outdir",
            str(out),
            str(xlsx),
        ],
        check=True,
        capture_output=True,
        timeout=90,
    )
    sheets = {}
    for path in out.glob(f"{xlsx.stem}-*.csv"):
        text = path.read_text(encoding="utf-8")
        sheets[path.stem.removeprefix(f"{xlsx.stem}-")] = [
            line.split(",") for line in text.splitlines()
        ]
    assert sheets, f"LibreOffice wrote nothing: {list(out.iterdir())}"
    return sheets


@pytest.fixture
def fortnight(app: Flask, api: Any, register: Any, set_today: Any, stock_up: Any) -> Fortnight:
    return play(app, api, register, set_today, stock_up)


def test_libreoffice_reads_numbers_as_numbers_and_dates_as_dates(
    soffice: str, fortnight: Fortnight, api: Any, tmp_path: Path
) -> None:
    coordinator = api("coordinator")
    got = coordinator.get(f"/api/v1/reports/period?from={START}&to={END}").get_json()
    xlsx = tmp_path / "period.xlsx"
    xlsx.write_bytes(coordinator.get(f"/api/v1/reports/period.xlsx?from={START}&to={END}").data)
    sheets = convert(soffice, xlsx, tmp_path)
    days = sheets["Days"]
    assert days[1][0] == '"Date"'  # a text cell, quoted
    rows = days[2:22]
    for row in rows:
        assert DAY.match(row[0]), f"not an unquoted date: {row}"
        assert all(cell.isdigit() for cell in row[1:6]), f"not unquoted numbers: {row}"
    served = {row[0]: int(row[1]) for row in rows}
    assert served == {d["date"]: d["households_served"] for d in got["days"]}
    assert days[22][0] == '"Total"' and int(days[22][1]) == got["visits"]
    summary = {
        row[0].strip('"'): row[1] for row in sheets["Summary"][2:] if len(row) > 1 and row[1]
    }
    assert int(summary["Distinct people"]) == got["distinct_people"]
