from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response

from app import context
from app.auth.access import STOCK, allow
from app.errors import NotFound, ValidationFailed
from app.extensions import db
from app.stock import ledger
from app.stock.forms import DonationForm
from app.stock.labels import MOVEMENT_LABELS, SITE_LABELS
from app.stock.models import Item
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


def _start_of(day: date) -> datetime:
    zone = ZoneInfo(current_app.config["AID_TIMEZONE"])
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def _day_arg(name: str, problems: list[str]) -> date | None:
    value = request.args.get(name, "")
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        problems.append(_("Write dates as YYYY-MM-DD."))
        return None


@bp.get("/items/<sku>")
@allow(*STOCK)
def history(sku: str) -> tuple[str, int]:
    """Every movement of one item, filterable by kind, site and days (from, to inclusive)."""
    item = db.session.scalar(select(Item).where(Item.sku == sku.upper()[:40]))
    if item is None:
        raise NotFound(_("No item with the SKU %(sku)s.", sku=sku[:40]))
    problems: list[str] = []
    sites = ledger.all_sites(db.session)
    kind = request.args.get("kind", "")
    if kind and kind not in MOVEMENT_LABELS:
        problems.append(_("Choose a kind from the list."))
        kind = ""
    code = request.args.get("site", "")
    site = next((s for s in sites if s.code == code), None)
    if code and site is None:
        problems.append(_("Choose a site from the list."))
    since, until = _day_arg("from", problems), _day_arg("to", problems)
    rows = ledger.movements(
        db.session,
        item_id=item.id,
        site_id=site.id if site else None,
        kinds=[kind] if kind else None,
        since=_start_of(since) if since else None,
        until=_start_of(until + timedelta(days=1)) if until else None,
    )
    for problem in problems:
        flash(problem, "error")
    by_site = ledger.on_hand_by_site(db.session).get(item.id, {})
    return render_template(
        "stock/history.html",
        item=item,
        rows=rows,
        sites=sites,
        by_site=by_site,
        kinds=MOVEMENT_LABELS,
        site_kinds=SITE_LABELS,
        chosen={"kind": kind, "site": code if site else "", "from": since, "to": until},
    ), (422 if problems else 200)
