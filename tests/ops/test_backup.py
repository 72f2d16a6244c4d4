"""flask --app wsgi backup FILE / restore FILE [--force], on the suite's engine."""

from __future__ import annotations

import re
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from app.extensions import db
from app.households.models import Household
from app.ops import backup as backups
from app.ops.backup import BackupError, backup


def households(app: Flask) -> int:
    with app.app_context():
        return int(db.session.scalar(select(func.count(Household.id))) or 0)


def test_restore_refuses_a_database_with_data_and_force_puts_the_backup_back(
    app: Flask, register: Any, tmp_path: Path
) -> None:
    runner = app.test_cli_runner()
    register()
    file = tmp_path / "aiddesk.backup"
    made = runner.invoke(args=["backup", str(file)])
    assert made.exit_code == 0, made.output
    assert "Backed up" in made.output and file.stat().st_size > 0
    register()
    assert households(app) == 2

    refused = runner.invoke(args=["restore", str(file)])
    assert refused.exit_code != 0 and "holds data" in refused.output
    assert households(app) == 2

    restored = runner.invoke(args=["restore", "--force", str(file)])
    assert restored.exit_code == 0, restored.output
    assert households(app) == 1
    register()  # the restored database takes new families (PostgreSQL: sequences restored)
    assert households(app) == 2


def test_backup_never_overwrites_a_file(app: Flask, tmp_path: Path) -> None:
    file = tmp_path / "aiddesk.backup"
    file.write_bytes(b"last week's backup")
    again = app.test_cli_runner().invoke(args=["backup", str(file)])
    assert again.exit_code != 0 and "exists already" in again.output
    assert file.read_bytes() == b"last week's backup"
    assert [p.name for p in tmp_path.iterdir() if "partial" in p.name] == []


def test_a_backup_into_a_folder_gets_a_dated_name(app: Flask, tmp_path: Path) -> None:
    made = app.test_cli_runner().invoke(args=["backup", str(tmp_path)])
    assert made.exit_code == 0, made.output
    [file] = [p for p in tmp_path.iterdir() if p.suffix == ".backup"]
    assert re.fullmatch(r"aiddesk-\d{4}-\d\d-\d\d-\d{6}\.backup", file.name)
    assert str(file) in made.output


def test_restore_refuses_a_file_that_is_not_a_backup(app: Flask, tmp_path: Path) -> None:
    file = tmp_path / "notes.txt"
    file.write_text("not a database")
    result = app.test_cli_runner().invoke(args=["restore", "--force", str(file)])
    assert result.exit_code != 0 and "is not a backup" in result.output


def test_a_sqlite_backup_is_one_self_contained_file(tmp_path: Path) -> None:
    live = sqlite3.connect(tmp_path / "live.db", isolation_level=None)
    live.execute("PRAGMA journal_mode=WAL")
    live.execute("CREATE TABLE t (x)")
    live.execute("INSERT INTO t VALUES (1)")  # in the WAL file, not yet in the database file
    backup(f"sqlite:///{tmp_path / 'live.db'}", tmp_path / "copy.backup")
    live.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["copy.backup", "live.db"]
    copy = sqlite3.connect(tmp_path / "copy.backup")
    assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    assert copy.execute("SELECT x FROM t").fetchall() == [(1,)]
    copy.close()


def test_pg_dump_gets_the_url_in_its_environment_never_on_its_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[list[str], dict[str, str], dict[str, Any]]] = []

    def run(command: list[str], env: dict[str, str], **options: Any) -> Any:
        calls.append((command, env, options))
        if command[0].endswith("pg_dump"):
            Path(command[-1].removeprefix("--file=")).write_bytes(b"PGDMP")
        return subprocess.CompletedProcess(command, 0, "", "")

    monkeypatch.setattr(backups.shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(backups.subprocess, "run", run)
    url = "postgresql+psycopg://ana:p%40ss%20%24%28rm%20-rf%29@db.example:6543/aid=desk?sslmode=require"
    backup(url, tmp_path / "pg.backup")

    (dump, env, options), (check, _, _) = calls
    assert dump[0] == "/usr/bin/pg_dump" and check[0] == "/usr/bin/pg_restore"
    assert "shell" not in options
    assert not any("p@ss" in arg or "db.example" in arg or "aid=desk" in arg for arg in dump)
    assert env["PGPASSWORD"] == "p@ss $(rm -rf)"
    assert (env["PGHOST"], env["PGPORT"], env["PGUSER"]) == ("db.example", "6543", "ana")
    assert (env["PGDATABASE"], env["PGSSLMODE"]) == ("aid=desk", "require")
    assert (tmp_path / "pg.backup").read_bytes() == b"PGDMP"


def test_a_url_option_pg_dump_cannot_take_is_refused(tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="'prepare_threshold'"):
        backup("postgresql+psycopg://u@h/db?prepare_threshold=5", tmp_path / "x.backup")
    assert list(tmp_path.iterdir()) == []


def test_a_backup_is_readable_by_its_owner_only_whatever_the_umask(
    app: Flask, register: Any, tmp_path: Path
) -> None:
    import os
    import stat

    register()
    file = tmp_path / "aiddesk.backup"
    before = os.umask(0o022)
    try:
        made = app.test_cli_runner().invoke(args=["backup", str(file)])
    finally:
        os.umask(before)
    assert made.exit_code == 0, made.output
    assert stat.S_IMODE(file.stat().st_mode) == 0o600
