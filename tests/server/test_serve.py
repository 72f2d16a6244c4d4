"""The launcher of scripts/run (app.ops.serve): several server processes on one port behave
as one server, a process that dies is started again, and stopping the launcher stops them all
(decision 0035). On SQLite their writers share the file gate (app.db.FileGate)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from app.extensions import db
from app.stock.models import StockLevel, StockMovement
from tests.conftest import member
from tests.live import LiveServer, start_server

pytestmark = [
    pytest.mark.server,
    pytest.mark.skipif(not hasattr(os, "fork"), reason="one process serves without fork"),
]

PROCESSES = 2
DESKS = 12
ROUNDS = 20


@pytest.fixture
def launched(app: Flask, database_url: str) -> Iterator[LiveServer]:
    server = start_server(database_url, threads=4, processes=PROCESSES)
    yield server
    server.stop()


def _pids_that_answered(server: LiveServer) -> set[int]:
    pids = set()
    for line in server.log_tail(200_000).splitlines():
        if line.startswith("{") and '"pid"' in line:
            pids.add(json.loads(line)["pid"])
    return pids


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_desks_on_the_launcher_get_one_handover_per_family_from_both_processes(
    app: Flask, launched: LiveServer, token_for: Any
) -> None:
    desk = token_for("volunteer")
    assert len(launched.pids()) == PROCESSES
    cards = [
        launched.request("POST", "/api/v1/households", desk, {"members": [member()]}).body["card"][
            "qr"
        ]
        for _ in range(ROUNDS)
    ]
    barrier = threading.Barrier(DESKS)
    outcomes: list[list[int]] = [[] for _ in range(ROUNDS)]

    def desk_loop(_: int) -> None:
        for round_no, qr in enumerate(cards):
            barrier.wait()
            answer = launched.request("POST", "/api/v1/distributions", desk, {"qr": qr})
            outcomes[round_no].append(answer.status)

    with ThreadPoolExecutor(DESKS) as pool:
        list(pool.map(desk_loop, range(DESKS)))
    bad = [(i, sorted(o)) for i, o in enumerate(outcomes) if sorted(o) != [201] + [409] * 11]
    assert bad == []
    assert _pids_that_answered(launched) == set(launched.pids()), "both processes served"
    with app.app_context():
        ledger = dict(
            db.session.execute(
                select(StockMovement.item_id, func.sum(StockMovement.quantity)).group_by(
                    StockMovement.item_id
                )
            ).all()
        )
        on_hand = dict(db.session.execute(select(StockLevel.item_id, StockLevel.on_hand)).all())
    assert {item: on_hand.get(item, 0) for item in ledger} == ledger


def test_a_process_that_dies_is_started_again_and_the_launcher_stops_them_all(
    launched: LiveServer,
) -> None:
    first = launched.pids()
    os.kill(first[0], signal.SIGKILL)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        now = launched.pids()
        if len(now) == PROCESSES and first[0] not in now:
            break
        time.sleep(0.1)
    now = launched.pids()
    assert len(now) == PROCESSES and first[0] not in now
    assert "ended (signal 9)" in launched.log_tail()
    for _ in range(10):  # every answer comes, whichever process takes it
        assert launched.request("GET", "/healthz", "").body["database"] == "ok"

    launched.stop()
    assert launched.process.returncode == 0
    assert not any(_alive(pid) for pid in now)


def test_a_port_in_use_is_refused_once_not_shared(launched: LiveServer) -> None:
    port = launched.url.rsplit(":", 1)[1]
    other = subprocess.run(
        [sys.executable, "-m", "app.ops.serve", "--port", port, "--processes", "2"],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert other.returncode != 0
    assert "Address already in use" in other.stderr
