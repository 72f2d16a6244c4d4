from __future__ import annotations

from datetime import datetime

from sqlalchemy import DDL, Index, String, event
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, utcnow


class AuditEvent(Base):
    """One write or one view of sensitive data. Append-only: the database refuses an UPDATE
    or a DELETE of a row (triggers below, and the same in the migration)."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_entity", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # No foreign key: the trail outlives what it speaks of.
    user_id: Mapped[int | None] = mapped_column(index=True)
    # The desk: the request's remote address, or "cli" for a terminal command.
    address: Mapped[str | None] = mapped_column(String(64))
    # create, update, delete, view, export, erase
    action: Mapped[str] = mapped_column(String(16))
    # The table name (households, members, documents, ...) and the row's key.
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str | None] = mapped_column(String(40))
    # Which columns were written or seen: their names, never their values.
    fields: Mapped[str | None] = mapped_column(String(400))


# Append-only, held by the database itself.
_NO_CHANGE_SQLITE = (
    "CREATE TRIGGER audit_events_no_{op} BEFORE {OP} ON audit_events "
    "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END"
)
_PG_FUNCTION = (
    "CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION 'the audit trail is append-only'; END; $$ LANGUAGE plpgsql"
)
_PG_TRIGGER = (
    "CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events "
    "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()"
)
APPEND_ONLY_SQLITE = [_NO_CHANGE_SQLITE.format(op=op, OP=op.upper()) for op in ("update", "delete")]
APPEND_ONLY_POSTGRESQL = [_PG_FUNCTION, _PG_TRIGGER]

for _sql in APPEND_ONLY_SQLITE:
    event.listen(AuditEvent.__table__, "after_create", DDL(_sql).execute_if(dialect="sqlite"))
for _sql in APPEND_ONLY_POSTGRESQL:
    event.listen(AuditEvent.__table__, "after_create", DDL(_sql).execute_if(dialect="postgresql"))
