"""Recording, from a page or an API call, that someone saw or took sensitive data."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from app.audit.trail import record
from app.db import writing
from app.extensions import db
from app.unit_of_work import end_read


def record_seen(action: str, entity: str, entity_id: object, fields: Sequence[str] = ()) -> None:
    """Record a view or an export in its own short write transaction (also from a GET)."""
    end_read()
    with writing():
        record(db.session.connection(), action, entity, entity_id, fields)
        db.session.commit()


@contextmanager
def audited_read(audited: bool) -> Iterator[None]:
    """A GET whose reads note what they showed in the audit trail (registry.read_model for a
    coordinator): the reads and their events in one short writer transaction, committed at the
    end. Without ``audited`` the GET stays an ordinary read, off the write gate."""
    if not audited:
        yield
        return
    end_read()
    with writing():
        try:
            yield
        except BaseException:
            db.session.rollback()
            raise
        db.session.commit()
