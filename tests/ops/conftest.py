"""Fixtures for the operations drills.

The drills run on SQLite always (the one-laptop site) and on PostgreSQL too when
TEST_DATABASE_URL is set: a module asks for both by overriding ``database_url`` with
``each_engine``. A restore goes into a new database: a file beside the served one, or on
PostgreSQL a database "<name>_restore" on the same server, made afresh for the test.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.conftest import PG_URL, reset_postgres

ENGINES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def each_engine(engine: str, tmp_path: Path) -> str:
    """The database URL of a drill on ``engine``: SQLite in tmp_path, or TEST_DATABASE_URL's
    database emptied."""
    if engine == "sqlite":
        return f"sqlite:///{tmp_path / 'aiddesk.db'}"
    if not PG_URL:
        pytest.skip(
            "needs PostgreSQL: apt-get install postgresql, then "
            "TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test scripts/test"
        )
    reset_postgres(PG_URL)
    return PG_URL


@pytest.fixture
def restore_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    """A new, empty database to restore into, beside the test's own."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'restored.db'}"
        return
    url = make_url(database_url)
    name = f"{url.database}_restore"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()
