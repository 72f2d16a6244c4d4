"""An erasure on a server that Litestream replicates (decision 0030): the server's database
file and its log keep nothing of the erased family (decision 0016), although Litestream holds
the log open; the replica's newest state has nothing of them either; its history keeps them
until the retention (AID_STANDBY_RETENTION_HOURS), as docs/threat-model.md says. And /healthz
says whether Litestream runs for a server that expects it."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from app.checkpoints import litestream_socket
from app.ops.standby import Replication, litestream_binary, write_config
from tests.conftest import member
from tests.live import ROOT

NAME = "Zhovtoboriukh"


@pytest.fixture
def database_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("AID_STANDBY_REPLICA", str(tmp_path / "replica"))
    return f"sqlite:///{tmp_path / 'aiddesk.db'}"


def on_disk(database: Path) -> bytes:
    wal = database.with_name(database.name + "-wal")
    return database.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def restored(replica: Path, out: Path, *at: str) -> bytes:
    command = [litestream_binary(), "restore", *at, "-o", str(out), f"file://{replica}"]
    subprocess.run(command, check=True, capture_output=True)
    return out.read_bytes()


def test_an_erasure_empties_the_log_of_a_replicated_server_and_the_replicas_newest_state(
    app: Any, api: Any, database_url: str, tmp_path: Path
) -> None:
    database = Path(database_url.removeprefix("sqlite:///"))
    replica = tmp_path / "replica"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret",
        "CARD_KEY": "test-card-key",
    }
    config = tmp_path / "litestream.yml"
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "standby", "replicate"]
    log = (tmp_path / "litestream.log").open("wb")
    replicating = subprocess.Popen(
        [*command, "--config", str(config)], cwd=ROOT, env=env, stdout=log, stderr=log
    )
    try:
        deadline = time.monotonic() + 60
        while not litestream_socket(database).exists():
            assert replicating.poll() is None, (tmp_path / "litestream.log").read_text()
            assert time.monotonic() < deadline
            time.sleep(0.1)
        desk, coordinator = api("volunteer"), api("coordinator")
        family = {"members": [member(given="Oksana", family=NAME, doc="FZ550001")]}
        made = desk.client.post(
            "/api/v1/households",
            data=json.dumps(family),
            content_type="application/json",
            headers=desk.headers,
        )
        assert made.status_code == 201, made.text
        time.sleep(3)  # replicated
        before = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        time.sleep(1.5)
        assert NAME.lower().encode() in on_disk(database).lower()

        erased = coordinator.delete(f"/api/v1/households/{made.get_json()['id']}")
        assert erased.status_code == 200, erased.text
        # Emptied at once (not after the 300 s a busy log waits for): replication paused.
        assert NAME.lower().encode() not in on_disk(database).lower()
        time.sleep(3)  # replication started again, and shipped the erased state
        assert replicating.poll() is None
        newest = restored(replica, tmp_path / "newest.db")
        assert NAME.lower().encode() not in newest.lower()
        with sqlite3.connect(tmp_path / "newest.db") as conn:
            assert conn.execute("SELECT count(*) FROM erasures").fetchone() == (1,)
        # The replica's history still has it, until the retention removes those files.
        older = restored(replica, tmp_path / "older.db", "-timestamp", before)
        assert NAME.lower().encode() in older.lower()
    finally:
        replicating.kill()
        replicating.wait()
        log.close()


def test_healthz_says_whether_replication_runs(app: Any, client: Any, tmp_path: Path) -> None:
    database = Path(str(app.config["SQLALCHEMY_DATABASE_URI"]).removeprefix("sqlite:///"))
    app.config["AID_STANDBY_REPLICA"] = str(tmp_path / "replica")
    assert client.get("/healthz").get_json()["replication"] == "stopped"
    litestream_socket(database).touch()  # what a Litestream killed with SIGKILL leaves
    assert client.get("/healthz").get_json()["replication"] == "stopped"
    litestream_socket(database).unlink()
    config = tmp_path / "litestream.yml"
    write_config(Replication(database, str(tmp_path / "replica"), 24), config)
    running = subprocess.Popen(
        [litestream_binary(), "replicate", "-config", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while client.get("/healthz").get_json()["replication"] != "running":
            assert time.monotonic() < deadline and running.poll() is None
            time.sleep(0.1)
    finally:
        running.kill()
        running.wait()
    app.config["AID_STANDBY_REPLICA"] = ""
    assert "replication" not in client.get("/healthz").get_json()
