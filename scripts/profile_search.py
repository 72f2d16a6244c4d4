"""Where one search's time goes: GET /api/v1/people?q=NAME in process, on a bench database.

    .venv/bin/python scripts/profile_search.py --database-url sqlite:////var/tmp/bench.db
    .venv/bin/python scripts/profile_search.py --database-url ... --profile 30   cProfile, top 30
    .venv/bin/python scripts/profile_search.py --database-url ... --statements  each SQL timed

The database is one scripts/bench seeded (it has the bench's volunteer). The same queries as
the bench's search phase (names of registered people, Latin or Cyrillic), through the test
client with a bearer token: the whole request but the HTTP server.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench import reused_app, search_queries  # noqa: E402
from sqlalchemy import event  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--searches", type=int, default=300)
    parser.add_argument("--profile", type=int, default=0, help="print the top N of cProfile")
    parser.add_argument("--statements", action="store_true", help="time each SQL statement")
    args = parser.parse_args()

    from app.auth.services import find_user, issue_api_token
    from app.extensions import db

    app = reused_app(args.database_url)
    # Names only: the families a bench run registered have a number in their name, and a
    # search with a number spends from the lookup budget (429 when it runs out).
    queries = [
        q
        for q in search_queries(args.database_url, args.searches * 2)
        if not any(ch.isdigit() for ch in q)
    ][: args.searches]
    with app.app_context():
        user = find_user(db.session, "bench")
        if user is None:
            raise SystemExit("this database was not made by scripts/bench")
        token = issue_api_token(db.session, user)
        db.session.commit()
        db.session.remove()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}

    statements: dict[str, list[float]] = defaultdict(list)
    if args.statements:
        with app.app_context():
            engine = db.engine

        @event.listens_for(engine, "before_cursor_execute")
        def before(conn: Any, cursor: Any, statement: str, *rest: Any) -> None:
            conn.info.setdefault("started", []).append(time.perf_counter())

        @event.listens_for(engine, "after_cursor_execute")
        def after(conn: Any, cursor: Any, statement: str, *rest: Any) -> None:
            took = time.perf_counter() - conn.info["started"].pop()
            statements[" ".join(statement.split())[:160]].append(took)

    for query in queries[:20]:  # warm the caches
        client.get("/api/v1/people?q=" + quote(query), headers=headers)
    statements.clear()
    profile = cProfile.Profile() if args.profile else None
    times = []
    cpu = time.process_time()
    for query in queries:
        started = time.perf_counter()
        if profile:
            profile.enable()
        answer = client.get("/api/v1/people?q=" + quote(query), headers=headers)
        if profile:
            profile.disable()
        times.append((time.perf_counter() - started) * 1000)
        assert answer.status_code == 200, answer.text
    cpu = (time.process_time() - cpu) * 1000 / len(times)
    ms = sorted(times)
    print(
        f"{len(ms)} searches: p50 {statistics.median(ms):.2f} ms, "
        f"p95 {ms[int(len(ms) * 0.95)]:.2f} ms, mean {statistics.mean(ms):.2f} ms, "
        f"CPU {cpu:.2f} ms a search"
    )
    for statement, took in sorted(statements.items(), key=lambda s: -sum(s[1])):
        print(
            f"{len(took):5} × {statistics.mean(took) * 1000:7.3f} ms "
            f"(total {sum(took) * 1000:8.1f} ms)  {statement}"
        )
    if profile:
        profile.dump_stats("/tmp/aid_search.prof")
        pstats.Stats(profile).sort_stats("cumulative").print_stats(args.profile)
        pstats.Stats(profile).sort_stats("tottime").print_stats(args.profile)


if __name__ == "__main__":
    main()
