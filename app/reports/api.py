from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, jsonify, request

from app import context
from app.api import parse_day
from app.auth.access import COORDINATOR, allow
from app.extensions import db
from app.reports.excel import daily_workbook
from app.reports.services import daily_counts

bp = Blueprint("reports", __name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
        items=[{"sku": sku, "quantity": quantity} for sku, quantity in counts.items],
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
    body = daily_workbook(counts, site="All sites", exported_at=context.local_now())
    filename = f"aiddesk-daily-{day.isoformat()}.xlsx"
    return Response(
        body, mimetype=XLSX, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )
