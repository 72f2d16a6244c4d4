"""Fixtures for the API contract tests.

Two differences from the suite's own fixtures, each for a reason:
- a 500 is answered as a real client would see it (an HTTP 500), not raised into the test,
  so a contract break reads as "expected 404, got 500";
- on PostgreSQL they use their own database beside TEST_DATABASE_URL's (same server, name
  + "_api"), so this folder can run while the rest of the suite uses that database, and
  they empty its tables between tests instead of creating them again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import Engine, create_engine, func, select, text
from sqlalchemy.engine import make_url

from app import models
from app.db import Base
from app.extensions import db
from tests.conftest import PG_URL, reset_postgres


@pytest.fixture(scope="session")
def api_postgres() -> Iterator[Engine | None]:
    """A database of its own on TEST_DATABASE_URL's server, its schema made anew per run."""
    if not PG_URL:
        yield None
        return
    url = make_url(PG_URL)
    name = f"{url.database}_api"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        known = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        if not known:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    own = url.set(database=name).render_as_string(hide_password=False)
    reset_postgres(own)
    engine = create_engine(own)
    Base.metadata.create_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def database_url(tmp_path: Path, api_postgres: Engine | None) -> str:
    """SQLite in a temporary folder, or the PostgreSQL database with every row deleted:
    a few milliseconds, where creating the schema again takes a few hundred."""
    if api_postgres is None:
        return f"sqlite:///{tmp_path / 'test.db'}"
    with api_postgres.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            if table.name == "audit_events":  # append-only: no DELETE, but TRUNCATE
                conn.execute(text("TRUNCATE audit_events"))
            else:
                conn.execute(table.delete())
    return api_postgres.url.render_as_string(hide_password=False)


@pytest.fixture(autouse=True)
def errors_answer_500(app: Flask) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False


@pytest.fixture
def rows(app: Flask) -> Callable[[type[Any]], int]:
    """How many rows a model's table holds, read straight from the database."""

    def count(model: type[Any]) -> int:
        with app.app_context():
            return int(db.session.scalar(select(func.count()).select_from(model)) or 0)

    return count


@pytest.fixture
def saved(rows: Callable[[type[Any]], int]) -> Callable[[], dict[str, int]]:
    """Row counts of every table but the accounts: compare them around a refused request."""

    def snapshot() -> dict[str, int]:
        # The audit trail records the refusal itself; the login throttle counts no API call.
        left_out = ("User", "ApiToken", "AuditEvent", "LoginAttempt")
        tables = [name for name in models.__all__ if name not in left_out]
        return {name: rows(getattr(models, name)) for name in tables}

    return snapshot


@pytest.fixture
def desk(api: Callable[[str], Any]) -> Any:
    return api("volunteer")


@pytest.fixture
def coordinator(api: Callable[[str], Any]) -> Any:
    return api("coordinator")


@pytest.fixture
def storekeeper(api: Callable[[str], Any]) -> Any:
    return api("stock_manager")
