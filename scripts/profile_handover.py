"""Where a handover's time goes, per request: AidDesk's POST /api/v1/distributions against the
lean yardstick (scripts/bare.py --lean), both in process through Flask's test client.

    .venv/bin/python scripts/profile_handover.py DATABASE_URL [--count 300] [--top 25]

DATABASE_URL is a database scripts/bench seeded (its "bench" account and card key); the
handovers are made, so use a copy. For each endpoint it prints the CPU time a handover took
(without the profiler), the statements a handover sent (an SQLAlchemy before_cursor_execute
listener), the Python calls a handover made (cProfile) and the top of the profile.
"""

from __future__ import annotations

import argparse
import cProfile
import importlib.util
import io
import pstats
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench import CARD_KEY, eligible_cards  # noqa: E402
from profiling import GateClock, bench_client  # noqa: E402
from sqlalchemy import Engine, event  # noqa: E402


def eligible_qrs(url: str) -> tuple[str, list[str]]:
    """A bearer token of the bench's account, and the QR texts of households eligible today."""
    from app.extensions import db

    app, _, headers = bench_client(url)
    with app.test_request_context():
        qrs = [qr for qr, _ in eligible_cards(app)]
        db.session.remove()
        db.engine.dispose()
    return headers["Authorization"].removeprefix("Bearer "), qrs


def measure(
    gate: GateClock,
    name: str,
    engine: Engine,
    handover: Callable[[str], int],
    qrs: list[str],
    count: int,
    top: int,
) -> None:
    statements: Counter[str] = Counter()

    def count_statement(*args: Any) -> None:
        sql = " ".join(args[2].split())
        verb = sql.split(" ", 1)[0].upper()
        table = re.search(r"\b(?:FROM|INTO|UPDATE)\s+(\w+)", sql, re.IGNORECASE)
        statements[f"{verb} {table.group(1) if table else ''}".strip()] += 1

    for qr in qrs[:20]:  # warm: compiled statements, catalogs, the token's first lookup
        handover(qr)
    timed, profiled = qrs[20 : 20 + count], qrs[20 + count : 20 + 2 * count]
    refused = 0
    gate.held, gate.times, gate.on = 0.0, 0, True
    started, wall = time.process_time(), time.perf_counter()
    for qr in timed:
        refused += handover(qr) != 201
    cpu_ms = (time.process_time() - started) * 1000 / len(timed)
    wall_ms = (time.perf_counter() - wall) * 1000 / len(timed)
    gate.on = False
    event.listen(engine, "before_cursor_execute", count_statement)
    profile = cProfile.Profile()
    profile.enable()
    for qr in profiled:
        refused += handover(qr) != 201
    profile.disable()
    event.remove(engine, "before_cursor_execute", count_statement)
    stats = pstats.Stats(profile)
    n = len(profiled)
    print(f"\n## {name}: {len(timed)} handovers timed, {n} profiled, {refused} not 201\n")
    print(f"CPU a handover (no profiler): {cpu_ms:.2f} ms; wall {wall_ms:.2f} ms")
    if gate.times:  # SQLite: the part of it the other desks wait for
        print(
            f"write gate held a handover: {gate.held * 1000 / len(timed):.2f} ms "
            f"({gate.times / len(timed):.1f} times)"
        )
    print(f"statements a handover: {sum(statements.values()) / n:.1f}")
    for kind, times in statements.most_common():
        print(f"  {times / n:5.1f}  {kind}")
    print(f"Python calls a handover: {stats.total_calls / n:,.0f}")  # type: ignore[attr-defined]
    for order in ("tottime", "cumulative"):
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats(order).print_stats(top)
        text = out.getvalue()
        print(f"\ntop {top} by {order}:\n" + text[text.index("   ncalls") :])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("database_url")
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--only", choices=("app", "lean"), default=None)
    args = parser.parse_args()
    gate = GateClock()
    token, qrs = eligible_qrs(args.database_url)
    need = 2 * (20 + 2 * args.count)
    if len(qrs) < need:
        raise SystemExit(f"{len(qrs)} households eligible today; {need} needed")
    half = len(qrs) // 2

    if args.only in (None, "app"):
        from app import create_app
        from app.extensions import db

        app = create_app(
            {"SQLALCHEMY_DATABASE_URI": args.database_url, "SECRET_KEY": "b", "CARD_KEY": CARD_KEY}
        )
        client = app.test_client()
        headers = {"Authorization": f"Bearer {token}"}

        def app_handover(qr: str) -> int:
            return client.post(
                "/api/v1/distributions", json={"qr": qr}, headers=headers
            ).status_code

        with app.app_context():
            engine = db.engine
        measure(
            gate,
            "AidDesk, POST /api/v1/distributions",
            engine,
            app_handover,
            qrs[:half],
            args.count,
            args.top,
        )

    if args.only in (None, "lean"):
        spec = importlib.util.spec_from_file_location("bare", ROOT / "scripts" / "bare.py")
        assert spec is not None and spec.loader is not None
        bare = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(bare)
        lean = bare.make_lean_app(args.database_url)
        lean_client = lean.test_client()

        def lean_handover(qr: str) -> int:
            return lean_client.post("/bare/lean", json={"qr": qr}).status_code

        measure(
            gate,
            "lean yardstick, POST /bare/lean",
            lean.extensions["bare_engine"],
            lean_handover,
            qrs[half:],
            args.count,
            args.top,
        )


if __name__ == "__main__":
    main()
