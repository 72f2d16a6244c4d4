"""The stock API of movements: the ledger, adjustments, and lots by expiry with their
write-off (blueprint stock_movements). Transfers, voucher batches and counts have their own
files (transfer_api, voucher_api, count_api)."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, current_app, jsonify, request
from flask_babel import lazy_gettext as _l

from app import context
from app.api import parse_body, parse_day, query_model, writes
from app.api.docs import doc
from app.api.types import Body, Code, Note
from app.auth.access import STOCK, allow
from app.errors import ValidationFailed
from app.extensions import db
from app.sites.services import find_site
from app.stock import expiry, history, ledger
from app.stock.api import TAKES_STOCK, SiteQuery
from app.stock.api_answers import (
    AdjustmentOut,
    LotOut,
    MovementOut,
    WriteOffOut,
)
from app.stock.catalog import find_item
from app.stock.models import MOVEMENT_KINDS

bp = Blueprint("stock_movements", __name__)


def parse_moment(value: str, field: str) -> datetime:
    """A day (YYYY-MM-DD, from the site's midnight) or an ISO timestamp with its offset."""
    if len(value) == 10:
        day = parse_day(value, field)
        zone = ZoneInfo(current_app.config["AID_TIMEZONE"])
        return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise ValidationFailed({field: _l("a date YYYY-MM-DD or a timestamp with its UTC offset")})
    return moment


def movement_json(m: history.MovementRow) -> dict[str, object]:
    return {
        "id": m.id,
        "kind": m.kind,
        "sku": m.sku,
        "site": m.site,
        "quantity": m.quantity,
        "at": m.at.isoformat(),
        "by": m.by,
        "reason": m.reason,
        "lot": m.lot,
        "expires_on": m.expires_on.isoformat() if m.expires_on else None,
    }


class MovementsQuery(Body):
    """?sku=, ?since= (a day or a timestamp with its offset), ?site=, ?kind=."""

    sku: str | None = None
    since: str | None = None
    site: str | None = None
    kind: str | None = None


@bp.get("/stock/movements")
@doc(query=MovementsQuery, responses={200: list[MovementOut]}, errors=(ValidationFailed,))
@allow(*STOCK)
def stock_movements() -> Response:
    """The ledger, oldest first: ``?sku=``, ``?since=``, ``?site=``, ``?kind=``."""
    args = query_model(MovementsQuery, request.args.to_dict()).model_dump(exclude_none=True)
    if len(args.get("sku", "")) > 40 or len(args.get("since", "")) > 40:
        raise ValidationFailed({"query": _l("too long")})
    item = find_item(db.session, args["sku"]) if args.get("sku") else None
    site = find_site(db.session, args["site"]) if args.get("site") else None
    kind = args.get("kind") or None
    if kind is not None and kind not in MOVEMENT_KINDS:
        raise ValidationFailed(
            {"kind": _l("one of %(choices)s", choices=", ".join(MOVEMENT_KINDS))}
        )
    since = parse_moment(args["since"], "since") if args.get("since") else None
    rows = history.movements(
        db.session,
        item_id=item.id if item else None,
        site_id=site.id if site else None,
        kinds=[kind] if kind else None,
        since=since,
    )
    return jsonify([movement_json(m) for m in rows])


class AdjustmentIn(Body):
    sku: Code
    quantity: int
    reason: Note
    site: Code | None = None


@bp.post("/stock/adjustments")
@doc(body=AdjustmentIn, responses={201: AdjustmentOut}, errors=(ValidationFailed, *TAKES_STOCK))
@allow(*STOCK)
@writes
def add_adjustment() -> tuple[Response, int]:
    """Stock added (positive) or removed (negative) with a reason; 409 if not that many."""
    body = parse_body(AdjustmentIn)
    item = find_item(db.session, body.sku)
    site_id = find_site(db.session, body.site).id if body.site else context.site_id()
    movement_ids = ledger.record_adjustment(
        db.session,
        site_id=site_id,
        item_id=item.id,
        quantity=body.quantity,
        reason=body.reason,
        user_id=context.actor_id(),
        at=context.now(),
    )
    rows = history.movements(db.session, movement_ids=movement_ids)
    # A removal that took from several lots is one movement per lot: the answer is the
    # adjustment as a whole (the first movement's id, the total), with its lots.
    answer = movement_json(rows[0])
    answer["quantity"] = sum(row.quantity for row in rows)
    answer["lots"] = [
        {
            "id": row.id,
            "lot": row.lot,
            "expires_on": row.expires_on.isoformat() if row.expires_on else None,
            "quantity": row.quantity,
        }
        for row in rows
    ]
    return jsonify(answer), 201


def lot_json(lot: expiry.Lot) -> dict[str, object]:
    return {
        "sku": lot.sku,
        "site": lot.site,
        "lot": lot.lot,
        "expires_on": lot.expires_on.isoformat(),
        "quantity": lot.quantity,
        "expired": lot.expired,
    }


@bp.get("/stock/lots")
@doc(query=SiteQuery, responses={200: list[LotOut]}, errors=(ValidationFailed,))
@allow(*STOCK)
def lots() -> Response:
    """Lots with an expiry date still on the shelves, first-expiring first."""
    code = query_model(SiteQuery, request.args.to_dict()).site
    site = find_site(db.session, code) if code else None
    found = expiry.lots_by_expiry(
        db.session, site_id=site.id if site else None, today=context.today()
    )
    return jsonify([lot_json(lot) for lot in found])


@bp.post("/stock/expired/write-off")
@doc(responses={200: WriteOffOut}, errors=TAKES_STOCK)
@allow(*STOCK)
@writes
def write_off() -> tuple[Response, int]:
    """Write off every expired lot of this server's site."""
    written = expiry.write_off_expired(
        db.session,
        site_id=context.site_id(),
        today=context.today(),
        user_id=context.actor_id(),
        at=context.now(),
    )
    return jsonify(written_off=[lot_json(lot) for lot in written]), 200
