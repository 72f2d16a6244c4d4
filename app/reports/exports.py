"""Reports as files: tables written to .xlsx (openpyxl, write-only) or to CSV with a BOM.

A report is a list of Tables; each becomes a sheet of the workbook, or a section of the CSV.
Cells keep their types: dates are dates, counts are numbers, so a spreadsheet can add them up.
Each sheet opens with a title row (what, where, when exported), then its header row, frozen.

Labels (sheet names, headers, "Total", notes, the title) are lazily translated and read when
the file is written, in the language of whoever downloads it (or the CLI's --lang).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask_babel import LazyString, get_locale
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from app.desk.models import AGE_BANDS
from app.reports.period import PeriodFigures
from app.reports.services import DailyCounts

Label = str | LazyString
SEX_LABELS = {"F": _l("Female"), "M": _l("Male"), "X": _l("Other")}
TOTAL = _l("Total")
ALL_SITES = _l("All sites")
SMALL = "<5"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv"


@dataclass(frozen=True)
class Table:
    name: Label  # the sheet's name (sheet_title makes it one Excel takes)
    headers: list[Label]
    rows: list[list[Any]]
    totals: list[Any] | None = None
    notes: list[Label] = field(default_factory=list)  # lines under the table


def masked(value: Any, mask_small: bool) -> Any:
    """A count of 1 to 4 shown as "<5" in files shared outside (no one is recognisable)."""
    if mask_small and isinstance(value, int) and not isinstance(value, bool) and 0 < value < 5:
        return SMALL
    return value


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


# --- The period report as tables -------------------------------------------------------------


def period_tables(figures: PeriodFigures, *, mask_small: bool = False) -> list[Table]:
    m = lambda n: masked(n, mask_small)  # noqa: E731 - a short local alias keeps rows readable
    days = [
        [
            d.day,
            m(d.households_served),
            m(d.people_served),
            m(d.new_households),
            m(d.households_refused),
            m(d.people_with_disability),
        ]
        for d in figures.days
    ]
    skus = [sku for sku, _ in figures.items]
    return [
        Table(
            _l("Days"),
            [
                _l("Date"),
                _l("Households served"),
                _l("People served"),
                _l("New households"),
                _l("Households refused"),
                _l("People with a disability"),
            ],
            days,
            totals=[
                TOTAL,
                m(figures.visits),
                m(figures.people_served),
                m(figures.new_households),
                m(figures.households_refused),
                m(figures.people_with_disability),
            ],
        ),
        Table(
            _l("Summary"),
            [_l("Figure"), _l("Value")],
            [
                [_l("Visits"), m(figures.visits)],
                [_l("Distinct households"), m(figures.distinct_households)],
                [_l("Distinct people"), m(figures.distinct_people)],
                [_l("People served"), m(figures.people_served)],
                [_l("New households"), m(figures.new_households)],
                [_l("Households refused"), m(figures.households_refused)],
                [_l("People with a disability (per visit)"), m(figures.people_with_disability)],
                [
                    _l("Distinct people with a disability"),
                    m(figures.distinct_people_with_disability),
                ],
            ],
            notes=[
                _l("Visits count each handover; distinct households and people count each once."),
                _l("Each visit counts the household as it was on the day of the visit."),
            ],
        ),
        Table(
            _l("Sex and age"),
            [_l("Sex"), *AGE_BANDS, TOTAL],
            [
                [SEX_LABELS[sex], *(m(n) for n in row), m(sum(row))]
                for sex, row in figures.sex_age_table()
            ],
            totals=[
                TOTAL,
                *(m(sum(row[i] for _, row in figures.sex_age_table())) for i in range(5)),
                m(figures.people_served),
            ],
            notes=[_l("People served, counted at each visit.")],
        ),
        Table(
            _l("Disability"),
            [_l("Date"), _l("People with a disability")],
            [[d.day, m(d.people_with_disability)] for d in figures.days],
            totals=[TOTAL, m(figures.people_with_disability)],
            notes=[
                _l(
                    _l("Distinct people with a disability over the period: %(n)s"),
                    n=m(figures.distinct_people_with_disability),
                )
            ],
        ),
        Table(
            _l("Items per day"),
            [_l("Date"), *skus, TOTAL],
            [
                [
                    d.day,
                    *(m(figures.items_by_day.get(d.day, {}).get(sku, 0)) for sku in skus),
                    m(sum(figures.items_by_day.get(d.day, {}).values())),
                ]
                for d in figures.days
            ],
            totals=[
                TOTAL,
                *(m(q) for _, q in figures.items),
                m(sum(q for _, q in figures.items)),
            ],
        ),
        Table(
            _l("Items"),
            [_l("SKU"), _l("Item"), _l("Quantity")],
            [[sku, figures.name_of(sku, str(get_locale())), m(q)] for sku, q in figures.items],
            totals=[TOTAL, "", m(sum(q for _, q in figures.items))],
        ),
        Table(
            _l("Registrations"),
            [_l("Date"), _l("New households")],
            [[d.day, m(d.new_households)] for d in figures.days],
            totals=[TOTAL, m(figures.new_households)],
        ),
        Table(
            _l("Refusals"),
            [_l("Date"), _l("Households refused")],
            [[d.day, m(d.households_refused)] for d in figures.days],
            totals=[TOTAL, m(figures.households_refused)],
            notes=[_l("A household turned away several times on one day counts once.")],
        ),
    ]


def daily_tables(counts: DailyCounts) -> list[Table]:
    """The day's counts as the daily workbook shows them, for the CSV."""
    return [
        Table(
            _l("Daily report"),
            [_l("Figure"), _l("Value")],
            [
                [_l("Date"), counts.day],
                [_l("Households served"), counts.households_served],
                [_l("People served"), counts.people_served],
                [_l("New households"), counts.new_households],
                [_l("Households refused"), counts.households_refused],
            ],
        ),
        Table(
            _l("Items"),
            [_l("SKU"), _l("Quantity"), _l("Item")],
            [[sku, q, name] for sku, name, q in counts.item_rows(str(get_locale()))],
        ),
        Table(
            _l("Sex and age"),
            [_l("Sex"), *AGE_BANDS, TOTAL],
            [[SEX_LABELS[sex], *row, sum(row)] for sex, row in counts.sex_age_table()],
        ),
    ]


