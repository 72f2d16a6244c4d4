"""Pages of transfers between sites: sending and receiving."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response

from app import context
from app.auth.access import STOCK, allow
from app.errors import DomainError, ValidationFailed
from app.extensions import db
from app.sites.services import all_sites, find_site
from app.stock import transfers as shipments
from app.stock.catalog import find_item
from app.stock.forms import posted_count
from app.stock.models import Item
from app.unit_of_work import page_writes, refuse

bp = Blueprint("transfers", __name__, url_prefix="/stock")


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
            quantity = posted_count("quantity")
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
            return redirect(url_for("transfers.transfers"))
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
    received = posted_count("received")
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
    return redirect(url_for("transfers.transfers"))
