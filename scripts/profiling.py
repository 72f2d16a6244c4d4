"""What the profile scripts share (profile_search.py, profile_registration.py,
profile_handover.py): the bench's account on a database scripts/bench seeded, each SQL
statement timed, and a request repeated, timed and, if asked, profiled."""

from __future__ import annotations

import cProfile
import pstats
import statistics
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from bench import reused_app
from sqlalchemy import Engine, event


def bench_client(url: str) -> tuple[Any, Any, dict[str, str]]:
    """The app on ``url``, its test client, and the headers of a fresh API token of the bench's
    account (the database must be one scripts/bench seeded)."""
    from app.auth.services import find_user, issue_api_token
    from app.extensions import db

    app = reused_app(url)
    with app.app_context():
        user = find_user(db.session, "bench")
        if user is None:
            raise SystemExit("this database was not made by scripts/bench")
        token = issue_api_token(db.session, user)
        db.session.commit()
        db.session.remove()
    return app, app.test_client(), {"Authorization": f"Bearer {token}"}


def time_statements(engine: Engine) -> dict[str, list[float]]:
    """Every statement the engine runs from now on, with how long each run took (seconds)."""
    statements: dict[str, list[float]] = defaultdict(list)

    @event.listens_for(engine, "before_cursor_execute")
    def before(conn: Any, cursor: Any, statement: str, *rest: Any) -> None:
        conn.info.setdefault("started", []).append(time.perf_counter())

    @event.listens_for(engine, "after_cursor_execute")
    def after(conn: Any, cursor: Any, statement: str, *rest: Any) -> None:
        took = time.perf_counter() - conn.info["started"].pop()
        statements[" ".join(statement.split())[:160]].append(took)

    return statements


class GateClock:
    """How long this process's SQLite writers held the write gate: from BEGIN IMMEDIATE to
    their COMMIT or ROLLBACK (app.db.GatedConnection), summed while ``on``."""

    def __init__(self) -> None:
        from app.db import GatedConnection

        self.held = 0.0
        self.times = 0
        self.on = False
        clock = self
        begin, release = GatedConnection.begin_write, GatedConnection._release

        def timed_begin(conn: Any) -> None:
            begin(conn)
            conn._gate_taken = time.perf_counter()

        def timed_release(conn: Any) -> None:
            taken = conn.__dict__.pop("_gate_taken", None)
            release(conn)
            if taken is not None and clock.on:
                clock.held += time.perf_counter() - taken
                clock.times += 1

        GatedConnection.begin_write = timed_begin  # type: ignore[method-assign]
        GatedConnection._release = timed_release  # type: ignore[method-assign]


def repeat(
    unit: tuple[str, str],
    calls: list[Callable[[], Any]],
    expected: int,
    statements: dict[str, list[float]],
    top: int = 0,
) -> None:
    """Make each call (a request through the test client), then print the latencies, the CPU
    a call took (``unit``: what one call is, and several), each statement's time (when
    ``statements`` were timed) and, with ``top``, the top of cProfile."""
    statements.clear()
    profile = cProfile.Profile() if top else None
    times = []
    cpu = time.process_time()
    for call in calls:
        started = time.perf_counter()
        if profile:
            profile.enable()
        answer = call()
        if profile:
            profile.disable()
        times.append((time.perf_counter() - started) * 1000)
        assert answer.status_code == expected, answer.text
    cpu = (time.process_time() - cpu) * 1000 / len(times)
    ms = sorted(times)
    print(
        f"{len(ms)} {unit[1]}: p50 {statistics.median(ms):.2f} ms, "
        f"p95 {ms[int(len(ms) * 0.95)]:.2f} ms, mean {statistics.mean(ms):.2f} ms, "
        f"CPU {cpu:.2f} ms a {unit[0]}"
    )
    for statement, took in sorted(statements.items(), key=lambda s: -sum(s[1])):
        print(
            f"{len(took):5} × {statistics.mean(took) * 1000:7.3f} ms "
            f"(total {sum(took) * 1000:8.1f} ms)  {statement}"
        )
    if profile:
        pstats.Stats(profile).sort_stats("cumulative").print_stats(top)
        pstats.Stats(profile).sort_stats("tottime").print_stats(top)
