"""The one writer of spreadsheets: every .xlsx and CSV the app gives out is written here.

A file is a list of Tables. In a workbook each table is a sheet of its own, or (``one_sheet``)
the tables stand one under the other on a single sheet, as they do in the CSV. Cells keep
their types: dates are dates, counts are numbers, so a spreadsheet can add them up.

Two things are held here, once, for every export:
- Text never runs. Names come from people (a donor, an item, a site, a head of household):
  one typed as ``=HYPERLINK(...)`` is a text cell in the workbook, and in the CSV every place
  a formula could start (the field's start, and after each ``;``, where Romanian and Ukrainian
  Excel split a line) gets a leading ``'``.
- Times are the site's local time. Excel has no time zones: an aware datetime is turned into
  the site's zone, then written without it; a naive one is refused, as the database does.

A leaf module (Flask-Babel and openpyxl only), so stock, reports and audit all write with it.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeAlias
from zoneinfo import ZoneInfo

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

Label: TypeAlias = str | LazyString
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv"
_NAIVE = "a time without a zone cannot be written as the site's local time"


@dataclass(frozen=True)
class Table:
    name: Label  # the sheet's name (sheet_title makes it one Excel takes)
    headers: list[Label]
    rows: list[list[Any]]
    totals: list[Any] | None = None
    notes: list[Label] = field(default_factory=list)  # lines under the table


def title_line(report: Label, site: Label, period: Label, exported_at: datetime) -> LazyString:
    return _l(
        "%(report)s · %(site)s · %(period)s · exported %(at)s",
        report=report,
        site=site,
        period=period,
        at=f"{exported_at:%Y-%m-%d %H:%M}",
    )


def period_label(start: date, end: date) -> LazyString:
    return _l("%(start)s to %(end)s", start=start.isoformat(), end=end.isoformat())


# Excel refuses these in a sheet's name, and names longer than 31 characters.
_NOT_IN_SHEET_TITLES = str.maketrans({ch: " " for ch in "[]:*?/\\"})


def sheet_title(name: Label, taken: set[str] | None = None) -> str:
    """A sheet name Excel accepts, from a label in any language: at most 31 characters,
    none of []:*?/\\, and (given the names ``taken``) unlike the others, case aside."""
    title = " ".join(str(name).translate(_NOT_IN_SHEET_TITLES).split())[:31].strip(" '") or "-"
    taken = taken if taken is not None else set()
    candidate, n = title, 1
    while candidate.casefold() in taken:
        n += 1
        candidate = f"{title[: 31 - len(str(n)) - 1]} {n}"
    taken.add(candidate.casefold())
    return candidate


def plain(value: Any) -> Any:
    """A cell's value with its label read now, in the current language."""
    return str(value) if isinstance(value, LazyString) else value


# --- The guards --------------------------------------------------------------------------------

# Where a spreadsheet reading a CSV starts a formula: a field (or, in a locale whose list
# separator is ";", a piece of one) that opens with = + - @, perhaps after blanks or a quote,
# or with a tab or a carriage return.
_FORMULA_AT = re.compile(r"(^|;)(?=[\t\r]|[\s\"]*[=+\-@])")


def guard_csv(text: str) -> str:
    """The text with a ``'`` before every place a formula could start: shown, never run."""
    return _FORMULA_AT.sub(r"\1'", text)


def local_time(moment: datetime, zone: ZoneInfo) -> datetime:
    """The moment as the site's clock showed it, without a zone (Excel has none)."""
    if moment.tzinfo is None:
        raise ValueError(_NAIVE)
    return moment.astimezone(zone).replace(tzinfo=None)


def _value(value: Any, zone: ZoneInfo) -> Any:
    value = plain(value)
    if isinstance(value, datetime):
        return local_time(value, zone)
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)  # control characters no workbook holds
    return value


# --- .xlsx -------------------------------------------------------------------------------------

_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=13)
_FORMATS = {datetime: "yyyy-mm-dd hh:mm", date: "yyyy-mm-dd"}


def _cell(ws: WriteOnlyWorksheet, value: Any, zone: ZoneInfo, font: Font | None = None) -> Any:
    value = _value(value, zone)
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl would write "=..." as a formula: every text stays text
    for kind, number_format in _FORMATS.items():
        if isinstance(value, kind):
            cell.number_format = number_format
            break
    if font is not None:
        cell.font = font
    return cell


