"""The register of erasures across a restore: read it from the database being replaced, then
erase again in the restored one what the backup still holds (decision 0016).

The register holds ids and moments only; with it go the highest ids each table has given, so
that the restored database does not give an erased person's id to someone else (a backup's
sequences are those of its day).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import SQLAlchemyError

from app.db import DbSession, dialect_insert
from app.households.models import Household, Member
from app.privacy.models import ErasureEntry
from app.privacy.services import erase_household, erase_member


class RegisterUnreadable(RuntimeError):
    """The database being replaced could not be read: its erasures are unknown."""


@dataclass(frozen=True)
class Erased:
    entity: str
    entity_id: int
    erased_at: datetime


@dataclass
class Register:
    erasures: list[Erased] = field(default_factory=list)
    # The highest id each table has given (SQLite's sqlite_sequence, PostgreSQL's sequences).
    ids_given: dict[str, int] = field(default_factory=dict)


def read_register(database_url: str) -> Register:
    """The register of the database at ``database_url``; empty for a database that is not
    there or has no register yet. RegisterUnreadable when it cannot be read."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and not Path(url.database or "").is_file():
        return Register()
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
            register = Register(ids_given=_ids_given(conn))
            if "erasures" in tables:
                rows = conn.execute(
                    text("SELECT entity, entity_id, erased_at FROM erasures ORDER BY id")
                ).all()
                register.erasures = [
                    Erased(entity, int(entity_id), _moment(erased_at))
                    for entity, entity_id, erased_at in rows
                ]
            return register
    except SQLAlchemyError as exc:
        raise RegisterUnreadable(str(getattr(exc, "orig", None) or exc)) from exc
    finally:
        engine.dispose()


def _moment(value: object) -> datetime:
    """A stored UTC moment (app.db.UTCDateTime keeps no zone), read without the app."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment.replace(tzinfo=UTC)


def _ids_given(conn: Connection) -> dict[str, int]:
    if conn.dialect.name == "sqlite":
        found = conn.execute(text("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'"))
        if found.first() is None:
            return {}
        return {
            name: int(seq)
            for name, seq in conn.execute(text("SELECT name, seq FROM sqlite_sequence"))
        }
    return {
        name: int(value)
        for name, value in conn.execute(
            text(
                "SELECT sequencename, last_value FROM pg_sequences "
                "WHERE schemaname = current_schema() AND last_value IS NOT NULL"
            )
        )
    }


def replay(
    session: DbSession, register: Register, *, upload_root: Path | None = None
) -> list[Erased]:
    """Erase again what the register says was erased and the restored database still holds,
    at the moment it was first erased; keep every entry in the restored register; never give
    an id lower than the replaced database had given. Returns the erasures done again."""
    done = []
    for entry in sorted(register.erasures, key=lambda e: e.erased_at):
        if entry.entity == "households":
            household = session.get(Household, entry.entity_id)
            if household is not None and household.erased_at is None:
                erase_household(
                    session, entry.entity_id, now=entry.erased_at, upload_root=upload_root
                )
                done.append(entry)
        elif session.get(Member, entry.entity_id) is not None:
            erase_member(session, entry.entity_id, now=entry.erased_at, upload_root=upload_root)
            done.append(entry)
        insert = dialect_insert(session.get_bind().dialect.name)
        session.execute(
            insert(ErasureEntry)
            .values(entity=entry.entity, entity_id=entry.entity_id, erased_at=entry.erased_at)
            .on_conflict_do_nothing(index_elements=["entity", "entity_id"])
        )
    _give_no_lower_ids(session, register.ids_given)
    return done


def _give_no_lower_ids(session: DbSession, ids_given: dict[str, int]) -> None:
    conn = session.connection()
    if conn.dialect.name == "sqlite":
        for name, seq in ids_given.items():
            known = conn.execute(
                text("SELECT seq FROM sqlite_sequence WHERE name = :name"), {"name": name}
            ).first()
            if known is None:
                conn.execute(
                    text("INSERT INTO sqlite_sequence (name, seq) VALUES (:name, :seq)"),
                    {"name": name, "seq": seq},
                )
            elif int(known[0]) < seq:
                conn.execute(
                    text("UPDATE sqlite_sequence SET seq = :seq WHERE name = :name"),
                    {"name": name, "seq": seq},
                )
        return
    current: dict[str, int] = dict(
        conn.execute(
            text(
                "SELECT sequencename, coalesce(last_value, 0) FROM pg_sequences "
                "WHERE schemaname = current_schema()"
            )
        ).all()
    )
    for name, value in ids_given.items():
        if name in current and int(current[name]) < value:
            conn.execute(
                text("SELECT setval(CAST(:name AS regclass), :value)"),
                {"name": name, "value": value},
            )
