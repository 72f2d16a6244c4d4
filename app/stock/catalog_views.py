"""Pages of the catalog: the items, their settings, names and box barcodes."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response

from app.auth.access import STOCK, allow
from app.errors import DomainError, NotFound
from app.extensions import db
from app.stock import catalog
from app.stock.catalog import create_item
from app.stock.forms import (
    CATEGORY_LABELS,
    BarcodeForm,
    ItemForm,
    ItemSettingsForm,
    MinimumsForm,
    NamesForm,
)
from app.stock.models import Item
from app.unit_of_work import page_writes, refuse

bp = Blueprint("catalog", __name__, url_prefix="/stock")


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
            return redirect(url_for("catalog.catalog"))
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
        "without_minimum": catalog.items_without_minimum(db.session),
        "minimums_form": MinimumsForm(formdata=None),
    }


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
        return redirect(url_for("catalog.catalog"))
    try:
        catalog.rename_item(db.session, item, form.names())
    except DomainError as exc:
        refuse(exc)
    else:
        flash(_("Names of %(sku)s saved.", sku=item.sku), "ok")
    return redirect(url_for("catalog.catalog", _anchor=f"item-{item.sku}"))


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
