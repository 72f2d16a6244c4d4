from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request
from flask_babel import lazy_gettext as _l

from app import context
from app.api import parse_day
from app.auth.access import COORDINATOR, allow
from app.errors import ValidationFailed
from app.extensions import db
from app.names import every_name
from app.reports.excel import daily_workbook
from app.reports.exports import (
    ALL_SITES,
    CSV,
    XLSX,
    period_label,
    period_tables,
    title_line,
    write_csv,
    write_xlsx,
)
from app.reports.period import PeriodFigures, find_site, period_figures
from app.reports.served import served_on, served_table
from app.reports.services import daily_counts

bp = Blueprint("reports", __name__)


def _day() -> date:
    if "date" not in request.args:
        return context.today()
    return parse_day(request.args["date"])


@bp.get("/reports/daily")
@allow(*COORDINATOR)
def daily() -> Response:
    counts = daily_counts(db.session, _day())
    return jsonify(
        date=counts.day.isoformat(),
        households_served=counts.households_served,
        people_served=counts.people_served,
        new_households=counts.new_households,
        households_refused=counts.households_refused,
        items=[
            {
                "sku": sku,
                "quantity": quantity,
                "name": counts.name_of(sku, None),
                "names": every_name(*counts.item_names.get(sku, (sku, {}))),
            }
            for sku, quantity in counts.items
        ],
        by_sex_age=[
            {"sex": sex, "age_band": band, "people": people}
            for (sex, band), people in sorted(counts.by_sex_age.items())
        ],
    )


@bp.get("/reports/daily.xlsx")
@allow(*COORDINATOR)
def daily_xlsx() -> Response:
    return xlsx_download(_day())


def xlsx_download(day: date) -> Response:
    """The day's Excel file, as the API and the page both serve it."""
    counts = daily_counts(db.session, day)
    body = daily_workbook(counts, site=ALL_SITES, exported_at=context.local_now())
    filename = f"aiddesk-daily-{day.isoformat()}.xlsx"
    return Response(
        body, mimetype=XLSX, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


# --- A period, and the households served on a day --------------------------------------------


def _required_day(field: str) -> date:
    value = request.args.get(field)
    if not value:
        raise ValidationFailed({field: _l("a date written YYYY-MM-DD is required")})
    return parse_day(value, field)


def _mask_small() -> bool:
    """?small=mask shows counts under 5 as "<5", for files shared outside."""
    value = request.args.get("small", "")
    if value not in ("", "show", "mask"):
        raise ValidationFailed({"small": _l("show or mask")})
    return value == "mask"


def requested_period() -> PeriodFigures:
    """The figures of ?from=&to=&site= (no site: all sites)."""
    start, end = _required_day("from"), _required_day("to")
    site = find_site(db.session, request.args.get("site"))
    return period_figures(db.session, start, end, site)


def _download(body: bytes, mimetype: str, filename: str) -> Response:
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def period_download(extension: str) -> Response:
    """The period report as .xlsx or .csv, as the API and the page both serve it."""
    mask = _mask_small()
    figures = requested_period()
    site = figures.site.name if figures.site else ALL_SITES
    period = period_label(figures.start, figures.end)
    title = title_line(_l("AidDesk period report"), site, period, context.local_now())
    tables = period_tables(figures, mask_small=mask)
    code = figures.site.code if figures.site else "all"
    filename = f"aiddesk-period-{code}-{figures.start.isoformat()}-{figures.end.isoformat()}"
    if extension == "csv":
        return _download(write_csv(tables, title), CSV, f"{filename}.csv")
    return _download(write_xlsx(tables, title), XLSX, f"{filename}.xlsx")


def served_download(extension: str) -> Response:
    """The households served on ?date= (default today) at ?site= (default all sites)."""
    day = _day()
    site = find_site(db.session, request.args.get("site"))
    rows = served_on(db.session, day, site, current_app.config["AID_TIMEZONE"])
    title = title_line(
        _l("AidDesk households served"),
        site.name if site else ALL_SITES,
        day.isoformat(),
        context.local_now(),
    )
    filename = f"aiddesk-served-{site.code if site else 'all'}-{day.isoformat()}"
    if extension == "csv":
        return _download(write_csv([served_table(rows)], title), CSV, f"{filename}.csv")
    return _download(write_xlsx([served_table(rows)], title), XLSX, f"{filename}.xlsx")


def period_json(figures: PeriodFigures) -> dict[str, Any]:
    return {
        "from": figures.start.isoformat(),
        "to": figures.end.isoformat(),
        "site": figures.site.code if figures.site else None,
        "visits": figures.visits,
        "distinct_households": figures.distinct_households,
        "distinct_people": figures.distinct_people,
        "people_served": figures.people_served,
        "new_households": figures.new_households,
        "households_refused": figures.households_refused,
        "people_with_disability": figures.people_with_disability,
        "distinct_people_with_disability": figures.distinct_people_with_disability,
        "items": [
            {"sku": sku, "quantity": quantity, "name": figures.name_of(sku, None)}
            for sku, quantity in figures.items
        ],
        "by_sex_age": [
            {"sex": sex, "age_band": band, "people": people}
            for (sex, band), people in sorted(figures.by_sex_age.items())
        ],
        "days": [
            {
                "date": d.day.isoformat(),
                "households_served": d.households_served,
                "people_served": d.people_served,
                "new_households": d.new_households,
                "households_refused": d.households_refused,
                "people_with_disability": d.people_with_disability,
            }
            for d in figures.days
        ],
    }


@bp.get("/reports/period")
@allow(*COORDINATOR)
def period() -> Response:
    return jsonify(period_json(requested_period()))


@bp.get("/reports/period.xlsx")
@allow(*COORDINATOR)
def period_xlsx() -> Response:
    return period_download("xlsx")


@bp.get("/reports/period.csv")
@allow(*COORDINATOR)
def period_csv() -> Response:
    return period_download("csv")


@bp.get("/reports/served.xlsx")
@allow(*COORDINATOR)
def served_xlsx() -> Response:
    return served_download("xlsx")


@bp.get("/reports/served.csv")
@allow(*COORDINATOR)
def served_csv() -> Response:
    return served_download("csv")
