"""Pages of stock counts and transfers (the stock blueprint)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select
from werkzeug.wrappers import Response

from app import context
from app.auth.access import STOCK, allow
from app.errors import DomainError, ValidationFailed
from app.extensions import db
from app.sites.services import all_sites, find_site
from app.stock import catalog, counts
from app.stock import transfers as shipments
from app.stock.catalog import find_item
from app.stock.models import Item
from app.stock.views import bp
from app.unit_of_work import page_writes, refuse


def _int(name: str) -> int | None:
    value = request.form.get(name, "").strip()
    return int(value) if value.isdigit() and len(value) <= 9 else None


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
        return redirect(url_for("stock.counts_page"))
    return redirect(url_for("stock.count", count_id=count.id))


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
                return redirect(url_for("stock.count", count_id=count_id, focus="sku"))
            item, pack = found
            total = counts.enter_counted(
                db.session, count_id=count_id, item_id=item.id, counted=pack, add=True
            )
        else:
            item = find_item(db.session, request.form.get("sku", ""))
            counted = _int("counted")
            if counted is None:
                raise ValidationFailed({"counted": _("a whole number")})
            total = counts.enter_counted(
                db.session, count_id=count_id, item_id=item.id, counted=counted
            )
            focus = "sku"
    except DomainError as exc:
        refuse(exc)
        return redirect(url_for("stock.count", count_id=count_id, focus="sku"))
    flash(_("%(name)s: counted %(count)s.", name=item.name, count=total), "ok")
    return redirect(url_for("stock.count", count_id=count_id, focus=focus))


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
        return redirect(url_for("stock.count", count_id=count_id))
    flash(
        ngettext(
            "Count finished: %(num)d correction.",
            "Count finished: %(num)d corrections.",
            len(corrections),
        ),
        "ok",
    )
    return redirect(url_for("stock.count", count_id=count_id))


@bp.route("/transfers", methods=["GET", "POST"])
@allow(*STOCK)
@page_writes
def transfers() -> str | Response | tuple[str, int]:
    """Send stock to another site; receive what was sent here, with what arrived."""
    status = 200
    if request.method == "POST":
        try:
            item = find_item(db.session, request.form.get("sku", ""))
            to = find_site(db.session, request.form.get("to", ""), "to")
            quantity = _int("quantity")
            if quantity is None:
                raise ValidationFailed({"quantity": _("a whole number")})
            shipments.send_transfer(
                db.session,
                item_id=item.id,
                from_site_id=context.site_id(),
                to_site_id=to.id,
                quantity=quantity,
                reason=request.form.get("reason", "")[:300],
                user_id=context.actor_id(),
                at=context.now(),
            )
        except DomainError as exc:
            refuse(exc)
            status = 422
        else:
            flash(
                _(
                    "Sent: %(count)s × %(name)s to %(site)s.",
                    count=quantity,
                    name=item.name,
                    site=to.name,
                ),
                "ok",
            )
            return redirect(url_for("stock.transfers"))
    here = context.site_id()
    return render_template(
        "stock/transfers.html",
        transfers=shipments.transfers(db.session),
        here=here,
        sites=[s for s in all_sites(db.session) if s.id != here],
        items=db.session.scalars(select(Item).order_by(Item.sku)).all(),
    ), status


@bp.post("/transfers/<id:transfer_id>/receipt")
@allow(*STOCK)
@page_writes
def receive_transfer(transfer_id: int) -> Response:
    received = _int("received")
    try:
        if received is None:
            raise ValidationFailed({"received": _("a whole number")})
        transfer = shipments.receive_transfer(
            db.session,
            transfer_id=transfer_id,
            received=received,
            user_id=context.actor_id(),
            at=context.now(),
            missing_reason=request.form.get("missing_reason", "")[:150],
        )
    except DomainError as exc:
        refuse(exc)
    else:
        flash(_("Received: %(count)s × %(name)s.", count=received, name=transfer.item.name), "ok")
        if transfer.sent > received:
            flash(
                _(
                    "%(count)s missing, written off at this site with the reason given.",
                    count=transfer.sent - received,
                ),
                "ok",
            )
    return redirect(url_for("stock.transfers"))
