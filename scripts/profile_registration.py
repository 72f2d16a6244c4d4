"""Where one registration's time goes: POST /api/v1/households in process, on a bench database.

    .venv/bin/python scripts/profile_registration.py --database-url sqlite:////var/tmp/copy.db
    .venv/bin/python scripts/profile_registration.py --database-url ... --profile 30 --statements

The database is one scripts/bench seeded (it has the bench's volunteer); it gains the
households registered (the bench's one-person families, names nobody else has).
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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench import NewFamilies, reused_app  # noqa: E402
from sqlalchemy import event  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--registrations", type=int, default=200)
    parser.add_argument("--profile", type=int, default=0, help="print the top N of cProfile")
    parser.add_argument("--statements", action="store_true", help="time each SQL statement")
    args = parser.parse_args()

    from app.auth.services import find_user, issue_api_token
    from app.extensions import db

    app = reused_app(args.database_url)
    with app.app_context():
        user = find_user(db.session, "bench")
        if user is None:
            raise SystemExit("this database was not made by scripts/bench")
        token = issue_api_token(db.session, user)
        db.session.commit()
        db.session.remove()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    families = NewFamilies()

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
            statements[" ".join(statement.split())[:140]].append(took)

    for _ in range(10):  # warm the caches
        client.post("/api/v1/households", json=families.next(), headers=headers)
    statements.clear()
    profile = cProfile.Profile() if args.profile else None
    times = []
    cpu = time.process_time()
    for _ in range(args.registrations):
        started = time.perf_counter()
        if profile:
            profile.enable()
        answer = client.post("/api/v1/households", json=families.next(), headers=headers)
        if profile:
            profile.disable()
        times.append((time.perf_counter() - started) * 1000)
        assert answer.status_code == 201, answer.text
    cpu = (time.process_time() - cpu) * 1000 / len(times)
    ms = sorted(times)
    print(
        f"{len(ms)} registrations: p50 {statistics.median(ms):.2f} ms, "
        f"p95 {ms[int(len(ms) * 0.95)]:.2f} ms, mean {statistics.mean(ms):.2f} ms, "
        f"CPU {cpu:.2f} ms a registration"
    )
    for statement, took in sorted(statements.items(), key=lambda s: -sum(s[1])):
        print(
            f"{len(took):5} × {statistics.mean(took) * 1000:7.3f} ms "
            f"(total {sum(took) * 1000:8.1f} ms)  {statement}"
        )
    if profile:
        profile.dump_stats("/tmp/aid_search_reg.prof")
        pstats.Stats(profile).sort_stats("cumulative").print_stats(args.profile)
        pstats.Stats(profile).sort_stats("tottime").print_stats(args.profile)


if __name__ == "__main__":
    main()