# --- Writers ---------------------------------------------------------------------------------

_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=13)
_FORMATS = {datetime: "yyyy-mm-dd hh:mm", date: "yyyy-mm-dd"}


def _width(value: Any) -> int:
    value = plain(value)
    if isinstance(value, datetime):
        return 16
    if isinstance(value, date):
        return 10
    return len(str(value)) if value is not None else 0


# A text that a spreadsheet would run as a formula (a name typed as "=HYPERLINK(...)").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(ws: WriteOnlyWorksheet, value: Any, font: Font | None = None) -> WriteOnlyCell:
    value = plain(value)
    if isinstance(value, datetime):
        value = value.replace(tzinfo=None)  # Excel has no time zones: the site's local time
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # openpyxl would write it as a formula: keep it text
    for kind, number_format in _FORMATS.items():
        if isinstance(value, kind):
            cell.number_format = number_format
            break
    if font is not None:
        cell.font = font
    return cell


def write_xlsx(tables: Sequence[Table], title: Label) -> bytes:
    """A workbook of the tables, one sheet each. Write-only: rows stream to the file, so a
    year of a busy site does not sit in memory as cell objects."""
    wb = Workbook(write_only=True)
    taken: set[str] = set()
    title = str(title)
    for table in tables:
        ws = wb.create_sheet(sheet_title(table.name, taken))
        ws.freeze_panes = "A3"  # the title and the header stay in view
        every_row = [table.headers, *table.rows, *([table.totals] if table.totals else [])]
        for i in range(len(table.headers)):
            widest = max(_width(row[i]) for row in every_row if i < len(row))
            ws.column_dimensions[get_column_letter(i + 1)].width = min(max(widest + 2, 9), 50)
        ws.append([_cell(ws, title, _TITLE)])
        ws.append([_cell(ws, h, _BOLD) for h in table.headers])
        for row in table.rows:
            ws.append([_cell(ws, v) for v in row])
        if table.totals:
            ws.append([_cell(ws, v, _BOLD) for v in table.totals])
        if table.notes:
            ws.append([])
            for note in table.notes:
                ws.append([str(note)])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def write_csv(tables: Sequence[Table], title: Label) -> bytes:
    """The tables one under the other, a blank line between; UTF-8 with a byte-order mark so
    Excel reads Cyrillic and Romanian letters right. Dates are written YYYY-MM-DD."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([str(title)])
    for table in tables:
        writer.writerow([])
        writer.writerow([str(table.name)])
        writer.writerow([_text(h) for h in table.headers])
        writer.writerows([[_text(v) for v in row] for row in table.rows])
        if table.totals:
            writer.writerow([_text(v) for v in table.totals])
        for note in table.notes:
            writer.writerow([str(note)])
    return out.getvalue().encode("utf-8-sig")


def _text(value: Any) -> Any:
    value = plain(value)
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value  # shown as text, never run as a formula
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return value
