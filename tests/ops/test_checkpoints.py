"""SQLite's checkpoints run in the background, not inside a desk's commit.

These tests use a SQLite file of their own whatever TEST_DATABASE_URL says: the checkpoints
are SQLite's, and the one-laptop site runs on SQLite.
"""

from __future__ import annotations

import shutil
import sqlite3
import time
from pathlib import Path

from flask import Flask
from sqlalchemy import text

from app import create_app
from app.extensions import db
from app.setup import seed_defaults


def _app(path: Path, seconds: int) -> Flask:
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "CARD_KEY": "test-card-key",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
            "AID_SQLITE_CHECKPOINT_SECONDS": seconds,
        }
    )
    with app.app_context():
        db.create_all()
        seed_defaults(db.session)
        db.session.commit()
    return app


def _write_sites(app: Flask, prefix: str, count: int) -> None:
    with app.app_context():
        for i in range(count):  # one commit each, as at the desk
            db.session.execute(
                text("INSERT INTO sites (code, name, kind) VALUES (:c, :n, 'distribution')"),
                {"c": f"{prefix}{i}", "n": f"Site {i}"},
            )
            db.session.commit()


def _in_database_file(path: Path, tmp_path: Path, prefix: str) -> int:
    """Sites with this prefix in the database file alone, without its write-ahead log."""
    copy = tmp_path / "file-only.db"
    shutil.copyfile(path, copy)  # the -wal file is not copied
    conn = sqlite3.connect(copy)
    try:
        if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'sites'").fetchone():
            return 0  # not even the schema has reached the file yet
        query = "SELECT count(*) FROM sites WHERE code LIKE ?"
        return int(conn.execute(query, (prefix + "%",)).fetchone()[0])
    finally:
        conn.close()


def _pragma(app: Flask, name: str) -> int:
    with app.app_context():
        return int(db.session.execute(text(f"PRAGMA {name}")).scalar_one())


def test_commits_leave_the_checkpoint_to_a_background_thread(tmp_path: Path) -> None:
    path = tmp_path / "desk.db"
    app = _app(path, seconds=1)
    assert _pragma(app, "wal_autocheckpoint") == 0  # no commit copies pages into the file
    _write_sites(app, "BG", 20)
    # Within a few seconds, what the commits logged is in the database file itself.
    deadline = time.monotonic() + 10
    while _in_database_file(path, tmp_path, "BG") < 20 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _in_database_file(path, tmp_path, "BG") == 20
    with app.app_context():
        db.engine.dispose()


def test_with_the_setting_at_zero_sqlite_checkpoints_as_it_does_by_default(
    tmp_path: Path,
) -> None:
    path = tmp_path / "desk.db"
    app = _app(path, seconds=0)
    assert _pragma(app, "wal_autocheckpoint") == 1000
    _write_sites(app, "FG", 20)
    time.sleep(1.5)
    # Twenty small commits are far from a thousand pages of log: nothing copied yet.
    assert _in_database_file(path, tmp_path, "FG") == 0
    with app.app_context():
        db.engine.dispose()


def test_a_checkpoint_does_not_make_a_database_that_is_gone(tmp_path: Path) -> None:
    import pytest

    from app.checkpoints import checkpoint

    with pytest.raises(sqlite3.OperationalError):
        checkpoint(tmp_path / "gone.db")
    assert not (tmp_path / "gone.db").exists()


def test_the_log_is_emptied_after_an_erasure_once_a_reader_lets_go(tmp_path: Path) -> None:
    """A TRUNCATE checkpoint waits for a reader that holds the log, and retries meanwhile."""
    from app.checkpoints import truncate

    path = tmp_path / "aiddesk.db"
    app = _app(path, seconds=1)  # the background PASSIVE checkpoints run alongside
    _write_sites(app, "E", 20)
    wal = path.with_name(path.name + "-wal")
    reader = sqlite3.connect(path, isolation_level=None)
    try:
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM sites").fetchone()  # a snapshot in the log
        _write_sites(app, "F", 5)
        assert truncate(path, seconds=0.3) is False
        assert wal.stat().st_size > 0
        reader.execute("COMMIT")
        assert truncate(path, seconds=5) is True
        assert wal.stat().st_size == 0
    finally:
        reader.close()
        with app.app_context():
            db.engine.dispose()
