from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, render_template, request, url_for
from flask_babel import gettext as _

from app import context
from app.auth.access import COORDINATOR, allow
from app.days import day_arg, show_day
from app.desk.models import AGE_BANDS
from app.errors import ValidationFailed
from app.extensions import db
from app.reports import charts
from app.reports.api import (
    period_download,
    programmes_download,
    requested_period,
    served_download,
    xlsx_download,
)
from app.reports.dashboard import dashboard_json, live_dashboard
from app.reports.forecast import StockForecast, low_stock_forecast
from app.reports.period import find_site, period_figures
from app.reports.programmes import ProgrammeFigures, programme_figures
from app.reports.services import daily_counts
from app.sites.models import Site
from app.tickets.display import display_token
from app.tickets.figures import desk_figures, line_figures

bp = Blueprint("reports", __name__, url_prefix="/reports")
CHART_DAYS = (30, 90)


def _day() -> date:
    return day_arg(request.args.get("date")) or context.today()


def _sites() -> list[Site]:
    return list(db.session.scalars(db.select(Site).order_by(Site.name)))


@bp.get("/today")
@allow(*COORDINATOR)
def today() -> str:
    day = _day()
    counts = daily_counts(db.session, day)
    return render_template("reports/today.html", counts=counts, day=day, bands=AGE_BANDS)


@bp.get("/daily.xlsx")
@allow(*COORDINATOR)
def daily_xlsx() -> Response:
    return xlsx_download(_day())


@bp.get("/period")
@allow(*COORDINATOR)
def period_page() -> tuple[str, int]:
    """The form, and the figures once a period is asked for (this month until today at first)."""
    day = context.today()
    asked = {"from": show_day(day.replace(day=1)), "to": show_day(day), "site": ""}
    asked |= {k: request.args[k] for k in asked if k in request.args}
    figures, problems = None, {}
    if "from" in request.args:
        try:
            figures = requested_period(typed=True)
        except ValidationFailed as exc:
            problems = exc.fields
    return render_template(
        "reports/period.html",
        asked=asked,
        figures=figures,
        problems=problems,
        sites=_sites(),
        bands=AGE_BANDS,
        # A partner's file: its programme's figures alone (issue 17).
        download=lambda code: _partner_file(asked, code),
    ), (422 if problems else 200)


def _partner_file(asked: dict[str, str], code: str) -> str:
    """The link to one programme's figures over the period asked, for its partner."""
    args: dict[str, Any] = {**asked, "programme": code}
    return url_for("reports.programmes_xlsx", **args)


@bp.get("/period.xlsx")
@allow(*COORDINATOR)
def period_xlsx() -> Response:
    return period_download("xlsx", typed=True)


@bp.get("/period.csv")
@allow(*COORDINATOR)
def period_csv() -> Response:
    return period_download("csv", typed=True)


@bp.get("/programmes.xlsx")
@allow(*COORDINATOR)
def programmes_xlsx() -> Response:
    """The period per programme; ?programme=CODE: one programme's, for its partner."""
    return programmes_download("xlsx", typed=True)


@bp.get("/programmes.csv")
@allow(*COORDINATOR)
def programmes_csv() -> Response:
    return programmes_download("csv", typed=True)


@bp.get("/served.xlsx")
@allow(*COORDINATOR)
def served_xlsx() -> Response:
    return served_download("xlsx")


@bp.get("/served.csv")
@allow(*COORDINATOR)
def served_csv() -> Response:
    return served_download("csv")


def _board_site() -> Site | None:
    try:
        return find_site(db.session, request.args.get("site"))
    except ValidationFailed:
        return None


@bp.get("/dashboard")
@allow(*COORDINATOR)
def dashboard() -> str:
    site = _board_site()
    board = live_dashboard(
        db.session, now=context.now(), timezone=current_app.config["AID_TIMEZONE"], site=site
    )
    # ?poll=N: how often the page asks again, 2 to 60 seconds (a wall screen may want it slower)
    poll = min(max(request.args.get("poll", 15, type=int), 2), 60)
    return render_template(
        "reports/dashboard.html",
        board=board,
        site=site,
        sites=_sites(),
        poll_seconds=poll,
        low_stock=_low_stock(site),
        queue=_queue(site),
        programmes=_programmes(site),
        download=None,
    )


@bp.get("/dashboard.json")
@allow(*COORDINATOR)
def dashboard_data() -> Response:
    """What the dashboard's script polls."""
    site = _board_site()
    board = live_dashboard(
        db.session,
        now=context.now(),
        timezone=current_app.config["AID_TIMEZONE"],
        site=site,
    )
    low_stock = render_template("stock/_low_stock.html", low_stock=_low_stock(site))
    queue = render_template("reports/_queue.html", queue=_queue(site))
    programmes = render_template(
        "reports/_programmes.html", programmes=_programmes(site), download=None
    )
    return jsonify(
        {
            **dashboard_json(board),
            "low_stock_html": low_stock,
            "queue_html": queue,
            "programmes_html": programmes,
        }
    )


def _programmes(site: Site | None) -> list[ProgrammeFigures]:
    """Today per programme: served, and due, given and unmet per item (issue 17)."""
    today = context.today()
    return programme_figures(db.session, today, today, site.id if site else None)


def _queue(site: Site | None) -> dict[str, object]:
    """The queue now (this server's site when the board shows all): each line's wait and
    pace, each desk's service times today, and the hall screen's address (decision 0031)."""
    site_id = site.id if site else context.site_id()
    today, now = context.today(), context.now()
    return {
        "lines": line_figures(db.session, site_id=site_id, day=today, now=now),
        "desks": desk_figures(db.session, day=today, site_id=site_id),
        "hall": url_for("queue.hall", display=display_token(), _external=True),
    }


def _low_stock(site: Site | None) -> list[StockForecast]:
    return low_stock_forecast(db.session, site_id=site.id if site else None, now=context.now())


@bp.get("/charts")
@allow(*COORDINATOR)
def charts_page() -> str:
    days = request.args.get("days", type=int)
    days = days if days in CHART_DAYS else CHART_DAYS[0]
    site = _board_site()
    end = context.today()
    figures = period_figures(db.session, end - timedelta(days=days - 1), end, site)
    sexes = {"F": _("Female"), "M": _("Male"), "X": _("Other")}
    households, people = _("Households"), _("People")
    categories = {
        "food": _("Food"),
        "hygiene": _("Hygiene"),
        "baby": _("Baby"),
        "clothing": _("Clothing"),
        "voucher": _("Vouchers"),
        "medical_voucher": _("Medical vouchers"),
        "other": _("Other"),
    }
    made = [
        (_("Served per day"), charts.served_per_day(figures, households, people)),
        (_("People served by sex and age band"), charts.people_by_sex_and_age(figures, sexes)),
        (
            _("Items handed over per day, by category"),
            charts.items_per_day_by_category(figures, categories),
        ),
        (_("New households per week"), charts.registrations_per_week(figures, households)),
    ]
    return render_template(
        "reports/charts.html",
        charts=[(title, chart, charts.svg(chart, title)) for title, chart in made],
        days=days,
        choices=CHART_DAYS,
        site=site,
        sites=_sites(),
        figures=figures,
    )
