"""Item and site names on pages, in the reader's language (the page's locale).

The desk's services carry each item's default name with its SKU; the page asks here for the
name in the language it is drawn in. The catalog's names are read once per request.
"""

from __future__ import annotations

from flask import Flask, request
from flask_babel import get_locale
from sqlalchemy import select

from app.extensions import db
from app.names import name_in
from app.stock.models import Item, Site


def _catalog_names() -> dict[str, tuple[str, dict[str, str]]]:
    # Kept on the request, not on g: an app context can outlive a request (a CLI, a test).
    names = getattr(request, "aid_item_names", None)
    if names is None:
        rows = db.session.execute(select(Item.sku, Item.name, Item.names))
        names = {sku: (name, others or {}) for sku, name, others in rows}
        request.aid_item_names = names  # type: ignore[attr-defined]  # once per request
    return names


def item_name(sku: str, default: str = "") -> str:
    """The item's name in the page's language; ``default`` for an SKU the catalog lacks."""
    name, names = _catalog_names().get(sku, (default, {}))
    return name_in(name, names, str(get_locale()))


def shown_name(thing: Item | Site) -> str:
    """An Item's or a Site's name in the page's language."""
    return name_in(thing.name, getattr(thing, "names", None), str(get_locale()))


def register_names(app: Flask) -> None:
    app.jinja_env.globals["item_name"] = item_name
    app.add_template_filter(shown_name, "shown_name")