def _width(value: Any) -> int:
    value = plain(value)
    if isinstance(value, datetime):
        return 16
    if isinstance(value, date):
        return 10
    return len(str(value)) if value is not None else 0


def _set_widths(ws: WriteOnlyWorksheet, rows: Iterable[Sequence[Any]]) -> None:
    widest: dict[int, int] = {}
    for row in rows:
        for i, value in enumerate(row):
            widest[i] = max(widest.get(i, 0), _width(value))
    for i, width in widest.items():
        ws.column_dimensions[get_column_letter(i + 1)].width = min(max(width + 2, 9), 50)


def _append_table(ws: WriteOnlyWorksheet, table: Table, zone: ZoneInfo) -> None:
    ws.append([_cell(ws, h, zone, _BOLD) for h in table.headers])
    for row in table.rows:
        ws.append([_cell(ws, v, zone) for v in row])
    if table.totals:
        ws.append([_cell(ws, v, zone, _BOLD) for v in table.totals])
    if table.notes:
        ws.append([])
        for note in table.notes:
            ws.append([_cell(ws, note, zone)])


def _body(table: Table) -> list[Sequence[Any]]:
    return [table.headers, *table.rows, *([table.totals] if table.totals else [])]


def _refuse_naive_times(tables: Sequence[Table]) -> None:
    # Checked before the workbook is opened: a half-written one would be left behind.
    for table in tables:
        for row in _body(table):
            for value in row:
                if isinstance(value, datetime) and value.tzinfo is None:
                    raise ValueError(_NAIVE)


def write_xlsx(
    tables: Sequence[Table], title: Label, *, timezone: str, one_sheet: Label | None = None
) -> bytes:
    """A workbook of the tables: one sheet each, their title and header frozen in view; or,
    given ``one_sheet``, a sheet of that name with the tables one under the other, each under
    its name. Write-only: rows stream to the file, so a year of a busy site does not sit in
    memory as cell objects."""
    zone = ZoneInfo(timezone)
    _refuse_naive_times(tables)
    wb = Workbook(write_only=True)
    if one_sheet is not None:
        ws = wb.create_sheet(sheet_title(one_sheet))
        _set_widths(ws, [row for table in tables for row in _body(table)])
        ws.append([_cell(ws, title, zone, _TITLE)])
        for table in tables:
            ws.append([])
            ws.append([_cell(ws, table.name, zone, _BOLD)])
            _append_table(ws, table, zone)
    taken: set[str] = set()
    for table in tables if one_sheet is None else ():
        ws = wb.create_sheet(sheet_title(table.name, taken))
        ws.freeze_panes = "A3"  # the title and the header stay in view
        _set_widths(ws, _body(table))
        ws.append([_cell(ws, title, zone, _TITLE)])
        _append_table(ws, table, zone)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- CSV ---------------------------------------------------------------------------------------


def _text(value: Any, zone: ZoneInfo) -> Any:
    value = _value(value, zone)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return guard_csv(value)
    return value


def write_csv(tables: Sequence[Table], title: Label, *, timezone: str) -> bytes:
    """The tables one under the other, a blank line between; UTF-8 with a byte-order mark so
    Excel reads Cyrillic and Romanian letters right. Dates are written YYYY-MM-DD."""
    zone = ZoneInfo(timezone)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_text(title, zone)])
    for table in tables:
        writer.writerow([])
        writer.writerow([_text(table.name, zone)])
        writer.writerow([_text(h, zone) for h in table.headers])
        writer.writerows([[_text(v, zone) for v in row] for row in table.rows])
        if table.totals:
            writer.writerow([_text(v, zone) for v in table.totals])
        for note in table.notes:
            writer.writerow([_text(note, zone)])
    return out.getvalue().encode("utf-8-sig")


def write_csv_rows(
    headers: Sequence[str], rows: Iterable[Sequence[Any]], *, timezone: str
) -> bytes:
    """One bare table for other programs to read: the header row first, no title; UTF-8
    with a byte-order mark, the same guards."""
    zone = ZoneInfo(timezone)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_text(h, zone) for h in headers])
    writer.writerows([_text(v, zone) for v in row] for row in rows)
    return out.getvalue().encode("utf-8-sig")
