from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from app import context
from app.auth.access import STOCK, allow
from app.errors import ValidationFailed
from app.extensions import db
from app.stock.forms import DonationForm
from app.stock.services import record_donation, stock_on_hand

bp = Blueprint("stock", __name__, url_prefix="/stock")


@bp.route("", methods=["GET", "POST"])
@allow(*STOCK)
def index() -> str | Response | tuple[str, int]:
    rows = stock_on_hand(db.session, context.site_id())
    form = DonationForm()
    form.set_items([(r.item.sku, f"{r.item.name} ({r.item.sku})") for r in rows])
    status = 200
    if form.validate_on_submit():
        try:
            donation = record_donation(
                db.session,
                donor=form.donor.data or "",
                lines=form.to_lines(),
                site_id=context.site_id(),
                received_on=context.today(),
                user_id=context.actor_id(),
                at=context.now(),
            )
        except ValidationFailed as exc:
            db.session.rollback()
            for path, message in exc.fields.items():
                flash(f"{_label(path)}: {message}", "error")
            status = 422
        else:
            db.session.commit()
            total = sum(line.quantity for line in donation.lines)
            flash(
                _(
                    "Donation %(number)s recorded: %(count)s items on the shelves.",
                    number=donation.id,
                    count=total,
                ),
                "ok",
            )
            return redirect(url_for("stock.index"))
    elif form.is_submitted():
        status = 422
    return render_template("stock/index.html", rows=rows, form=form), status


def _label(path: str) -> str:
    parts = path.split(".")
    if parts[0] == "items" and len(parts) == 3:
        return _("Line %(number)s %(field)s", number=int(parts[1]) + 1, field=parts[2])
    return path.capitalize()
