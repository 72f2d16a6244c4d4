from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, render_template, request

from app import context
from app.auth.access import COORDINATOR, allow
from app.desk.models import AGE_BANDS
from app.extensions import db
from app.reports.api import xlsx_download
from app.reports.services import daily_counts

bp = Blueprint("reports", __name__, url_prefix="/reports")


def _day() -> date:
    try:
        return date.fromisoformat(request.args.get("date", ""))
    except ValueError:
        return context.today()


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
