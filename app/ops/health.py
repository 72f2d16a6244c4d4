"""Is this server fit to serve: does the database answer, and is its schema the code's?"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

log = logging.getLogger("aiddesk.health")


@dataclass(frozen=True)
class Migrations:
    """What the code's migration scripts know: their heads and every revision."""

    heads: frozenset[str]
    known: frozenset[str]


@dataclass(frozen=True)
class Health:
    database: str  # "ok" or "unreachable"
    migrations: str  # "current", "not applied", "behind", "newer than the code", "unknown"
    expected: frozenset[str] = frozenset()
    found: frozenset[str] = frozenset()

    @property
    def ok(self) -> bool:
        return self.database == "ok" and self.migrations == "current"

    def to_json(self) -> dict[str, Any]:
        answer: dict[str, Any] = {
            "status": "ok" if self.ok else "unavailable",
            "database": self.database,
            "migrations": self.migrations,
        }
        if self.database == "ok" and not self.ok:
            answer["expected_revision"] = sorted(self.expected)
            answer["database_revision"] = sorted(self.found)
        return answer


def read_migrations(directory: Path) -> Migrations:
    """The scripts do not change while serving: read them once per process."""
    scripts = ScriptDirectory(str(directory))
    return Migrations(
        heads=frozenset(scripts.get_heads()),
        known=frozenset(script.revision for script in scripts.walk_revisions()),
    )


def check_health(engine: Engine, migrations: Migrations) -> Health:
    """Ask the database its Alembic revision; a schema other than the code's head is unfit
    (an upgrade not applied, or code older than the database)."""
    try:
        with engine.connect() as conn:
            found = frozenset(MigrationContext.configure(conn).get_current_heads())
    except SQLAlchemyError as exc:
        log.warning("health check: the database did not answer: %s", _first_line(exc))
        return Health("unreachable", "unknown")
    if found == migrations.heads:
        state = "current"
    elif not found:
        state = "not applied"
    elif found <= migrations.known:
        state = "behind"
    else:
        state = "newer than the code"
    return Health("ok", state, migrations.heads, found)


def _first_line(exc: SQLAlchemyError) -> str:
    cause = getattr(exc, "orig", None) or exc
    return str(cause).strip().splitlines()[0] if str(cause).strip() else type(cause).__name__
