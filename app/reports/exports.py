"""The reports as tables (app.workbook writes them to .xlsx or CSV): the period report, a sheet
per breakdown, and the day's counts.

Labels (sheet names, headers, "Total", notes, the title) are lazily translated and read when
the file is written, in the language of whoever downloads it (or the CLI's --lang).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from app.desk.models import AGE_BANDS
from app.reports.period import PeriodFigures
from app.reports.programmes import programme_tables
from app.reports.services import DailyCounts
from app.workbook import Label, Table, title_line, write_csv, write_xlsx

SEX_LABELS = {"F": _l("Female"), "M": _l("Male"), "X": _l("Other")}
TOTAL = _l("Total")
ALL_SITES = _l("All sites")
SMALL = "<5"


def masked(value: Any, mask_small: bool) -> Any:
    """A count of 1 to 4 shown as "<5" in files shared outside (no one is recognisable)."""
    if mask_small and isinstance(value, int) and not isinstance(value, bool) and 0 < value < 5:
        return SMALL
    return value


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
        *programme_tables(figures.programmes, str(get_locale()), mask=m),
    ]


def daily_tables(counts: DailyCounts) -> list[Table]:
    """The day's counts: its figures, the items handed over, and people by sex and age."""
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
                [
                    _l("Double services (served offline, served elsewhere too)"),
                    counts.double_services,
                ],
                [_l("Served without the card"), counts.served_without_card],
                [_l("Not handed over: the family left"), counts.declined["family_left"]],
                [_l("Not handed over: an item was missing"), counts.declined["item_missing"]],
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
        Table(
            _l("Desks"),
            [
                _l("Desk"),
                _l("Families served on a ticket"),
                _l("Families an hour"),
                _l("Median service time (s)"),
                _l("90th percentile service time (s)"),
            ],
            [[d.desk, d.served, d.per_hour, d.median_seconds, d.p90_seconds] for d in counts.desks],
            notes=[_l("Service time: from the ticket's call to the handover that closed it.")],
        ),
        *programme_tables(counts.programmes, str(get_locale())),
    ]


def daily_file(
    counts: DailyCounts, *, site: Label, exported_at: datetime, timezone: str, extension: str
) -> bytes:
    """The day's counts as .xlsx (on one sheet, a label beside each figure) or as CSV."""
    title = title_line(_l("AidDesk daily report"), site, counts.day.isoformat(), exported_at)
    if extension == "csv":
        return write_csv(daily_tables(counts), title, timezone=timezone)
    return write_xlsx(daily_tables(counts), title, timezone=timezone, one_sheet=_l("Daily report"))
