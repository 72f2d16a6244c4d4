"""The writers: typed cells, a title row, frozen headers, and text that never runs as a formula."""

from __future__ import annotations

import io
from datetime import date, datetime

from openpyxl import load_workbook

from app.reports.exports import SMALL, Table, masked, write_csv, write_xlsx

HOSTILE = ['=HYPERLINK("http://x","y")', "+1+1", "@SUM(A1)", "-2+3"]


def test_a_name_that_looks_like_a_formula_stays_text() -> None:
    table = Table("Served", ["Head of household"], [[name] for name in HOSTILE])
    ws = load_workbook(io.BytesIO(write_xlsx([table], "title"))).active
    cells = [ws.cell(row=3 + i, column=1) for i in range(len(HOSTILE))]
    assert [c.value for c in cells] == HOSTILE
    assert all(c.data_type == "s" for c in cells)
    text = write_csv([table], "title").decode("utf-8-sig")
    for name in HOSTILE:
        assert f"'{name}" in text.replace('""', '"')


def test_cells_keep_their_types_and_the_header_is_frozen() -> None:
    table = Table(
        "Days",
        ["Date", "Served", "At"],
        [[date(2026, 3, 2), 7, datetime(2026, 3, 2, 9, 30)]],
        totals=["Total", 7, ""],
    )
    ws = load_workbook(io.BytesIO(write_xlsx([table], "AidDesk · Main · March"))).active
    assert ws["A1"].value == "AidDesk · Main · March"
    assert ws.freeze_panes == "A3"
    assert ws["A3"].is_date and ws["A3"].number_format == "yyyy-mm-dd"
    assert ws["B3"].data_type == "n" and ws["B3"].value == 7
    assert ws["C3"].is_date and ws["C3"].value == datetime(2026, 3, 2, 9, 30)
    assert ws.column_dimensions["A"].width >= 10


def test_only_counts_from_one_to_four_are_masked() -> None:
    assert [masked(n, True) for n in (0, 1, 4, 5, 120)] == [0, SMALL, SMALL, 5, 120]
    assert masked(3, False) == 3
    assert masked(True, True) is True  # not a count
