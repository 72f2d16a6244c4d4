"""Reading the audit trail: filter it, and write it out as a CSV file."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Select, select

from app.audit.models import AuditEvent
from app.auth.models import User
from app.db import DbSession
from app.workbook import write_csv_rows

PAGE = 500
COLUMNS = ("at", "user", "address", "action", "entity", "entity_id", "fields")


@dataclass(frozen=True)
class Filter:
    user: str = ""
    entity: str = ""
    entity_id: str = ""
    since: date | None = None
    until: date | None = None


def _query(flt: Filter, timezone: str) -> Select[AuditEvent, str | None]:
    zone = ZoneInfo(timezone)
    stmt = select(AuditEvent, User.username).outerjoin(User, User.id == AuditEvent.user_id)
    if flt.user:
        stmt = stmt.where(User.username == flt.user)
    if flt.entity:
        stmt = stmt.where(AuditEvent.entity == flt.entity)
    if flt.entity_id:
        stmt = stmt.where(AuditEvent.entity_id == flt.entity_id)
    if flt.since:
        stmt = stmt.where(AuditEvent.at >= datetime.combine(flt.since, time(0), zone))
    if flt.until:
        end = datetime.combine(flt.until + timedelta(days=1), time(0), zone)
        stmt = stmt.where(AuditEvent.at < end)
    return stmt.order_by(AuditEvent.id.desc())


def find_events(
    session: DbSession, flt: Filter, timezone: str, limit: int | None = PAGE
) -> list[tuple[AuditEvent, str | None]]:
    """The latest events that pass the filter, newest first."""
    stmt = _query(flt, timezone)
    if limit is not None:
        stmt = stmt.limit(limit)
    return [(event, name) for event, name in session.execute(stmt)]


def entities(session: DbSession) -> list[str]:
    return list(session.scalars(select(AuditEvent.entity).distinct().order_by(AuditEvent.entity)))


def csv_bytes(rows: Iterable[tuple[AuditEvent, str | None]], timezone: str) -> bytes:
    """UTF-8 with a BOM, so a spreadsheet opens it with the right letters; each time in the
    site's zone, with its offset and seconds (the trail is read to the second)."""
    zone = ZoneInfo(timezone)
    return write_csv_rows(
        COLUMNS,
        (
            [
                event.at.astimezone(zone).isoformat(timespec="seconds"),
                username or "",
                event.address or "",
                event.action,
                event.entity,
                event.entity_id or "",
                event.fields or "",
            ]
            for event, username in rows
        ),
        timezone=timezone,
    )
