"""The stock counts API: start a count, enter what is on the shelves, finish it."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from app import context
from app.api import parse_body, writes
from app.api.docs import doc
from app.api.types import Body, Code
from app.auth.access import STOCK, allow
from app.errors import NotFound, ValidationFailed
from app.extensions import db
from app.stock import counts
from app.stock.api import TAKES_STOCK
from app.stock.api_answers import (
    CountLineOut,
    CountOut,
    FinishedCountOut,
)
from app.stock.catalog import find_item
from app.stock.counts import CountFinished, CountOpen

bp = Blueprint("counts", __name__)


class CountLineIn(Body):
    sku: Code
    counted: int


def count_json(count_id: int) -> dict[str, object]:
    count = counts.get_count(db.session, count_id)
    return {
        "id": count.id,
        "site": count.site.code,
        "status": "open" if count.finished_at is None else "finished",
        "lines": [{"sku": line.item.sku, "counted": line.counted} for line in count.lines],
    }


@bp.post("/stock-counts")
@doc(responses={201: CountOut}, errors=(CountOpen,))
@allow(*STOCK)
@writes
def start_count() -> tuple[Response, int]:
    """Start a count of this server's site (409 count_open if one is open)."""
    count = counts.start_count(
        db.session, site_id=context.site_id(), user_id=context.actor_id(), at=context.now()
    )
    return jsonify(count_json(count.id)), 201


@bp.post("/stock-counts/<id:count_id>/lines")
@doc(
    body=CountLineIn,
    responses={200: CountLineOut},
    errors=(NotFound, CountFinished, ValidationFailed),
)
@allow(*STOCK)
@writes
def enter_count_line(count_id: int) -> tuple[Response, int]:
    """What was counted of one item (entered again, it replaces the figure)."""
    body = parse_body(CountLineIn)
    item = find_item(db.session, body.sku)
    counts.enter_counted(db.session, count_id=count_id, item_id=item.id, counted=body.counted)
    return jsonify(sku=item.sku, counted=body.counted), 200


@bp.post("/stock-counts/<id:count_id>/finish")
@doc(responses={200: FinishedCountOut}, errors=(NotFound, CountFinished, *TAKES_STOCK))
@allow(*STOCK)
@writes
def finish_count(count_id: int) -> tuple[Response, int]:
    """Finish the count: the differences become count corrections."""
    found = counts.finish_count(
        db.session, count_id=count_id, user_id=context.actor_id(), at=context.now()
    )
    return jsonify(
        id=count_id,
        corrections=[
            {"sku": c.sku, "expected": c.expected, "counted": c.counted, "difference": c.difference}
            for c in found
        ],
    ), 200
