from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from flask import Blueprint, Flask, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response

from app import context
from app.auth.access import STOCK, allow
from app.days import NotADay, parse_day
from app.db import DbSession
from app.errors import DomainError, NotFound, ValidationFailed
from app.extensions import db
from app.sites.models import Site
from app.sites.services import all_sites, find_site
from app.stock import catalog, expiry, overview
from app.stock.catalog_views import minimums_asked
from app.stock.donations import record_donation
from app.stock.forms import CATEGORY_LABELS, BarcodeForm, DonationForm, ItemSettingsForm
from app.stock.history import movements, on_hand_by_site
from app.stock.labels import MOVEMENT_LABELS, SITE_LABELS
from app.stock.models import Donation, Item
from app.unit_of_work import page_writes, refuse

bp = Blueprint("stock", __name__, url_prefix="/stock")


# The low-stock panel reads the desks' pace, which is above stock (reports/): the factory
# hands the forecast in with register_low_stock, so stock/ imports nothing above it.
class LowStock(Protocol):
    def __call__(
        self, session: DbSession, *, site_id: int | None, now: datetime
    ) -> Sequence[object]: ...


LOTS_SHOWN = 50
LOW_SHOWN = 20


@bp.route("", methods=["GET", "POST"])
@allow(*STOCK)
@page_writes
def index() -> str | Response | tuple[str, int]:
    """The stock of every site, and the donation form: a scanned box code adds its pack to
    the lines (an unknown one asks which item it is, once); the button records it all."""
    here = context.site_id()
    sites = all_sites(db.session)
    form = DonationForm()
    form.site.choices = [(s.code, s.name_in(str(get_locale()))) for s in sites]
    if not form.is_submitted():
        form.site.data = next(s.code for s in sites if s.id == here)
    action = request.form.get("action", "save")
    status = 200
    if form.is_submitted() and action in ("scan", "learn"):
        status = _scan(form, action)
    elif form.validate_on_submit():
        try:
            donation = _record(form)
        except ValidationFailed as exc:
            refuse(exc, label=_label)
            status = 422
        else:
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
    return render_template(
        "stock/index.html",
        **stock_page(sites, here),
        form=form,
        donors=catalog.all_donors(db.session),
        unknown_barcode=form.barcode.data if status == 202 else None,
    ), (200 if status == 202 else status)


def register_low_stock(app: Flask, forecast: LowStock) -> None:
    """What the stock page shows as low stock: ``forecast(session, site_id=, now=)``."""
    app.extensions["aid_low_stock"] = forecast


class Unmet(Protocol):
    def __call__(
        self, session: DbSession, start: date, end: date, site_id: int | None = None
    ) -> dict[str, int]: ...


UNMET_DAYS = 30


def register_unmet(app: Flask, unmet: Unmet) -> None:
    """What the stock page shows as unmet demand beside on-hand: ``unmet(session, start,
    end, site_id)`` per SKU (reports/programmes.py; reports/ is above stock/)."""
    app.extensions["aid_unmet"] = unmet


def stock_page(sites: list[Site], here: int) -> dict[str, object]:
    """What the stock page shows: low stock, the first-expiring lots, and a page of the
    catalog with what is on hand at the site in front of the user (and in all), or with
    ``?view=all`` at every site side by side; ``?q=`` and ``?category=`` narrow it."""
    args = request.args
    every_site = args.get("view") == "all" and len(sites) > 1
    shown = list(sites) if every_site else [s for s in sites if s.id == here]
    categories = {key: str(label) for key, label in CATEGORY_LABELS.items()}
    category = args.get("category", "")
    table = overview.stock_table(
        db.session,
        site_ids=[s.id for s in shown],
        text=args.get("q", ""),
        category=category if category in categories else "",
        page=args.get("page", 1, type=int),
        labels=categories,
    )
    today = context.today()
    lot_count, expired = expiry.count_lots(db.session, site_id=here, today=today)
    low_stock = current_app.extensions["aid_low_stock"](db.session, site_id=here, now=context.now())
    unmet = current_app.extensions["aid_unmet"](
        db.session, today - timedelta(days=UNMET_DAYS - 1), today, here
    )
    return {
        "unmet": unmet,
        "unmet_days": UNMET_DAYS,
        "low_stock": low_stock[:LOW_SHOWN] if args.get("low") != "all" else low_stock,
        "more_low": max(0, len(low_stock) - LOW_SHOWN) if args.get("low") != "all" else 0,
        "lots": expiry.lots_by_expiry(db.session, site_id=here, today=today, limit=LOTS_SHOWN),
        "more_lots": max(0, lot_count - LOTS_SHOWN),
        "any_expired": expired > 0,
        "warning_days": current_app.config["AID_EXPIRY_WARNING_DAYS"],
        "table": table,
        "shown_sites": shown,
        "every_site": every_site,
        "filters": {
            "q": args.get("q", "")[:40],
            "category": category,
            "view": args.get("view", ""),
        },
        "sites": sites,
        "here": next(s for s in sites if s.id == here),
        "categories": categories,
        "item_choices": overview.item_choices(db.session),
        **minimums_asked(),
    }


