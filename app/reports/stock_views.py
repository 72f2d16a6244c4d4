"""Reports shown among the stock pages, under /stock: a donor's report, the voucher serials
issued, and minimums set from the desks' recent pace. They read the visits, so they live
above the desk, not in stock/ (decision 0023)."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask import Response as FlaskResponse
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from app import context
from app.auth.access import STOCK, allow
from app.days import day_arg
from app.errors import NotFound
from app.extensions import db
from app.reports import donor_report as reports
from app.reports.minimums import set_missing_minimums
from app.stock import catalog
from app.stock.forms import MinimumsForm
from app.stock.models import Donor
from app.unit_of_work import page_writes
from app.workbook import CSV, XLSX, Label, Table, period_label, title_line, write_csv, write_xlsx

bp = Blueprint("stock_reports", __name__, url_prefix="/stock")


@bp.post("/items/minimums")
@allow(*STOCK)
@page_writes
def set_minimums() -> Response:
    """Set the minimums still at 0 from the recent pace or the entitlement rules."""
    form = MinimumsForm()
    back = request.form.get("back") == "catalog"
    if not form.validate_on_submit():
        flash(_("Say how many households are expected a day (1-10000)."), "error")
    else:
        chosen = set_missing_minimums(
            db.session, today=context.today(), households_a_day=form.households_a_day.data or 1
        )
        if chosen:
            flash(
                _(
                    "Minimums set: %(list)s.",
                    list=", ".join(f"{sku} {n}" for sku, n in chosen.items()),
                ),
                "ok",
            )
        else:
            flash(_("No item without a minimum is handed over under the rules yet."), "error")
    return redirect(url_for("catalog.catalog" if back else "stock.index"))


def _period() -> tuple[date, date]:
    """?from= and ?to= (dd.mm.yyyy as typed, or YYYY-MM-DD from a link); by default this
    month up to today."""
    today = context.today()
    start = day_arg(request.args.get("from")) or today.replace(day=1)
    end = day_arg(request.args.get("to")) or today
    return start, end


@bp.get("/donors/<id:donor_id>/report")
@allow(*STOCK)
def donor_report(donor_id: int) -> str:
    """What a donor gave in a period and how much of it was handed over."""
    donor = db.session.get(Donor, donor_id)
    if donor is None:
        raise NotFound(_("No such donor."))
    start, end = _period()
    report = reports.donor_report(db.session, donor=donor, start=start, end=end)
    return render_template("reports/donor_report.html", report=report)


@bp.get("/donors/<id:donor_id>/report.xlsx")
@allow(*STOCK)
def donor_report_xlsx(donor_id: int) -> FlaskResponse:
    tables, title, name = _donor_file(donor_id)
    body = write_xlsx(tables, title, timezone=_timezone(), one_sheet=_l("Donor report"))
    return _download(body, XLSX, f"{name}.xlsx")


@bp.get("/donors/<id:donor_id>/report.csv")
@allow(*STOCK)
def donor_report_csv(donor_id: int) -> FlaskResponse:
    tables, title, name = _donor_file(donor_id)
    return _download(write_csv(tables, title, timezone=_timezone()), CSV, f"{name}.csv")


def _donor_file(donor_id: int) -> tuple[list[Table], Label, str]:
    donor = db.session.get(Donor, donor_id)
    if donor is None:
        raise NotFound(_("No such donor."))
    start, end = _period()
    report = reports.donor_report(db.session, donor=donor, start=start, end=end)
    title = title_line(
        _l("Donor report: %(donor)s", donor=donor.name),
        _l("all sites"),
        period_label(start, end),
        context.local_now(),
    )
    return reports.donor_tables(report), title, f"aiddesk-donor-{donor.id}-{start}-{end}"


def _timezone() -> str:
    return current_app.config["AID_TIMEZONE"]


@bp.get("/vouchers.xlsx")
@allow(*STOCK)
def voucher_report_xlsx() -> FlaskResponse:
    """The voucher serial report as a workbook: serials issued in the period, per donor."""
    tables, title, name = _voucher_file()
    return _download(write_xlsx(tables, title, timezone=_timezone()), XLSX, f"{name}.xlsx")


@bp.get("/vouchers.csv")
@allow(*STOCK)
def voucher_report_csv() -> FlaskResponse:
    tables, title, name = _voucher_file()
    return _download(write_csv(tables, title, timezone=_timezone()), CSV, f"{name}.csv")


def _voucher_file() -> tuple[list[Table], Label, str]:
    start, end = _period()
    donor = request.args.get("donor", "")[:200]
    issued = reports.issued_vouchers(db.session, donor=donor or None, start=start, end=end)
    period = period_label(start, end)
    title = title_line(
        _l("Voucher serials issued"), donor or _l("all donors"), period, context.local_now()
    )
    return [reports.voucher_table(issued)], title, f"aiddesk-vouchers-{start}-{end}"


def _download(body: bytes, mimetype: str, filename: str) -> FlaskResponse:
    return FlaskResponse(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.get("/vouchers")
@allow(*STOCK)
def voucher_report() -> str:
    """Voucher serials issued in a period, per donor."""
    start, end = _period()
    donor = request.args.get("donor", "")[:200]
    issued = reports.issued_vouchers(db.session, donor=donor or None, start=start, end=end)
    return render_template(
        "reports/vouchers.html",
        issued=issued,
        start=start,
        end=end,
        donor=donor,
        donors=catalog.all_donors(db.session),
    )
