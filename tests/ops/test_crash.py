"""Crash safety: kill the server (SIGKILL) while desks hand over, start it again, and check
that no handover it answered was lost and that nothing was half-written.

Each round six desks hand over to registered families; after a random number of answers (and
a random few milliseconds more) the server is killed mid-stream, without a chance to clean
up. A handover whose answer was lost is asked again after the restart: it is then either
served or refused as served already, never served twice. On SQLite and, with
TEST_DATABASE_URL, on PostgreSQL.

SIGKILL ends the process, not the machine: what is written but not yet on the disk survives
in the operating system's cache. So this proves that a transaction is all or nothing, and that
an answer is sent only after the commit; power loss is what synchronous=FULL is for.
"""

from __future__ import annotations

import random
import signal
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from tests.live import LiveServer, start_server
from tests.ops.checks import engine_for, half_written, ledger_gaps, sqlite_integrity
from tests.ops.conftest import ENGINES, each_engine
from tests.ops.desks import ask, donate, register_families

pytestmark = pytest.mark.server

FAMILIES = 200
ROUNDS = 4
DESKS = 6


@pytest.fixture(params=ENGINES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return each_engine(request.param, tmp_path)


@dataclass
class Outcomes:
    served: dict[int, int] = field(default_factory=dict)  # distribution id -> household id
    unanswered: set[str] = field(default_factory=set)  # cards whose answer was lost
    served_before_crash: set[str] = field(default_factory=set)  # lost, then refused as served
    unexpected: list[Any] = field(default_factory=list)


class Round:
    """Desks handing over the waiting cards until the cards run out or the server dies."""

    def __init__(self, server: LiveServer, token: str, waiting: deque[str], out: Outcomes):
        self.server, self.token, self.waiting, self.out = server, token, waiting, out
        self.answered = 0
        self.lock = threading.Lock()
        self.stopped = threading.Event()
        self.threads = [threading.Thread(target=self._desk, daemon=True) for _ in range(DESKS)]

    def run(self) -> None:
        for thread in self.threads:
            thread.start()

    def _desk(self) -> None:
        while not self.stopped.is_set():
            with self.lock:
                if not self.waiting:
                    return
                qr = self.waiting.popleft()
            answer = ask(self.server, "POST", "/api/v1/distributions", self.token, {"qr": qr})
            with self.lock:
                if answer is None:  # the server died under this request: ask again later
                    self.waiting.append(qr)
                    self.out.unanswered.add(qr)
                elif answer.status == 201:
                    self.out.served[answer.body["id"]] = answer.body["household_id"]
                    self.answered += 1
                elif answer.status == 409 and qr in self.out.unanswered:
                    self.out.served_before_crash.add(qr)
                else:
                    self.out.unexpected.append((answer.status, answer.body))

    def kill_after(self, answers: int, jitter: float) -> None:
        deadline = time.monotonic() + 20
        while self.answered < answers and self.waiting and time.monotonic() < deadline:
            time.sleep(0.001)
        time.sleep(jitter)
        self.server.process.send_signal(signal.SIGKILL)
        self.server.process.wait()
        self.stopped.set()
        self.join()

    def join(self) -> None:
        for thread in self.threads:
            thread.join(timeout=30)


def test_a_killed_server_loses_no_answered_handover_and_leaves_nothing_half_written(
    app: Any, database_url: str, token_for: Any
) -> None:
    seed = random.randrange(2**32)
    rng = random.Random(seed)
    desk = token_for("volunteer")
    out = Outcomes()
    logs = []
    server = start_server(database_url)
    try:
        # Less food than families: some handovers are given short, and still count.
        donate(server, token_for("stock_manager"), FAMILIES * 3 // 4)
        waiting = deque(register_families(server, desk, FAMILIES))
        for _ in range(ROUNDS):
            round_ = Round(server, desk, waiting, out)
            round_.run()
            round_.kill_after(rng.randint(5, 40), rng.uniform(0, 0.02))
            logs.append(server.log)
            server = start_server(database_url)
        last = Round(server, desk, waiting, out)  # the cards left, and the answers lost
        last.run()
        last.join()
    finally:
        server.stop()
        logs.append(server.log)
    context = f"seed {seed}; {server.log_tail(1500)}"

    assert out.unexpected == [], context
    assert not waiting, context
    assert out.unanswered, f"no kill caught a request in flight; {context}"
    engine = engine_for(database_url)
    try:
        with engine.connect() as conn:
            recorded = dict(conn.execute(text("SELECT id, household_id FROM distributions")).all())
        # Every handover answered 201 is there, with its household.
        assert {i: recorded.get(i) for i in out.served} == out.served, context
        # Every family served exactly once: answered, or answered as served after a crash.
        assert len(recorded) == len(out.served) + len(out.served_before_crash) == FAMILIES
        assert half_written(engine) == {}, context
        assert ledger_gaps(engine) == [], context
        if database_url.startswith("sqlite"):
            assert sqlite_integrity(engine) == ["ok"], context
    finally:
        engine.dispose()
    for log in logs:
        log.unlink(missing_ok=True)
