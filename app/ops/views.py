"""/healthz: for a monitor or a load balancer, without an account."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, current_app, jsonify

from app.auth.access import public
from app.extensions import db
from app.ops.health import Migrations, check_health, read_migrations

bp = Blueprint("ops", __name__)


def _migrations() -> Migrations:
    known = current_app.extensions.get("aid_migrations")
    if known is None:
        directory = Path(current_app.extensions["migrate"].directory)
        known = current_app.extensions["aid_migrations"] = read_migrations(directory)
    return known


@bp.get("/healthz")
@public
def healthz() -> tuple[Response, int]:
    """200 when the database answers and its schema is the code's; 503 saying what is wrong."""
    health = check_health(db.engine, _migrations())
    return jsonify(health.to_json()), 200 if health.ok else 503
