"""Recording, from a page or an API call, that someone saw or took sensitive data."""

from __future__ import annotations

from collections.abc import Sequence

from app.audit.trail import record
from app.db import writing
from app.extensions import db


def record_seen(action: str, entity: str, entity_id: object, fields: Sequence[str] = ()) -> None:
    """Record a view or an export in its own short write transaction (also from a GET)."""
    db.session.commit()  # ends the read transaction this request is in
    with writing():
        record(db.session.connection(), action, entity, entity_id, fields)
        db.session.commit()