@bp.post("/expired")
@allow(*STOCK)
@page_writes
def write_off_expired() -> Response:
    """Write off every expired lot of this site in one action."""
    lots = expiry.write_off_expired(
        db.session,
        site_id=context.site_id(),
        today=context.today(),
        user_id=context.actor_id(),
        at=context.now(),
    )
    flash(
        _(
            "%(lots)s expired lots written off: %(count)s items.",
            lots=len(lots),
            count=sum(lot.quantity for lot in lots),
        ),
        "ok",
    )
    return redirect(url_for("stock.index"))


def _record(form: DonationForm) -> Donation:
    today = context.today()
    received = form.received_on.data or today
    if received > today:
        raise ValidationFailed({"received_on": _("not after today")})
    return record_donation(
        db.session,
        donor=form.donor.data or "",
        donor_kind=form.donor_kind.data or None,
        note=form.note.data,
        lines=catalog.with_skus(db.session, form.to_lines()),
        site_id=find_site(db.session, form.site.data).id if form.site.data else context.site_id(),
        received_on=received,
        user_id=context.actor_id(),
        at=context.now(),
    )


def _scan(form: DonationForm, action: str) -> int:
    """A box scanned (or an unknown box taught): its pack added to the lines. 202 means
    "ask which item this barcode is"."""
    code = (form.barcode.data or "").strip()
    if not code:
        return 200
    if action == "learn":
        item = catalog.item_for_text(db.session, form.learn_sku.data or "")
        if not isinstance(item, Item):
            flash(_("Choose the item this box holds."), "error")
            return 202
        try:
            catalog.add_barcode(
                db.session, item=item, code=code, pack_quantity=form.learn_pack.data or 1
            )
        except DomainError as exc:
            refuse(exc, say=_("This barcode cannot be learned: %(why)s", why=exc.message))
            return 422
        # The box is taught even when the lines are full below (a 422 the unit of work
        # would roll back): the one commit left in a page view of stock (decision 0022).
        db.session.commit()
    found = catalog.find_barcode(db.session, code)
    if found is None:
        return 202
    item, pack = found
    total = form.add_scanned(item.sku, pack)
    if not total:
        flash(_("The donation has the most lines it can hold; record it first."), "error")
        return 422
    flash(_("%(name)s: now %(count)s.", name=item.name, count=total), "ok")
    form.barcode.data = ""
    form.barcode.raw_data = [""]
    return 200


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
        return parse_day(value)
    except NotADay as exc:
        problems.append(str(exc.args[0]))
        return None


@bp.get("/items/<sku>")
@allow(*STOCK)
def history(sku: str) -> tuple[str, int]:
    """Every movement of one item, filterable by kind, site and days (from, to inclusive)."""
    item = db.session.scalar(select(Item).where(Item.sku == sku.upper()[:40]))
    if item is None:
        raise NotFound(_("No item with the SKU %(sku)s.", sku=sku[:40]))
    problems: list[str] = []
    sites = all_sites(db.session)
    kind = request.args.get("kind", "")
    if kind and kind not in MOVEMENT_LABELS:
        problems.append(_("Choose a kind from the list."))
        kind = ""
    code = request.args.get("site", "")
    site = next((s for s in sites if s.code == code), None)
    if code and site is None:
        problems.append(_("Choose a site from the list."))
    since, until = _day_arg("from", problems), _day_arg("to", problems)
    rows = movements(
        db.session,
        item_id=item.id,
        site_id=site.id if site else None,
        kinds=[kind] if kind else None,
        since=_start_of(since) if since else None,
        until=_start_of(until + timedelta(days=1)) if until else None,
    )
    for problem in problems:
        flash(problem, "error")
    by_site = on_hand_by_site(db.session).get(item.id, {})
    return render_template(
        "stock/history.html",
        item=item,
        rows=rows,
        sites=sites,
        by_site=by_site,
        kinds=MOVEMENT_LABELS,
        site_kinds=SITE_LABELS,
        chosen={"kind": kind, "site": code if site else "", "from": since, "to": until},
        settings=_settings_form(item),
        barcode=BarcodeForm(formdata=None),
    ), (422 if problems else 200)


def _settings_form(item: Item) -> ItemSettingsForm:
    form = ItemSettingsForm(obj=item, formdata=None)
    form.show_names(item.names)
    return form
