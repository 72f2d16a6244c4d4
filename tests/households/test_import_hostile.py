"""Hostile register files: caps on columns, cells and unpacked size before anything is padded
or parsed, the sheet's <dimension> not believed, and a malformed workbook answered with a 422
and a message at the file field, never a 500."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from typing import Any

import pytest

from app.errors import ValidationFailed
from app.households.imports.files import MAX_CELLS, MAX_COLUMNS, read_table
from app.households.imports.xlsx import MAX_UNPACKED_BYTES
from tests.households.test_import import HEADER, as_csv, as_xlsx, people

SHEET = "xl/worksheets/sheet1.xml"


def rewritten(data: bytes, member: str, change: Callable[[bytes], bytes | None]) -> bytes:
    """The .xlsx with one member's XML changed (or left out, for None), compressed as Excel
    would."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            body: bytes | None = source.read(info.filename)
            if info.filename == member:
                body = change(body)  # type: ignore[arg-type]
            if body is not None:
                target.writestr(info.filename, body, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def refusal(filename: str, data: bytes) -> str:
    with pytest.raises(ValidationFailed) as refused:
        read_table(filename, data)
    return str(refused.value.fields["file"])


def upload_answer(client: Any, data: bytes, name: str) -> Any:
    return client.post(
        "/households/import",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


# --- Caps before padding ---------------------------------------------------------------------


def test_a_wide_csv_is_refused_at_its_columns_before_a_row_is_padded() -> None:
    header = [*HEADER, *(f"extra {i}" for i in range(1000))]
    data = as_csv(people(600), header=header)
    assert refusal("wide.csv", data) == f"at most {MAX_COLUMNS} columns"


def test_a_narrow_csv_with_a_long_empty_tail_is_read_at_its_real_width() -> None:
    data = as_csv([[*row, *[""] * 5000] for row in people(4)], header=[*HEADER, *[""] * 5000])
    header, rows = read_table("tail.csv", data)
    assert header == HEADER and {len(r) for r in rows} == {len(HEADER)}


def test_rows_times_columns_past_the_cell_cap_are_refused() -> None:
    width = 30
    rows = [[*row, *(["x"] * (width - len(row)))] for row in people(MAX_CELLS // width + 10)]
    header = [*HEADER, *(f"c{i}" for i in range(width - len(HEADER)))]
    assert refusal("many.csv", as_csv(rows, header=header)).startswith("at most 500,000 cells")


def test_the_sheets_dimension_is_not_believed() -> None:
    """A 3 KB file claiming every column of Excel is read as the 9 columns it holds."""
    claims = rewritten(
        as_xlsx(people(2)),
        SHEET,
        lambda xml: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', xml),
    )
    assert b"XFD1048576" in zipfile.ZipFile(io.BytesIO(claims)).read(SHEET)
    header, rows = read_table("claims.xlsx", claims)
    assert header == HEADER and len(rows) == 2 and {len(r) for r in rows} == {len(HEADER)}


def test_a_cell_far_to_the_right_is_refused_not_padded_to() -> None:
    far = rewritten(
        as_xlsx(people(2)),
        SHEET,
        lambda xml: xml.replace(
            b"</row>", b'<c r="XFD2" t="inlineStr"><is><t>far</t></is></c></row>', 2
        ),
    )
    assert refusal("far.xlsx", far) == f"at most {MAX_COLUMNS} columns"


# --- Files that unpack or parse into trouble -------------------------------------------------


def _whitespace_bomb(xml: bytes) -> bytes:
    return xml.replace(b"<sheetData>", b"<sheetData>" + b" " * (MAX_UNPACKED_BYTES + 1))


def _entities(xml: bytes) -> bytes:
    doctype = b'<!DOCTYPE worksheet [<!ENTITY who "Olena">]>'
    return doctype + xml.replace(b"<t>Given", b"<t>&who;Given", 1)


def _no_sheet(xml: bytes) -> bytes:
    return re.sub(rb"<sheets>.*</sheets>", b"<sheets/>", xml)


def _left_out(xml: bytes) -> None:
    return None


def _bad_xml(xml: bytes) -> bytes:
    return xml[: xml.index(b'<row r="3"') + 10]


def _not_a_number(xml: bytes) -> bytes:
    return xml.replace(b"</row>", b'<c r="J2" t="n"><v>twelve</v></c></row>', 2)


def _not_a_date(xml: bytes) -> bytes:
    return xml.replace(b"</row>", b'<c r="J2" t="d"><v>someday</v></c></row>', 2)


@pytest.mark.parametrize(
    ("member", "change", "message"),
    [
        (SHEET, _whitespace_bomb, f"unpacks to more than {MAX_UNPACKED_BYTES // 2**20} MB"),
        (SHEET, _entities, "declares XML entities"),
        ("xl/workbook.xml", _no_sheet, "no sheet"),
        (SHEET, _left_out, "no sheet"),
        (SHEET, _bad_xml, "damaged"),
        (SHEET, _not_a_number, "damaged"),
        (SHEET, _not_a_date, "damaged"),
    ],
    ids=[
        "whitespace-bomb",
        "entities",
        "no-sheet",
        "sheet-left-out",
        "bad-xml",
        "not-a-number",
        "not-a-date",
    ],
)
def test_a_hostile_or_broken_workbook_is_a_422_with_a_message(
    login: Any, member: str, change: Callable[[bytes], bytes | None], message: str
) -> None:
    data = rewritten(as_xlsx(people(4)), member, change)
    assert len(data) < 200_000  # small on the wire, whatever it unpacks to
    assert message in refusal("hostile.xlsx", data)
    answer = upload_answer(login("coordinator"), data, "hostile.xlsx")
    assert answer.status_code == 422
    assert message in answer.text and '<small class="error">' in answer.text
