from __future__ import annotations

from datetime import date
from typing import Any, Literal

from flask import Blueprint, Response, current_app, jsonify, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from pydantic import Field

from app import context
from app.api import parse_day, query_model
from app.api.docs import Answer, Media, doc
from app.api.types import Body
from app.auth.access import COORDINATOR, allow
from app.days import NotADay
from app.days import parse_day as parse_typed_day
from app.errors import NotFound, ValidationFailed
from app.extensions import db
from app.names import every_name
from app.programmes.services import find_programme
from app.reports.exports import ALL_SITES, daily_file, masked, period_tables
from app.reports.period import PeriodFigures, check_period, find_site, period_figures
from app.reports.programmes import ProgrammeFigures, programme_figures, programme_tables
from app.reports.served import served_on, served_table
from app.reports.services import daily_counts
from app.sites.models import Site
from app.workbook import CSV, XLSX, period_label, title_line, write_csv, write_xlsx

bp = Blueprint("reports", __name__)
SPREADSHEET = {200: Media(XLSX)}


class DayQuery(Body):
    """?date=YYYY-MM-DD, today when left out."""

    date: str | None = None


class PeriodQuery(Body):
    """?from=&to= (days written YYYY-MM-DD), ?site=CODE (none: all sites), ?small=mask."""

    from_: str = Field(alias="from")
    to: str
    site: str | None = None
    small: Literal["", "show", "mask"] = ""


class ServedQuery(DayQuery):
    site: str | None = None


class ItemCount(Answer):
    sku: str
    quantity: int
    name: str  # in the caller's language
    names: dict[str, str] | None = None  # the daily report: {"en", "ro", "uk"}


class SexAgeCount(Answer):
    sex: str
    age_band: str
    people: int


class DeskCount(Answer):
    desk: str
    served: int
    per_hour: float
    median_seconds: int | None
    p90_seconds: int | None


class ProgrammeItemCount(Answer):
    sku: str
    due: int
    given: int
    unmet: int  # due and not on hand
    declined: int  # unticked at the desk: the family did not take it


class ProgrammeCount(Answer):
    code: str
    name: str  # in the caller's language
    households_served: int
    people_served: int
    new_enrolments: int
    items: list[ProgrammeItemCount]


class DailyOut(Answer):
    date: date
    households_served: int
    people_served: int
    new_households: int
    households_refused: int
    served_without_card: int  # handed over to a household found by name, without its card
    households_declined: dict[str, int]  # ELIGIBLE, not handed over, by reason
    double_services: int  # handed over offline to a household served elsewhere (0029)
    items: list[ItemCount]
    by_sex_age: list[SexAgeCount]
    desks: list[DeskCount]  # each desk's day on the queue's tickets (decision 0032)
    programmes: list[ProgrammeCount]  # per programme (decision 0034)


class DayOut(Answer):
    date: date
    households_served: int
    people_served: int
    new_households: int
    households_refused: int
    people_with_disability: int


class PeriodOut(Answer):
    from_: date = Field(alias="from")
    to: date
    site: str | None
    visits: int
    distinct_households: int
    distinct_people: int
    people_served: int
    new_households: int
    households_refused: int
    people_with_disability: int
    distinct_people_with_disability: int
    items: list[ItemCount]
    by_sex_age: list[SexAgeCount]
    days: list[DayOut]
    programmes: list[ProgrammeCount]  # per programme (decision 0034)


class ProgrammeQuery(PeriodQuery):
    """A period's figures per programme; ?programme=CODE keeps one (a partner's export)."""

    programme: str | None = None


def _day() -> date:
    if "date" not in request.args:
        return context.today()
    return parse_day(request.args["date"])


@bp.get("/reports/daily")
@doc(query=DayQuery, responses={200: DailyOut})
@allow(*COORDINATOR)
def daily() -> Response:
    query_model(DayQuery, request.args.to_dict())
    counts = daily_counts(db.session, _day())
    return jsonify(
        date=counts.day.isoformat(),
        households_served=counts.households_served,
        people_served=counts.people_served,
        new_households=counts.new_households,
        households_refused=counts.households_refused,
        served_without_card=counts.served_without_card,
        households_declined=counts.declined,
        double_services=counts.double_services,
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
        desks=[
            {
                "desk": d.desk,
                "served": d.served,
                "per_hour": d.per_hour,
                "median_seconds": d.median_seconds,
                "p90_seconds": d.p90_seconds,
            }
            for d in counts.desks
        ],
        programmes=programmes_json(counts.programmes),
    )


