"""Desk benchmark: eligibility checks and handovers through the real HTTP server.

    scripts/bench                               20,000 households, 1 year of visits, SQLite
    scripts/bench --households 200000 --days 365
    scripts/bench --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench
    scripts/bench --database-url sqlite:////var/tmp/bench.db --reuse    measure again, no seeding
    scripts/bench --database-url sqlite:////var/tmp/bench.db --reuse --phases search,registration
    scripts/bench --sites 20 --desks 20    the desks spread over 20 sites, one server each

It builds a fresh database (demo families, cards, past visits every 10-20 days), starts
waitress in its own process, and drives it over HTTP with keep-alive connections, one per desk:
- eligibility: every desk checks cards as fast as it can;
- handover (saturation): every desk hands over to eligible households as fast as it can;
- handover (steady): handovers at a fixed rate, spread over the desks;
- search: every desk looks people up by name (Latin or Cyrillic, as typed at registration);
- registration: every desk registers new one-person households as fast as it can;
- bare, lean: the yardsticks of scripts/bare.py (a handover's statements without the app;
  with --lean only what the 10-day rule needs), each in its own server, at saturation.
A PostgreSQL database named in --database-url is emptied first. Each desk's server is warmed
up (three checks, two handovers) before the first phase. Besides the figures, each phase
gives the CPU a request took in the servers, in the load generator and on the whole machine
(everybody's work: on a shared machine, the share left to the bench).

With --sites N the desks are spread over N sites: the seeded site (MAIN) and SITE02...,
each made with its own stock if the database does not have it yet (app.demo.demo_sites).
A server serves one site (AID_SITE), so each site gets its own waitress process; desk i
works at site i mod N. The tables give the aggregate of all sites, and each site's own
figures for the handovers.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote, urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402
from sqlalchemy import func, or_, select  # noqa: E402

from tests.live import LiveServer, free_port, start_server  # noqa: E402

CARD_KEY = "bench-card-key"
# The phases, in the order they run (--phases picks some; seeding is the slow part).
PHASES = ("eligibility", "saturation", "steady", "search", "registration", "bare", "lean")
# The yardsticks: scripts/bare.py, and with --lean only what the 10-day rule itself needs.
YARDSTICKS = {"bare": "bare endpoint, saturation", "lean": "lean endpoint, saturation"}


@dataclass
class Result:
    name: str
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0
    # The same figures for each site's desks (--sites), by site code.
    sites: dict[str, Result] = field(default_factory=dict)
    # CPU seconds during the phase: the servers', the load generator's, the whole machine's.
    cpu: tuple[float, float, float] | None = None

    def add(self, latency: float, error: bool) -> None:
        self.latencies.append(latency)
        self.errors += error

    def rate(self) -> float:
        """Answers a second that did what was asked."""
        return (len(self.latencies) - self.errors) / self.seconds if self.seconds else 0.0

    def row(self) -> str:
        n = len(self.latencies)
        if not n:
            return f"| {self.name} | 0 | - | - | - | {self.errors} |"
        ordered = sorted(self.latencies)
        p50 = statistics.median(ordered) * 1000
        p99 = ordered[min(n - 1, int(n * 0.99))] * 1000
        rate = f"{self.rate():.{1 if self.rate() < 10 else 0}f}"  # a site's few a second
        return f"| {self.name} | {n} | {rate} | {p50:.1f} | {p99:.1f} | {self.errors} |"

    def cpu_row(self) -> str:
        """Where the CPU went, per request: is the phase bound by the two cores?"""
        if self.cpu is None or not self.latencies:
            return f"| {self.name} | - | - | - |"
        servers, generator, machine = (1000 * cpu / len(self.latencies) for cpu in self.cpu)
        busy = self.cpu[2] / self.seconds / (os.cpu_count() or 1)
        return f"| {self.name} | {servers:.1f} | {generator:.1f} | {machine:.1f} ({busy:.0%}) |"


def process_cpu(pids: list[int]) -> float:
    """CPU seconds (user and system) these processes have used so far (0 off Linux)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def machine_cpu() -> float:
    """CPU seconds all the machine's cores have been busy so far (every process, not only
    ours: other work on the machine shows here)."""
    try:
        ticks = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except OSError:
        return 0.0
    return (sum(ticks[:8]) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")  # less idle, iowait


def cpu_now(pids: list[int]) -> tuple[float, float, float]:
    own = os.times()
    return process_cpu(pids), own.user + own.system, machine_cpu()


def start_bare(url: str, threads: int, lean: bool = False) -> tuple[subprocess.Popen[bytes], str]:
    """A yardstick (scripts/bare.py, or its --lean endpoint) in its own waitress process."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "scripts" / "bare.py"), str(port), url, str(threads)]
        + (["--lean"] if lean else []),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            with urllib.request.urlopen(base + "/bare/ping", timeout=1):
                return process, base
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the bare endpoint did not start")


def bench_app(url: str) -> Flask:
    """The app on a fresh benchmark database: schema, defaults, nothing else."""
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db
    from app.setup import seed_defaults

    if url.startswith("postgresql"):
        from tests.conftest import reset_postgres

        reset_postgres(url)
    elif url.startswith("sqlite:///"):
        for suffix in ("", "-wal", "-shm"):  # a file a previous run left
            Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "CARD_KEY": CARD_KEY,
        }
    )
    with app.app_context():
        upgrade()
        seed_defaults(db.session)
        db.session.commit()
    return app


def reused_app(url: str) -> Flask:
    from app import create_app

    return create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "CARD_KEY": CARD_KEY,
        }
    )


def describe(session: object) -> str:
    from sqlalchemy import func as sql

    from app.desk.models import Distribution
    from app.households.models import Household, Member

    counts = [
        session.scalar(select(sql.count()).select_from(model))  # type: ignore[attr-defined]
        for model in (Household, Member, Distribution)
    ]
    return "{:,} households, {:,} people, {:,} visits".format(*counts)


def build_database(
    url: str,
    households: int,
    days: int,
    volunteer_password: str = "desk-Zq7!at-the-queue",
    reuse: bool = False,
    sites: int = 1,
) -> tuple[str, list[str], list[tuple[str, int]], list[str]]:
    """Seed a fresh database (or, with ``reuse``, take the one a previous run seeded) and make
    sure it has ``sites`` sites with stock; returns an API token of a volunteer, the QR texts
    of households eligible today for the app, (QR text, id) of others for the yardsticks, and
    the codes of the sites."""
    from app import context
    from app.auth.services import create_user, find_user, issue_api_token
    from app.demo import demo_sites, seed_demo
    from app.extensions import db
    from app.households.models import Household

    app = reused_app(url) if reuse else bench_app(url)
    with app.test_request_context():
        if reuse:
            user = find_user(db.session, "bench")
            if user is None:
                raise SystemExit("--reuse: this database was not made by scripts/bench")
            print(f"reusing the database: {describe(db.session)}", flush=True)
        else:
            # The account first: a password the rules refuse must not cost a whole seeding.
            user = create_user(db.session, "bench", "volunteer", volunteer_password)
            started = time.perf_counter()
            summary = seed_demo(
                db.session,
                households=households,
                days=days,
                today=context.today(),
                card_key=CARD_KEY,
            )
            print(
                f"seeded {summary.households} households, {summary.members} people, "
                f"{summary.visits} past visits in {time.perf_counter() - started:.1f} s",
                flush=True,
            )
        token = issue_api_token(db.session, user)
        # As much stock at each other site as seed_demo leaves at MAIN for today's queue.
        in_register = db.session.scalar(select(func.count()).select_from(Household)) or 0
        codes = demo_sites(
            db.session,
            count=sites,
            first=app.config["AID_SITE"],
            quantity=max(1000, in_register),
            received_on=context.today(),
        )
        db.session.commit()
        if not reuse and url.startswith("postgresql"):
            # Fresh statistics for the planner and the visibility map, as autovacuum would
            # have made them on a database that grew over a year rather than in minutes
            # (without the map, every index-only scan of the name keys reads the table too).
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE")
        pairs = eligible_cards(app)
        db.session.remove()
        db.engine.dispose()
    random.Random(1).shuffle(pairs)
    # The first half goes to the app, the second half to the yardsticks.
    half = len(pairs) // 2
    return token, [qr for qr, _ in pairs[:half]], pairs[half:], codes


def eligible_cards(app: Flask) -> list[tuple[str, int]]:
    """The QR texts and household ids of the households eligible today under the starting
    programme's window, in the app's context."""
    from app import context
    from app.cards.models import Card
    from app.cards.services import card_qr
    from app.extensions import db
    from app.households.models import Household

    cutoff = context.today() - timedelta(days=app.config["ELIGIBILITY_DAYS"])
    cards = db.session.scalars(
        select(Card)
        .join(Household, Household.id == Card.household_id)
        .where(
            Card.revoked_at.is_(None),
            or_(Household.last_served_on.is_(None), Household.last_served_on <= cutoff),
        )
    ).all()
    return [(card_qr(card, CARD_KEY), card.household_id) for card in cards]


def search_queries(url: str, count: int) -> list[str]:
    """Names of registered people as a volunteer would type them: Latin, or Cyrillic when the
    person has a native name. Not the bench's own newcomers (NewFamilies): their names hold a
    number, and a query with a number is a lookup by number, which spends the desk's lookup
    budget (app.auth.lookups) and ends in 429 after a while."""
    from app import create_app
    from app.extensions import db
    from app.households.models import Member

    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "CARD_KEY": CARD_KEY,
        }
    )
    with app.app_context():
        rows = db.session.execute(
            select(
                Member.given_name,
                Member.family_name,
                Member.given_name_native,
                Member.family_name_native,
            )
            .where(Member.family_name.not_like("Newcomer%"))
            .order_by(func.random())
            .limit(count)
        ).all()
        db.session.remove()
        db.engine.dispose()
    return [
        f"{row[2]} {row[3]}" if i % 2 and row[2] and row[3] else f"{row[0]} {row[1]}"
        for i, row in enumerate(rows)
    ]


class NewFamilies:
    """Bodies of POST /api/v1/households: one person each, names nobody else has."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.count = 0
        self.rng = random.Random()
        # Another run on a reused database must not meet its own documents again.
        self.series = "".join(self.rng.choice("ABCDEFGHKLMNPRSTVXZ") for _ in range(5))

    def next(self) -> dict[str, object]:
        with self.lock:
            self.count += 1
            number = self.count
            letters = "".join(self.rng.choice("bcdfghklmnprstvz") for _ in range(6))
        return {
            "members": [
                {
                    "given_name": "Bench" + letters,
                    "family_name": f"Newcomer{self.series.lower()}{number}",
                    "birth_date": f"{1950 + number % 50}-0{1 + number % 9}-1{number % 10}",
                    "sex": "FM"[number % 2],
                    "relationship": "head",
                    "documents": [
                        {
                            "type": "passport",
                            "number": f"{self.series}{number:06d}",
                            "country": "UKR",
                        }
                    ],
                }
            ]
        }


class Desk:
    def __init__(self, base: str, token: str, site: str = "") -> None:
        self.site = site
        parsed = urlparse(base)
        self.conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def call(self, method: str, path: str, body: dict[str, object] | None = None) -> int:
        data = json.dumps(body) if body is not None else None
        self.conn.request(method, path, body=data, headers=self.headers)
        response = self.conn.getresponse()
        response.read()
        return response.status


def run_phase(
    name: str,
    desks: list[Desk],
    seconds: float,
    work: Callable[[Desk], tuple[int, int] | None],
    interval: float = 0.0,
    pids: list[int] | None = None,
) -> Result:
    """Each desk calls ``work`` until time is up; ``interval`` paces each desk (0: no pause).
    ``pids``: the server processes whose CPU the result counts."""
    result = Result(name)
    result.sites = {d.site: Result(d.site) for d in desks if d.site}
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def loop(desk: Desk, offset: float) -> None:
        next_at = time.perf_counter() + offset
        while True:
            if interval:
                pause = next_at - time.perf_counter()
                if pause > 0:
                    time.sleep(pause)
                next_at += interval
            if time.perf_counter() >= deadline:
                return
            started = time.perf_counter()
            outcome = work(desk)
            if outcome is None:
                return
            status, expected = outcome
            elapsed = time.perf_counter() - started
            with lock:
                result.add(elapsed, status != expected)
                if desk.site:
                    result.sites[desk.site].add(elapsed, status != expected)

    started = time.perf_counter()
    cpu_before = cpu_now(pids or [])
    threads = [
        threading.Thread(target=loop, args=(d, i * interval / len(desks)))
        for i, d in enumerate(desks)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    result.seconds = time.perf_counter() - started
    after = cpu_now(pids or [])
    result.cpu = (after[0] - cpu_before[0], after[1] - cpu_before[1], after[2] - cpu_before[2])
    for site in result.sites.values():
        site.seconds = result.seconds
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--households", type=int, default=20_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument(
        "--desks",
        type=int,
        default=8,
        help="desks in all, spread round-robin over the sites (at least one a site)",
    )
    parser.add_argument(
        "--sites",
        type=int,
        default=1,
        help="sites the desks work at, one server process each (default 1)",
    )
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rate", type=float, default=100, help="handovers a second, steady phase")
    parser.add_argument(
        "--threads",
        type=int,
        default=0,
        help="waitress threads of each server process (default: its site's desks)",
    )
    parser.add_argument(
        "--processes",
        type=int,
        default=1,
        help="server processes of each site on its one port (app.ops.serve, as scripts/run\n"
        "starts them)",
    )
    parser.add_argument("--database-url", default="")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure on the database a previous run seeded (give --database-url; for SQLite\n"
        "a file, e.g. sqlite:////var/tmp/bench.db): the seeding is the slow part",
    )
    parser.add_argument(
        "--phases",
        default=",".join(PHASES),
        help="the phases to run, comma-separated, in the bench's order (default: all):\n"
        + ", ".join(PHASES),
    )
    args = parser.parse_args()
    if args.reuse and not args.database_url:
        parser.error("--reuse needs --database-url")
    phases = set(args.phases.split(","))
    if not phases <= set(PHASES):
        parser.error(f"--phases: one or more of {', '.join(PHASES)}")
    if not 1 <= args.sites <= 99:
        parser.error("--sites: 1 to 99")
    if args.desks < args.sites:
        parser.error("--desks: at least one desk a site")

    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.db"
        token, qrs, spare, codes = build_database(
            url, args.households, args.days, reuse=args.reuse, sites=args.sites
        )
        queries = search_queries(url, 5000) if "search" in phases else []
        families = NewFamilies()
        print(f"{len(qrs) + len(spare)} households eligible today", flush=True)
        # Desk i works at site i mod N; each site's server has a thread per desk.
        site_desks = [len(range(i, args.desks, args.sites)) for i in range(args.sites)]
        servers = start_servers(url, codes, [args.threads or n for n in site_desks], args.processes)
        try:
            desks = [
                Desk(
                    servers[i % args.sites].url,
                    token,
                    codes[i % args.sites] if args.sites > 1 else "",
                )
                for i in range(args.desks)
            ]
            pool = list(qrs)
            pool_lock = threading.Lock()

            def check(desk: Desk) -> tuple[int, int]:
                return desk.call("GET", "/api/v1/eligibility?qr=" + quote(random.choice(qrs))), 200

            def handover(desk: Desk) -> tuple[int, int] | None:
                with pool_lock:
                    if not pool:
                        return None
                    qr = pool.pop()
                return desk.call("POST", "/api/v1/distributions", {"qr": qr}), 201

            def search(desk: Desk) -> tuple[int, int]:
                return desk.call("GET", "/api/v1/people?q=" + quote(random.choice(queries))), 200

            def register(desk: Desk) -> tuple[int, int]:
                return desk.call("POST", "/api/v1/households", families.next()), 201

            # A server's first requests are slow (imports, compiled statements, catalogs):
            # with many servers they would be most of a phase, so they are not measured.
            warm_up(desks, [check, check, check, handover, handover])
            pids = [pid for server in servers for pid in server.pids()]
            results: list[Result] = []
            if "eligibility" in phases:
                results.append(
                    run_phase("eligibility check", desks, args.seconds, check, pids=pids)
                )
            if "saturation" in phases:
                results.append(
                    run_phase("handover, saturation", desks, args.seconds, handover, pids=pids)
                )
            if "steady" in phases:
                results.append(
                    run_phase(
                        f"handover, steady {args.rate:.0f}/s",
                        desks,
                        args.seconds,
                        handover,
                        interval=args.desks / args.rate,
                        pids=pids,
                    )
                )
            if "search" in phases:
                results.append(run_phase("search by name", desks, args.seconds, search, pids=pids))
            if "registration" in phases:
                results.append(run_phase("registration", desks, args.seconds, register, pids=pids))
        finally:
            peaks = [peak_memory_mb(pid) for server in servers for pid in server.pids()]
            for server in servers:
                server.stop()
        # The yardsticks share the other half of the eligible households.
        yardsticks = [name for name in YARDSTICKS if name in phases]
        for n, name in enumerate(yardsticks):
            share = spare[n :: len(yardsticks)]
            results.append(yardstick(name, url, args, token, share))
        logs = [server.log_tail(200_000_000).splitlines() for server in servers]
        errors = [line for lines in logs for line in lines[-200:] if "Error" in line]
        # Which process answered each request (the request log's pid): how evenly the
        # launcher's processes shared the desks' connections.
        served_by = Counter(
            json.loads(line)["pid"]
            for lines in logs
            for line in lines
            if line.startswith('{"') and '"pid"' in line
        )
        if errors:
            print("server errors (last lines of its log):", *errors[-5:], sep="\n  ")
    engine = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    size = "the database reused" if args.reuse else f"{args.households} households"
    where = f"{args.sites} sites, one server each, " if args.sites > 1 else ""
    threads = f"{args.threads} server threads" if args.threads else "a server thread per desk"
    if args.processes > 1:
        threads = f"{args.processes} server processes a site, each with {threads}"
    setup = f"{size}, {args.desks} desks, {where}{threads}"
    print(f"\n{engine}, {setup}\n")
    print("| phase | requests | answered per second | p50 ms | p99 ms | errors |")
    print("|---|---|---|---|---|---|")
    for r in results:
        print(r.row())
    print("\n| phase, CPU ms a request | servers | load generator | whole machine (cores busy) |")
    print("|---|---|---|---|")
    for r in results:
        print(r.cpu_row())
    for r in results:
        if r.sites and r.name.startswith("handover"):
            print(f"\n{r.name}, per site\n")
            print("| site | requests | answered per second | p50 ms | p99 ms | errors |")
            print("|---|---|---|---|---|---|")
            for site in r.sites.values():
                print(site.row())
            print(r.row().replace(r.name, "all sites", 1))
    named = {r.name: r for r in results}
    saturated = named.get("handover, saturation")
    for name in yardsticks:
        measured = named.get(YARDSTICKS[name])
        if saturated and measured and measured.rate() and saturated.latencies:
            print(
                f"\nhandovers at saturation: {saturated.rate() / measured.rate():.0%} of the "
                f"{name} endpoint's throughput"
            )
    if args.processes > 1 and len(served_by) > 1:
        shares = ", ".join(f"{n:,}" for n in sorted(served_by.values(), reverse=True))
        print(f"\nrequests answered by each server process: {shares}")
    measured_peaks = [peak for peak in peaks if peak is not None]
    if measured_peaks:
        largest = max(measured_peaks)
        together = f", {sum(measured_peaks):.0f} MB for all {len(peaks)}" if len(peaks) > 1 else ""
        print(
            f"\nserver process peak memory (VmHWM): {largest:.0f} MB (target: under 300){together}"
        )
    if len(pool) == 0:
        print("\nnote: the pool of eligible households ran out; use more --households")


def warm_up(desks: list[Desk], calls: list[Callable[[Desk], object]]) -> None:
    """Every desk makes ``calls`` at once, unmeasured, before the first phase."""

    def run(desk: Desk) -> None:
        for call in calls:
            call(desk)

    threads = [threading.Thread(target=run, args=(desk,)) for desk in desks]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def start_servers(
    url: str, codes: list[str], threads: list[int], processes: int = 1
) -> list[LiveServer]:
    """One server per site (AID_SITE), four starting at a time; none left running on a failure."""
    with ThreadPoolExecutor(max_workers=min(4, len(codes))) as starting:  # 20 at once: too slow
        futures = [
            starting.submit(
                start_server,
                url,
                threads=n,
                processes=processes,
                extra_env={"CARD_KEY": CARD_KEY, "AID_SITE": code},
                start_timeout=120,  # many processes starting on a busy machine
            )
            for code, n in zip(codes, threads, strict=True)
        ]
    failed = [f.exception() for f in futures if f.exception() is not None]
    if failed:
        for f in futures:
            if f.exception() is None:
                f.result().stop()
        raise RuntimeError("a server did not start") from failed[0]
    return [f.result() for f in futures]


def yardstick(
    name: str, url: str, args: argparse.Namespace, token: str, households: list[tuple[str, int]]
) -> Result:
    """A yardstick's saturation: its own server, as many desks and threads as the app had."""
    pool = list(households)
    pool_lock = threading.Lock()
    lean = name == "lean"

    def bare_handover(desk: Desk) -> tuple[int, int] | None:
        with pool_lock:
            if not pool:
                return None
            qr, household_id = pool.pop()
        body: dict[str, object] = {"qr": qr} if lean else {"household_id": household_id}
        return desk.call("POST", "/bare/lean" if lean else "/bare/handover", body), 201

    process, base = start_bare(url, args.threads or args.desks, lean=lean)
    try:
        desks = [Desk(base, token) for _ in range(args.desks)]
        return run_phase(YARDSTICKS[name], desks, args.seconds, bare_handover, pids=[process.pid])
    finally:
        process.terminate()
        process.wait()


def peak_memory_mb(pid: int) -> float | None:
    """The server process's peak resident memory so far, from /proc (None off Linux)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return None


if __name__ == "__main__":
    main()
