"""The SQLite settings crash safety rests on (app/db.py): WAL, synchronous=FULL, foreign keys,
a busy timeout, and writers that hold the write lock from their first statement."""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select, text

from app import create_app
from app.db import HAS_FLOCK, DatabaseBusy, FileGate
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


# --- The write gate between processes (app.db.FileGate, decision 0035) ---------------------

needs_flock = pytest.mark.skipif(not HAS_FLOCK, reason="no flock on this system")


@needs_flock
def test_a_writer_takes_the_file_gate_beside_the_database_and_gives_it_back(
    sqlite_app: Flask, tmp_path: Path
) -> None:
    other = FileGate(tmp_path / "aiddesk.db-gate")  # another process's: a file of its own
    with sqlite_app.app_context():
        db.session.scalar(select(Site.id))  # a transaction that may write: the gate is taken
        assert not other.acquire(time.monotonic() + 0.05)
        db.session.rollback()
        assert other.acquire(time.monotonic() + 0.05)
        other.release()


@needs_flock
def test_a_writer_waits_for_another_process_then_goes_on(sqlite_app: Flask, tmp_path: Path) -> None:
    other = FileGate(tmp_path / "aiddesk.db-gate")
    with sqlite_app.app_context():
        db.engine.connect().close()  # the first connection gives the engine its file gate
        assert other.acquire(time.monotonic() + 1)
        threading.Timer(0.3, other.release).start()
        started = time.monotonic()
        db.session.scalar(select(Site.id))
        waited = time.monotonic() - started
        db.session.rollback()
    assert 0.25 < waited < 5


@needs_flock
def test_a_writer_that_waits_too_long_for_another_process_gets_busy_and_holds_nothing(
    sqlite_app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("app.db.GATE_WAIT_SECONDS", 0.2)
    other = FileGate(tmp_path / "aiddesk.db-gate")
    with sqlite_app.app_context():
        db.engine.connect().close()
        assert other.acquire(time.monotonic() + 1)
        with pytest.raises(DatabaseBusy):
            db.session.scalar(select(Site.id))
        db.session.rollback()
        other.release()
        db.session.scalar(select(Site.id))  # the thread gate was given back too
        db.session.rollback()


@needs_flock
def test_a_forked_process_opens_its_own_gate_file(tmp_path: Path) -> None:
    """A lock belongs to an open file: a child using its parent's would share its lock."""
    gate = FileGate(tmp_path / "x-gate")
    assert gate.acquire(time.monotonic() + 1)
    pid = os.fork()
    if pid == 0:  # the child: the parent holds the gate, so the child must not get it
        os._exit(0 if not gate.acquire(time.monotonic() + 0.1) else 1)
    _, status = os.waitpid(pid, 0)
    gate.release()
    assert os.waitstatus_to_exitcode(status) == 0