def programmes_json(figures: list[ProgrammeFigures]) -> list[dict[str, Any]]:
    language = str(get_locale())
    return [
        {
            "code": p.code,
            "name": p.name_in(language),
            "households_served": p.households,
            "people_served": p.people,
            "new_enrolments": p.new_enrolments,
            "items": [
                {
                    "sku": i.sku,
                    "due": i.due,
                    "given": i.given,
                    "unmet": i.unmet,
                    "declined": i.declined,
                }
                for i in p.items
            ],
        }
        for p in figures
    ]


@bp.get("/reports/daily.xlsx")
@doc(query=DayQuery, responses=SPREADSHEET)
@allow(*COORDINATOR)
def daily_xlsx() -> Response:
    query_model(DayQuery, request.args.to_dict())
    return xlsx_download(_day())


def xlsx_download(day: date) -> Response:
    """The day's Excel file, as the API and the page both serve it."""
    counts = daily_counts(db.session, day)
    body = daily_file(
        counts,
        site=ALL_SITES,
        exported_at=context.local_now(),
        timezone=current_app.config["AID_TIMEZONE"],
        extension="xlsx",
    )
    filename = f"aiddesk-daily-{day.isoformat()}.xlsx"
    return Response(
        body, mimetype=XLSX, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


# --- A period, and the households served on a day --------------------------------------------


def _required_day(field: str, typed: bool = False) -> date:
    """The API's day (YYYY-MM-DD); ``typed``: the page's form, day first (app.days)."""
    value = request.args.get(field, "")
    if typed:
        try:
            day = parse_typed_day(value)
        except NotADay as exc:
            raise ValidationFailed({field: exc.args[0]}) from None
        if day is not None:
            return day
    if not value:
        raise ValidationFailed({field: _l("a date written YYYY-MM-DD is required")})
    return parse_day(value, field)


def _mask_small() -> bool:
    """?small=mask shows counts under 5 as "<5", for files shared outside."""
    value = request.args.get("small", "")
    if value not in ("", "show", "mask"):
        raise ValidationFailed({"small": _l("show or mask")})
    return value == "mask"


def requested_period(typed: bool = False) -> PeriodFigures:
    """The figures of ?from=&to=&site= (no site: all sites); ``typed``: see _required_day."""
    start, end = _required_day("from", typed), _required_day("to", typed)
    site = find_site(db.session, request.args.get("site"))
    return period_figures(db.session, start, end, site)


def _download(body: bytes, mimetype: str, filename: str) -> Response:
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def period_download(extension: str, typed: bool = False) -> Response:
    """The period report as .xlsx or .csv, as the API and the page (``typed``) serve it."""
    mask = _mask_small()
    figures = requested_period(typed)
    site = figures.site.name if figures.site else ALL_SITES
    period = period_label(figures.start, figures.end)
    title = title_line(_l("AidDesk period report"), site, period, context.local_now())
    tables = period_tables(figures, mask_small=mask)
    code = figures.site.code if figures.site else "all"
    filename = f"aiddesk-period-{code}-{figures.start.isoformat()}-{figures.end.isoformat()}"
    timezone = current_app.config["AID_TIMEZONE"]
    if extension == "csv":
        return _download(write_csv(tables, title, timezone=timezone), CSV, f"{filename}.csv")
    return _download(write_xlsx(tables, title, timezone=timezone), XLSX, f"{filename}.xlsx")


def served_download(extension: str) -> Response:
    """The households served on ?date= (default today) at ?site= (default all sites)."""
    day = _day()
    site = find_site(db.session, request.args.get("site"))
    timezone = current_app.config["AID_TIMEZONE"]
    rows = served_on(db.session, day, site, timezone)
    title = title_line(
        _l("AidDesk households served"),
        site.name if site else ALL_SITES,
        day.isoformat(),
        context.local_now(),
    )
    filename = f"aiddesk-served-{site.code if site else 'all'}-{day.isoformat()}"
    tables = [served_table(rows)]
    if extension == "csv":
        return _download(write_csv(tables, title, timezone=timezone), CSV, f"{filename}.csv")
    return _download(write_xlsx(tables, title, timezone=timezone), XLSX, f"{filename}.xlsx")


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
        "programmes": programmes_json(figures.programmes),
    }


