from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from app import context
from app.api import parse_body, query_model
from app.api.types import Body, ScanText
from app.auth.access import DESK, allow
from app.db import writing
from app.desk.services import check_card, note_refusal, record_handover
from app.extensions import db

bp = Blueprint("desk", __name__)


class ScanQuery(Body):
    qr: ScanText


class HandoverIn(Body):
    qr: ScanText


def _iso(day: object) -> str | None:
    return day.isoformat() if day else None  # type: ignore[attr-defined]


@bp.get("/eligibility")
@allow(*DESK)
def eligibility() -> Response:
    query = query_model(ScanQuery, {"qr": request.args.get("qr", "")})
    check = check_card(
        db.session,
        scanned=query.qr,
        today=context.today(),
        days=context.eligibility_days(),
        site_id=context.site_id(),
    )
    if check.refusal_due:
        # A GET reads; the one thing it writes, the refusal count, gets its own short write.
        db.session.commit()
        with writing():
            note_refusal(
                db.session,
                household_id=check.visitor.household_id,
                site_id=context.site_id(),
                today=check.today,
                user_id=context.actor_id(),
            )
            db.session.commit()
    return jsonify(
        household_id=check.visitor.household_id,
        eligible=check.decision.eligible,
        last_served_on=_iso(check.decision.last_served_on),
        next_eligible_on=_iso(check.decision.next_eligible_on),
        entitlements=[
            {
                "sku": line.sku,
                "name": line.name,
                "quantity": line.quantity,
                "on_hand": line.on_hand,
                "available": line.available,
            }
            for line in check.entitlements
        ],
    )


@bp.post("/distributions")
@allow(*DESK)
def distribute() -> tuple[Response, int]:
    body = parse_body(HandoverIn)
    handover = record_handover(
        db.session,
        scanned=body.qr,
        today=context.today(),
        now=context.now(),
        days=context.eligibility_days(),
        site_id=context.site_id(),
        user_id=context.actor_id(),
    )
    db.session.commit()
    return (
        jsonify(
            id=handover.distribution_id,
            household_id=handover.visitor.household_id,
            served_on=handover.served_on.isoformat(),
            items=[
                {"sku": i.sku, "quantity": i.given, "entitled": i.entitled}
                for i in handover.items
                if i.given > 0
            ],
            short=[
                {"sku": i.sku, "entitled": i.entitled, "given": i.given}
                for i in handover.items
                if i.given < i.entitled
            ],
            next_eligible_on=handover.next_eligible_on.isoformat(),
        ),
        201,
    )
