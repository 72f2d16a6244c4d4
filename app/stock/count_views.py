"""Pages of stock counts: start one, enter what is on the shelves, finish it."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select
from werkzeug.wrappers import Response

from app import context
from app.auth.access import STOCK, allow
from app.errors import DomainError, ValidationFailed
from app.extensions import db
from app.stock import catalog, counts
from app.stock.catalog import find_item
from app.stock.forms import posted_count
from app.stock.models import Item
from app.unit_of_work import page_writes, refuse

bp = Blueprint("counts", __name__, url_prefix="/stock")


@bp.get("/counts")
@allow(*STOCK)
def counts_page() -> str:
    return render_template(
        "stock/counts.html",
        counts=counts.recent_counts(db.session),
        open_count=counts.open_count(db.session, context.site_id()),
    )


@bp.post("/counts")
@allow(*STOCK)
@page_writes
def start_count() -> Response:
    try:
        count = counts.start_count(
            db.session, site_id=context.site_id(), user_id=context.actor_id(), at=context.now()
        )
    except DomainError as exc:
        refuse(exc)
        return redirect(url_for("counts.counts_page"))
    return redirect(url_for("counts.count", count_id=count.id))


@bp.get("/counts/<id:count_id>")
@allow(*STOCK)
def count(count_id: int) -> str:
    """Enter counted figures: scan a box (adds its pack) or choose an item and type."""
    stock_count = counts.get_count(db.session, count_id)
    items = db.session.scalars(select(Item).order_by(Item.sku)).all()
    return render_template(
        "stock/count.html",
        count=stock_count,
        items=items,
        focus=request.args.get("focus", "barcode"),
    )


@bp.post("/counts/<id:count_id>/lines")
@allow(*STOCK)
@page_writes
def count_line(count_id: int) -> Response:
    barcode = request.form.get("barcode", "").strip()
    focus = "barcode"
    try:
        if barcode:
            found = catalog.find_barcode(db.session, barcode)
            if found is None:
                flash(
                    _(
                        "The barcode %(code)s is not known: choose the item and type the count.",
                        code=barcode[:40],
                    ),
                    "error",
                )
                return redirect(url_for("counts.count", count_id=count_id, focus="sku"))
            item, pack = found
            total = counts.enter_counted(
                db.session, count_id=count_id, item_id=item.id, counted=pack, add=True
            )
        else:
            item = find_item(db.session, request.form.get("sku", ""))
            counted = posted_count("counted")
            if counted is None:
                raise ValidationFailed({"counted": _("a whole number")})
            total = counts.enter_counted(
                db.session, count_id=count_id, item_id=item.id, counted=counted
            )
            focus = "sku"
    except DomainError as exc:
        refuse(exc)
        return redirect(url_for("counts.count", count_id=count_id, focus="sku"))
    flash(_("%(name)s: counted %(count)s.", name=item.name, count=total), "ok")
    return redirect(url_for("counts.count", count_id=count_id, focus=focus))


@bp.post("/counts/<id:count_id>/finish")
@allow(*STOCK)
@page_writes
def finish_count(count_id: int) -> Response:
    try:
        corrections = counts.finish_count(
            db.session, count_id=count_id, user_id=context.actor_id(), at=context.now()
        )
    except DomainError as exc:
        refuse(exc)
        return redirect(url_for("counts.count", count_id=count_id))
    flash(
        ngettext(
            "Count finished: %(num)d correction.",
            "Count finished: %(num)d corrections.",
            len(corrections),
        ),
        "ok",
    )
    return redirect(url_for("counts.count", count_id=count_id))
