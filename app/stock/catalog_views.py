"""Pages of the catalog, the donors and the donations list (the stock blueprint)."""

from __future__ import annotations

from datetime import date

from flask import Response as FlaskResponse
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.wrappers import Response

from app import context
from app.auth.access import STOCK, allow
from app.days import day_arg
from app.errors import DomainError, NotFound
from app.extensions import db
from app.reports import donor_report as reports
from app.reports.minimums import items_without_minimum, set_missing_minimums
from app.stock import catalog
from app.stock.forms import (
    CATEGORY_LABELS,
    DONOR_KIND_CHOICES,
    BarcodeForm,
    DonorForm,
    ItemForm,
    ItemSettingsForm,
    MinimumsForm,
    NamesForm,
    ReversalForm,
)
from app.stock.models import Donor, Item
from app.stock.services import create_item, recent_donations, reverse_donation
from app.stock.views import bp
from app.unit_of_work import page_writes, refuse
from app.workbook import CSV, XLSX, Label, Table, period_label, title_line, write_csv, write_xlsx

DONOR_KINDS = {c.value: c.label for c in DONOR_KIND_CHOICES if c.value}


def _item(sku: str) -> Item:
    item = db.session.scalar(select(Item).where(Item.sku == sku.upper()[:40]))
    if item is None:
        raise NotFound(_("No item with the SKU %(sku)s.", sku=sku[:40]))
    return item


@bp.route("/items", methods=["GET", "POST"], endpoint="catalog")
@allow(*STOCK)
@page_writes
def catalog_page() -> str | Response | tuple[str, int]:
    """The catalog, and a form to add an item."""
    form = ItemForm()
    status = 200
    if form.validate_on_submit():
        try:
            item = create_item(
                db.session,
                form.sku.data or "",
                form.name.data or "",
                form.category.data or "",
                unit=form.unit.data or "piece",
                minimum=form.minimum.data or 0,
                serial_tracked=form.serial_tracked.data,
                names=form.other_names(),
            )
        except DomainError as exc:
            refuse(exc)
            status = 422
        else:
            flash(_("%(name)s added to the catalog.", name=item.name), "ok")
            return redirect(url_for("stock.catalog"))
    elif form.is_submitted():
        status = 422
    items = db.session.scalars(select(Item).order_by(Item.sku)).all()
    return render_template(
        "stock/catalog.html",
        items=items,
        form=form,
        categories=CATEGORY_LABELS,
        **minimums_asked(),
    ), status


def minimums_asked() -> dict[str, object]:
    """The question the stock and catalog pages ask while some items have no minimum."""
    return {
        "without_minimum": items_without_minimum(db.session),
        "minimums_form": MinimumsForm(formdata=None),
    }


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
    return redirect(url_for("stock.catalog" if back else "stock.index"))


@bp.post("/items/<sku>/settings")
@allow(*STOCK)
@page_writes
def item_settings(sku: str) -> Response:
    item = _item(sku)
    form = ItemSettingsForm()
    if not form.validate_on_submit():
        flash(_("Check the item's settings."), "error")
        return redirect(url_for("stock.history", sku=item.sku))
    try:
        catalog.update_item(
            db.session,
            item,
            name=form.name.data or "",
            category=form.category.data or "",
            unit=form.unit.data or "",
            minimum=form.minimum.data or 0,
            serial_tracked=form.serial_tracked.data,
            names=form.other_names(),
        )
    except DomainError as exc:
        refuse(exc)
    else:
        flash(_("Settings saved."), "ok")
    return redirect(url_for("stock.history", sku=item.sku))


@bp.post("/items/<sku>/names")
@allow(*STOCK)
@page_writes
def item_names(sku: str) -> Response:
    """The item's name in each language, from its row on the catalog page."""
    item = _item(sku)
    form = NamesForm()
    if not form.validate_on_submit():
        flash(_("Give the item's name in English."), "error")
        return redirect(url_for("stock.catalog"))
    try:
        catalog.rename_item(db.session, item, form.names())
    except DomainError as exc:
        refuse(exc)
    else:
        flash(_("Names of %(sku)s saved.", sku=item.sku), "ok")
    return redirect(url_for("stock.catalog", _anchor=f"item-{item.sku}"))


@bp.post("/items/<sku>/barcodes")
@allow(*STOCK)
@page_writes
def add_barcode(sku: str) -> Response:
    item = _item(sku)
    form = BarcodeForm()
    if not form.validate_on_submit():
        flash(_("Give the barcode and how many are in one box."), "error")
        return redirect(url_for("stock.history", sku=item.sku))
    try:
        catalog.add_barcode(
            db.session,
            item=item,
            code=form.barcode.data or "",
            pack_quantity=form.pack_quantity.data or 1,
        )
    except DomainError as exc:
        refuse(exc)
    else:
        flash(_("Barcode saved."), "ok")
    return redirect(url_for("stock.history", sku=item.sku))


@bp.get("/donations")
@allow(*STOCK)
def donations() -> str:
    """Recent donations; each can be corrected by a reversing record."""
    return render_template(
        "stock/donations.html", donations=recent_donations(db.session), form=ReversalForm()
    )


@bp.post("/donations/<id:donation_id>/reversal")
@allow(*STOCK)
@page_writes
def reverse(donation_id: int) -> Response:
    form = ReversalForm()
    if not form.validate_on_submit():
        flash(_("Say why the donation is reversed."), "error")
        return redirect(url_for("stock.donations"))
    try:
        reversal = reverse_donation(
            db.session,
            donation_id=donation_id,
            reason=form.reason.data,
            today=context.today(),
            user_id=context.actor_id(),
            at=context.now(),
        )
    except DomainError as exc:
        refuse(exc)
    else:
        flash(
            _(
                "Donation %(number)s reversed by record %(reversal)s.",
                number=donation_id,
                reversal=reversal.id,
            ),
            "ok",
        )
    return redirect(url_for("stock.donations"))


@bp.route("/donors", methods=["GET", "POST"])
@allow(*STOCK)
@page_writes
def donors() -> str | Response | tuple[str, int]:
    form = DonorForm()
    status = 200
    if form.validate_on_submit():
        try:
            catalog.create_donor(
                db.session,
                name=form.name.data or "",
                kind=form.kind.data or None,
                contact=form.contact.data or None,
            )
        except DomainError as exc:
            refuse(exc)
            status = 422
        else:
            flash(_("Donor added."), "ok")
            return redirect(url_for("stock.donors"))
    elif form.is_submitted():
        status = 422
    return render_template(
        "stock/donors.html", donors=catalog.all_donors(db.session), form=form, kinds=DONOR_KINDS
    ), status


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
    return render_template("stock/donor_report.html", report=report)


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
        "stock/vouchers.html",
        issued=issued,
        start=start,
        end=end,
        donor=donor,
        donors=catalog.all_donors(db.session),
    )
