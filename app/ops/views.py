"""/healthz: for a monitor or a load balancer, without an account."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, current_app, jsonify

from app.auth.access import public
from app.extensions import db
from app.ops.health import Migrations, check_health, read_migrations
from app.ops.standby import replication_state

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
    """200 when the database answers and its schema is the code's; 503 saying what is wrong.
    With a standby configured, "replication" says whether Litestream runs (it does not
    change the status: the server still serves, but a monitor should call someone)."""
    health = check_health(db.engine, _migrations())
    answer = health.to_json()
    config = current_app.config
    state = replication_state(
        str(config["SQLALCHEMY_DATABASE_URI"]), str(config.get("AID_STANDBY_REPLICA") or "")
    )
    if state is not None:
        answer["replication"] = state
    return jsonify(answer), 200 if health.ok else 503
