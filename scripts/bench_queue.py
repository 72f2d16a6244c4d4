"""Queue benchmark: the door check and the hall screen, through the real HTTP server.

    .venv/bin/python scripts/bench_queue.py                          20,000 households, SQLite
    .venv/bin/python scripts/bench_queue.py --households 200000
    .venv/bin/python scripts/bench_queue.py --database-url sqlite:////var/tmp/bench.db --reuse

It seeds the database as scripts/bench.py does (demo families, cards, a year of visits), starts
waitress in its own process and measures:
- door check: POST /api/v1/queue/tickets at a steady --rate a second (20: a busy door is one
  family every three seconds, several doors), each a card eligible today, a fifth of them a
  card scanned again (the same ticket back), a tenth a family with no card;
- the same door check with --screens hall screens open, each reading GET /api/v1/queue with
  the display token every --refresh seconds, as static/queue-hall.js does;
- the hall screen's cost per refresh: its latency, and the server's CPU time per refresh
  while only the screens run (from /proc, the server's user + system time).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench import Desk, Result, build_database, reused_app, run_phase  # noqa: E402

from tests.live import start_server  # noqa: E402

DISPLAY_KEY = "bench-display-key"


def display_token(url: str) -> str:
    from app.tickets.display import display_token as token

    app = reused_app(url)
    app.config["AID_DISPLAY_KEY"] = DISPLAY_KEY
    with app.app_context():
        return token()


def cpu_seconds(pid: int) -> float:
    """The process's user + system CPU time (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def count_households(url: str) -> int:
    from sqlalchemy import func, select

    from app.extensions import db
    from app.households.models import Household

    app = reused_app(url)
    with app.app_context():
        n = int(db.session.scalar(select(func.count()).select_from(Household)) or 0)
        db.session.remove()
        db.engine.dispose()
    return n


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--households", type=int, default=20_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--doors", type=int, default=4)
    parser.add_argument("--rate", type=float, default=20, help="door checks a second")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--warmup", type=float, default=5, help="door checks not measured, first")
    parser.add_argument("--screens", type=int, default=10)
    parser.add_argument("--refresh", type=float, default=3, help="seconds between refreshes")
    parser.add_argument("--threads", type=int, default=8, help="waitress threads")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--reuse", action="store_true", help="as scripts/bench.py --reuse")
    args = parser.parse_args()
    if args.reuse and not args.database_url:
        parser.error("--reuse needs --database-url")

    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.db"
        token, qrs, others = build_database(url, args.households, args.days, reuse=args.reuse)
        households = count_households(url)
        hall = display_token(url)
        server = start_server(
            url,
            threads=args.threads,
            extra_env={"CARD_KEY": "bench-card-key", "AID_DISPLAY_KEY": DISPLAY_KEY},
        )
        rng = random.Random(18)
        fresh = list(qrs)
        rng.shuffle(fresh)
        seen: list[str] = []
        lock = threading.Lock()

        def door(desk: Desk) -> tuple[int, int] | None:
            roll = rng.random()
            with lock:
                if roll < 0.1:
                    body: dict[str, object] = {"line": "registration"}
                elif roll < 0.3 and seen:
                    body = {"qr": rng.choice(seen)}
                elif fresh:
                    qr = fresh.pop()
                    seen.append(qr)
                    body = {"qr": qr}
                else:
                    return None
            status = desk.call("POST", "/api/v1/queue/tickets", body)
            return status, status if status in (200, 201) else 201

        def screen_loop(stop: threading.Event, result: Result, offset: float) -> None:
            screen = Desk(server.url, "unused")
            screen.headers = {"X-Display-Token": hall}
            time.sleep(offset)
            while not stop.is_set():
                started = time.perf_counter()
                status = screen.call("GET", "/api/v1/queue")
                elapsed = time.perf_counter() - started
                with lock:
                    result.latencies.append(elapsed)
                    result.errors += status != 200
                stop.wait(args.refresh)

        def with_screens(result: Result) -> tuple[threading.Event, list[threading.Thread]]:
            stop = threading.Event()
            threads = [
                threading.Thread(
                    target=screen_loop, args=(stop, result, i * args.refresh / args.screens)
                )
                for i in range(args.screens)
            ]
            for t in threads:
                t.start()
            return stop, threads

        try:
            doors = [Desk(server.url, token) for _ in range(args.doors)]
            interval = args.doors / args.rate
            run_phase("warm-up", doors, args.warmup, door, interval)  # a cold cache, not kept
            results = [
                run_phase(f"door check, {args.rate:.0f}/s", doors, args.seconds, door, interval)
            ]
            screens = Result(f"hall screen refresh, {args.screens} screens, with the door")
            stop, threads = with_screens(screens)
            results.append(
                run_phase(
                    f"door check, {args.rate:.0f}/s, {args.screens} screens open",
                    doors,
                    args.seconds,
                    door,
                    interval,
                )
            )
            stop.set()
            for t in threads:
                t.join()
            screens.seconds = args.seconds
            results.append(screens)
            alone = Result(f"hall screen refresh, {args.screens} screens alone")
            before = cpu_seconds(server.process.pid)
            stop, threads = with_screens(alone)
            time.sleep(args.seconds)
            stop.set()
            for t in threads:
                t.join()
            cpu = cpu_seconds(server.process.pid) - before
            alone.seconds = args.seconds
            results.append(alone)
        finally:
            server.stop()
        print()
        print(
            f"{households:,} households, {len(qrs) + len(others):,} eligible today; "
            f"{os.cpu_count()} cores; waitress --threads={args.threads}; "
            f"{'PostgreSQL' if url.startswith('postgresql') else 'SQLite'}"
        )
        print("| what | requests | a second | p50 ms | p99 ms | errors |")
        print("|---|---|---|---|---|---|")
        for result in results:
            print(result.row())
        refreshes = len(alone.latencies)
        if refreshes:
            print(
                f"hall screen: {cpu * 1000 / refreshes:.1f} ms of server CPU per refresh "
                f"({refreshes} refreshes in {args.seconds:.0f} s, "
                f"{cpu / args.seconds * 100:.1f}% of one core for {args.screens} screens)"
            )


if __name__ == "__main__":
    main()
