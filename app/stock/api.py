"""The stock API: what is on hand (``GET /stock``), and the request shapes the stock API
files share. The catalog, donations, sites, movements, transfers, voucher batches and counts
each have their own file and blueprint (catalog_api, donation_api, site_api, api_movements,
transfer_api, voucher_api, count_api)."""

from __future__ import annotations

from typing import Annotated

from flask import Blueprint, Response, jsonify, request
from pydantic import Field, StringConstraints

from app.api import query_model
from app.api.docs import doc
from app.api.types import Body, Code
from app.auth.access import STOCK, allow
from app.errors import ValidationFailed
from app.extensions import db
from app.names import every_name
from app.sites.services import find_site
from app.stock.api_answers import OnHandRow
from app.stock.history import on_hand_by_site
from app.stock.ledger import InsufficientStock, StockChanged
from app.stock.lots import LotShort, LotsOutOfStep
from app.stock.services import stock_on_hand

bp = Blueprint("stock", __name__)
# The refusals of every call that takes stock off the shelves.
TAKES_STOCK = (InsufficientStock, LotShort, LotsOutOfStep, StockChanged)


# {"en": ..., "ro": ..., "uk": ...}: checked by app.names (an empty name means the default).
Names = Annotated[
    dict[Code, Annotated[str, StringConstraints(max_length=100)]], Field(max_length=3)
]


class NamesIn(Body):
    names: Names


class SiteQuery(Body):
    """?site=CODE: one site; left out, every site."""

    site: str | None = None


@bp.get("/stock")
@doc(query=SiteQuery, responses={200: list[OnHandRow]}, errors=(ValidationFailed,))
@allow(*STOCK)
def stock() -> Response:
    """Every item with what is on hand: at ``?site=CODE``, or everywhere with "sites" giving
    each site's figure."""
    code = query_model(SiteQuery, request.args.to_dict()).site
    site = find_site(db.session, code) if code else None
    rows = stock_on_hand(db.session, site.id if site else None)
    by_site = {} if site else on_hand_by_site(db.session)
    answer = []
    for r in rows:
        row = {
            "sku": r.item.sku,
            "name": r.item.name,
            "names": every_name(r.item.name, r.item.names),
            "category": r.item.category,
            "on_hand": r.on_hand,
            "serial_tracked": r.item.serial_tracked,
            "unit": r.item.unit,
            "minimum": r.item.minimum,
        }
        if site:
            row["site"] = site.code
        else:
            row["sites"] = by_site.get(r.item.id, {})
        answer.append(row)
    return jsonify(answer)
