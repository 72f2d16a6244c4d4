"""The SQLite settings crash safety rests on (app/db.py): WAL, synchronous=FULL, foreign keys,
a busy timeout, and writers that hold the write lock from their first statement."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select, text

from app import create_app
from app.extensions import db
from app.sites.models import Site

FULL = 2


@pytest.fixture
def sqlite_app(tmp_path: Path) -> Iterator[Flask]:
    """An app on SQLite whatever engine the suite runs on: these settings are SQLite's."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "CARD_KEY": "test-card-key",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'aiddesk.db'}",
        }
    )
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_every_connection_is_wal_fully_synced_with_foreign_keys_and_a_busy_timeout(
    sqlite_app: Flask,
) -> None:
    names = ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
    with sqlite_app.app_context(), db.engine.connect() as conn:
        found = {name: conn.exec_driver_sql(f"PRAGMA {name}").scalar() for name in names}
    assert found == {
        "journal_mode": "wal",
        "synchronous": FULL,
        "foreign_keys": 1,
        "busy_timeout": 15000,
    }


def test_a_writer_holds_the_write_lock_from_its_first_statement(
    sqlite_app: Flask, tmp_path: Path
) -> None:
    other = sqlite3.connect(tmp_path / "aiddesk.db", timeout=0, isolation_level=None)
    with sqlite_app.app_context():
        db.session.scalar(select(Site.id))  # a read, in a transaction that may write
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")  # BEGIN IMMEDIATE took the lock already
        db.session.rollback()
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
    other.close()


def test_a_page_that_only_reads_leaves_the_write_lock_free(
    sqlite_app: Flask, tmp_path: Path
) -> None:
    other = sqlite3.connect(tmp_path / "aiddesk.db", timeout=0, isolation_level=None)
    with sqlite_app.test_request_context("/desk", method="GET"):
        db.session.execute(text("SELECT 1"))
        other.execute("BEGIN IMMEDIATE")  # a GET reads with a plain BEGIN: no lock taken
        other.execute("ROLLBACK")
        db.session.rollback()
    other.close()


def test_a_foreign_key_that_points_nowhere_is_refused(sqlite_app: Flask) -> None:
    with sqlite_app.app_context():
        with pytest.raises(Exception, match="FOREIGN KEY"):
            db.session.execute(
                text("INSERT INTO stock_levels (site_id, item_id, on_hand) VALUES (999, 999, 1)")
            )
        db.session.rollback()
