"""Load test: desks scanning cards at a human pace for minutes on end, through the real server.

    scripts/load                  8 desks, a scan every 2 s each, 10 minutes, SQLite
    scripts/load --minutes 1      a short run
    scripts/load --database-url postgresql+psycopg://postgres@127.0.0.1:5432/load

Each desk does what a volunteer does: scan a card (the eligibility check), and when the family may
be served, hand over (a second request). A third of the scans are of families served within the
last 10 days, so the desks also see refusals. It builds a fresh database first (as scripts/bench
does; a PostgreSQL database named in --database-url is emptied), and stops after --minutes however
the server behaves: every request has a timeout, and a request that times out counts as an error.

It prints the latency of a scan and of a handover (p50, p95, p99, the slowest), the number of
errors (any answer other than the one the desk expected), and whether p95 stayed under 300 ms.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench import CARD_KEY, Desk, build_database  # noqa: E402

from tests.live import start_server  # noqa: E402


def percentile(ordered: list[float], share: float) -> float:
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))] * 1000


def served_recently(url: str, count: int) -> list[str]:
    """Cards of families served within the interval: their scans must be refused."""
    from datetime import timedelta

    from sqlalchemy import select

    from app import context, create_app
    from app.cards.models import Card
    from app.cards.services import card_qr
    from app.extensions import db
    from app.households.models import Household

    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "load",
            "CARD_KEY": CARD_KEY,
        }
    )
    with app.app_context():
        since = context.today() - timedelta(days=app.config["ELIGIBILITY_DAYS"] - 1)
        cards = db.session.scalars(
            select(Card)
            .join(Household, Household.id == Card.household_id)
            .where(Card.revoked_at.is_(None), Household.last_served_on >= since)
            .limit(count)
        ).all()
        qrs = [card_qr(card, CARD_KEY) for card in cards]
        db.session.remove()
        db.engine.dispose()
    return qrs


class Tally:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.scans: list[float] = []
        self.handovers: list[float] = []
        self.errors: list[str] = []

    def add(self, kind: list[float], seconds: float) -> None:
        with self.lock:
            kind.append(seconds)

    def error(self, what: str) -> None:
        with self.lock:
            self.errors.append(what)


def desk_loop(
    desk: Desk,
    tally: Tally,
    eligible: list[str],
    refused: list[str],
    pool_lock: threading.Lock,
    deadline: float,
    interval: float,
    offset: float,
    rng: random.Random,
) -> None:
    next_at = time.perf_counter() + offset
    while True:
        pause = next_at - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
        next_at += interval
        if time.perf_counter() >= deadline:
            return
        with pool_lock:
            if refused and rng.random() < 1 / 3:
                qr, expect = rng.choice(refused), 409
            elif eligible:
                qr, expect = eligible.pop(), 200
            else:
                tally.error("the pool of eligible cards ran out; use more --households")
                return
        started = time.perf_counter()
        try:
            status = desk.call("GET", "/api/v1/eligibility?qr=" + quote(qr))
        except OSError as error:
            tally.error(f"scan: {error!r}")
            continue
        tally.add(tally.scans, time.perf_counter() - started)
        # The eligibility check answers 200 with "eligible": false for a refusal, so the
        # handover is what proves the decision: a refused card's handover must be a 409.
        if status != 200:
            tally.error(f"scan answered {status}")
            continue
        started = time.perf_counter()
        try:
            status = desk.call("POST", "/api/v1/distributions", {"qr": qr})
        except OSError as error:
            tally.error(f"handover: {error!r}")
            continue
        tally.add(tally.handovers, time.perf_counter() - started)
        wanted = 201 if expect == 200 else 409
        if status != wanted:
            tally.error(f"handover answered {status}, expected {wanted}")


def report(name: str, latencies: list[float]) -> str:
    if not latencies:
        return f"| {name} | 0 | - | - | - | - |"
    ordered = sorted(latencies)
    return (
        f"| {name} | {len(ordered)} | {percentile(ordered, 0.5):.1f} | "
        f"{percentile(ordered, 0.95):.1f} | {percentile(ordered, 0.99):.1f} | "
        f"{ordered[-1] * 1000:.1f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--desks", type=int, default=8)
    parser.add_argument("--every", type=float, default=2.0, help="seconds between scans per desk")
    parser.add_argument("--households", type=int, default=20_000)
    parser.add_argument("--days", type=int, default=120)
    parser.add_argument("--threads", type=int, default=8, help="waitress threads")
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/load.db"
        token, eligible, _ = build_database(url, args.households, args.days)
        refused = served_recently(url, 2000)
        scans_needed = int(args.minutes * 60 / args.every * args.desks)
        print(
            f"{len(eligible)} eligible and {len(refused)} recently served cards; "
            f"about {scans_needed} scans to make",
            flush=True,
        )
        server = start_server(url, threads=args.threads, extra_env={"CARD_KEY": CARD_KEY})
        tally = Tally()
        try:
            desks = [Desk(server.url, token) for _ in range(args.desks)]
            pool_lock = threading.Lock()
            deadline = time.perf_counter() + args.minutes * 60
            threads = [
                threading.Thread(
                    target=desk_loop,
                    args=(
                        desk,
                        tally,
                        eligible,
                        refused,
                        pool_lock,
                        deadline,
                        args.every,
                        i * args.every / args.desks,
                        random.Random(i),
                    ),
                )
                for i, desk in enumerate(desks)
            ]
            started = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            elapsed = time.perf_counter() - started
        finally:
            server.stop()
    engine = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    print(
        f"\n{engine}, {args.desks} desks, a scan every {args.every:g} s each, "
        f"{elapsed / 60:.1f} minutes, {args.households} households\n"
    )
    print("| request | count | p50 ms | p95 ms | p99 ms | slowest ms |")
    print("|---|---|---|---|---|---|")
    print(report("scan (eligibility)", tally.scans))
    print(report("handover", tally.handovers))
    everything = sorted(tally.scans + tally.handovers)
    p95 = percentile(everything, 0.95) if everything else float("inf")
    print(f"\nerrors: {len(tally.errors)}")
    for line in sorted(set(tally.errors))[:10]:
        print(f"  {line}")
    verdict = "met" if p95 < 300 and not tally.errors else "NOT met"
    print(f"target (p95 under 300 ms, zero errors): {verdict} (p95 {p95:.1f} ms)")
    sys.exit(0 if verdict == "met" else 1)


if __name__ == "__main__":
    main()
