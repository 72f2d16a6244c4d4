"""Pages of the donations list (each can be reversed) and the donors list."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from app import context
from app.auth.access import STOCK, allow
from app.errors import DomainError
from app.extensions import db
from app.stock import catalog
from app.stock.donations import recent_donations, reverse_donation
from app.stock.forms import DONOR_KIND_CHOICES, DonorForm, ReversalForm
from app.unit_of_work import page_writes, refuse

bp = Blueprint("donations", __name__, url_prefix="/stock")
DONOR_KINDS = {c.value: c.label for c in DONOR_KIND_CHOICES if c.value}


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
        return redirect(url_for("donations.donations"))
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
    return redirect(url_for("donations.donations"))


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
            return redirect(url_for("donations.donors"))
    elif form.is_submitted():
        status = 422
    return render_template(
        "stock/donors.html", donors=catalog.all_donors(db.session), form=form, kinds=DONOR_KINDS
    ), status