@bp.get("/reports/period")
@doc(query=PeriodQuery, responses={200: PeriodOut})
@allow(*COORDINATOR)
def period() -> Response:
    query_model(PeriodQuery, request.args.to_dict())
    return jsonify(period_json(requested_period()))


@bp.get("/reports/period.xlsx")
@doc(query=PeriodQuery, responses=SPREADSHEET)
@allow(*COORDINATOR)
def period_xlsx() -> Response:
    query_model(PeriodQuery, request.args.to_dict())
    return period_download("xlsx")


@bp.get("/reports/period.csv")
@doc(query=PeriodQuery, responses={200: Media(CSV)})
@allow(*COORDINATOR)
def period_csv() -> Response:
    query_model(PeriodQuery, request.args.to_dict())
    return period_download("csv")


@bp.get("/reports/served.xlsx")
@doc(query=ServedQuery, responses=SPREADSHEET)
@allow(*COORDINATOR)
def served_xlsx() -> Response:
    query_model(ServedQuery, request.args.to_dict())
    return served_download("xlsx")


@bp.get("/reports/served.csv")
@doc(query=ServedQuery, responses={200: Media(CSV)})
@allow(*COORDINATOR)
def served_csv() -> Response:
    query_model(ServedQuery, request.args.to_dict())
    return served_download("csv")


def requested_programmes(
    typed: bool = False,
) -> tuple[date, date, Site | None, list[ProgrammeFigures]]:
    """The figures of ?from=&to=&site=&programme= per programme."""
    start, end = _required_day("from", typed), _required_day("to", typed)
    check_period(start, end)
    site = find_site(db.session, request.args.get("site"))
    code = (request.args.get("programme") or "").strip().upper()[:20] or None
    if code is not None:
        find_programme(db.session, code)  # 404 for a code that is not a programme
    figures = programme_figures(db.session, start, end, site.id if site else None, code)
    return start, end, site, figures


def programmes_download(extension: str, typed: bool = False) -> Response:
    """The figures per programme as .xlsx or .csv: with ?programme=CODE, one programme's
    alone, the file a partner is sent (its budget, not the others')."""
    mask = _mask_small()
    start, end, site, figures = requested_programmes(typed)
    one = figures[0].code if len(figures) == 1 and request.args.get("programme") else "all"
    title = title_line(
        _l("AidDesk programmes report") if one == "all" else f"AidDesk {one}",
        site.name if site else ALL_SITES,
        period_label(start, end),
        context.local_now(),
    )
    tables = programme_tables(
        figures, str(get_locale()), mask=lambda n: masked(n, mask) if mask else n
    )
    filename = f"aiddesk-programmes-{one}-{start.isoformat()}-{end.isoformat()}"
    timezone = current_app.config["AID_TIMEZONE"]
    if extension == "csv":
        return _download(write_csv(tables, title, timezone=timezone), CSV, f"{filename}.csv")
    return _download(write_xlsx(tables, title, timezone=timezone), XLSX, f"{filename}.xlsx")


@bp.get("/reports/programmes")
@doc(query=ProgrammeQuery, responses={200: list[ProgrammeCount]}, errors=(NotFound,))
@allow(*COORDINATOR)
def programmes() -> Response:
    """Per programme over a period: households and people served, new enrolments, and per
    item what was due, given, unmet and not taken."""
    query_model(ProgrammeQuery, request.args.to_dict())
    return jsonify(programmes_json(requested_programmes()[3]))


@bp.get("/reports/programmes.xlsx")
@doc(query=ProgrammeQuery, responses=SPREADSHEET, errors=(NotFound,))
@allow(*COORDINATOR)
def programmes_xlsx() -> Response:
    query_model(ProgrammeQuery, request.args.to_dict())
    return programmes_download("xlsx")


@bp.get("/reports/programmes.csv")
@doc(query=ProgrammeQuery, responses={200: Media(CSV)}, errors=(NotFound,))
@allow(*COORDINATOR)
def programmes_csv() -> Response:
    query_model(ProgrammeQuery, request.args.to_dict())
    return programmes_download("csv")
