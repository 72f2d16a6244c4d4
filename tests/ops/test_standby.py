"""The standby's pieces without a server: Litestream's configuration from the settings, the
refusals of `standby` commands, and the checkpoints left to Litestream (app.ops.standby)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine

from app.db import configure_engine
from app.ops.standby import (
    Replication,
    StandbyError,
    litestream_binary,
    litestream_config,
    promote,
    sqlite_file,
)


def test_a_folder_replica_is_a_file_replica_synced_each_second_with_a_retention() -> None:
    config = json.loads(
        litestream_config(Replication(Path("/srv/aiddesk.db"), "/srv/standby/replica", 24))
    )
    (db,) = config["dbs"]
    assert db["path"] == "/srv/aiddesk.db"
    assert db["replica"] == {"type": "file", "path": "/srv/standby/replica", "sync-interval": "1s"}
    assert config["snapshot"]["retention"] == "24h"


def test_an_sftp_replica_names_the_standby_and_the_key() -> None:
    replication = Replication(
        Path("/srv/aiddesk.db"),
        "sftp://aiddesk@standby.lan/var/lib/aiddesk",
        6,
        "/k/id",
        "ssh-ed25519 AAAAC3Nza",
    )
    replica = json.loads(litestream_config(replication))["dbs"][0]["replica"]
    assert replica["url"] == "sftp://aiddesk@standby.lan/var/lib/aiddesk"
    assert replica["key-path"] == "/k/id"
    assert replica["host-key"] == "ssh-ed25519 AAAAC3Nza"


@pytest.mark.parametrize("replica", ["replica", "s3:/x", "sftp://standby.lan/", "ftp://a/b"])
def test_a_replica_that_is_neither_a_folder_nor_sftp_is_refused(replica: str) -> None:
    with pytest.raises(StandbyError):
        litestream_config(Replication(Path("/srv/aiddesk.db"), replica, 24))


def test_postgresql_and_memory_databases_are_not_for_litestream() -> None:
    with pytest.raises(StandbyError, match="streaming replication"):
        sqlite_file("postgresql+psycopg://postgres@127.0.0.1/aid")
    with pytest.raises(StandbyError):
        sqlite_file("sqlite://")


def test_the_litestream_of_the_lock_runs() -> None:
    import subprocess

    done = subprocess.run([litestream_binary(), "version"], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.startswith("0.5")


def test_promote_does_not_write_over_a_database_that_is_there(tmp_path: Path) -> None:
    database = tmp_path / "aiddesk.db"
    sqlite3.connect(database).close()
    with pytest.raises(StandbyError, match="exists"):
        promote(str(tmp_path / "replica"), database)


def test_promote_from_an_empty_replica_says_so(tmp_path: Path) -> None:
    (tmp_path / "replica").mkdir()
    with pytest.raises(StandbyError, match="restore failed"):
        promote(str(tmp_path / "replica"), tmp_path / "aiddesk.db")
    assert not (tmp_path / "aiddesk.db").exists()


def test_replicated_the_app_leaves_checkpoints_to_litestream(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'a.db'}")
    configure_engine(engine, checkpoint_seconds=1, replicated=True)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 0
    from app import checkpoints

    assert engine not in checkpoints._started
    engine.dispose()


def test_standby_config_prints_the_configuration_of_the_settings(app: Any, tmp_path: Path) -> None:
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        result = app.test_cli_runner().invoke(args=["standby", "config", "--replica", "/r"])
        assert result.exit_code != 0 and "streaming replication" in result.output
        return
    result = app.test_cli_runner().invoke(args=["standby", "config", "--replica", "/r"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["dbs"][0]["replica"]["path"] == "/r"
    result = app.test_cli_runner().invoke(args=["standby", "replicate", "--replica", "rel"])
    assert result.exit_code != 0 and "absolute folder" in result.output
