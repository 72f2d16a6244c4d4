from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, Response, jsonify

from app import context
from app.api import writes
from app.api.docs import Answer, doc
from app.audit.views import record_seen
from app.auth.access import COORDINATOR, allow
from app.extensions import db
from app.privacy.services import Erased, erase_household, household_record
from app.privacy.views import upload_root

bp = Blueprint("privacy", __name__)


class HeldRecord(Answer):
    """Everything held: the household's and each person's columns as stored, their cards,
    visits, refusals, handovers not made and handovers journaled offline
    (app/privacy/services.household_record)."""

    household: dict[str, Any]
    members: list[dict[str, Any]]
    cards: list[dict[str, Any]]
    visits: list[dict[str, Any]]
    refused_on: list[date | None]
    not_handed_over: list[dict[str, Any]]  # {"on": day, "reason": why}
    handed_over_offline: list[dict[str, Any]]  # {"on": day, "outcome": "served" or "double"}


class ErasureOut(Answer):
    erased: int
    members: int
    files: int


@bp.get("/households/<id:household_id>/export")
@doc(responses={200: HeldRecord}, errors=(Erased,))
@allow(*COORDINATOR)
def export(household_id: int) -> Response:
    """Everything held about the household and its people."""
    held = household_record(db.session, household_id)
    record_seen("export", "households", household_id)
    return jsonify(held)


@bp.delete("/households/<id:household_id>")
@doc(responses={200: ErasureOut}, errors=(Erased,))
@allow(*COORDINATOR)
@writes
def erase(household_id: int) -> tuple[Response, int]:
    """Erase the household's people; its visits stay as anonymous counts."""
    erased = erase_household(
        db.session,
        household_id,
        now=context.now(),
        upload_root=upload_root(),
    )
    return jsonify(erased=erased.household_id, members=erased.members, files=erased.files), 200
