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
import sys
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench import search_queries  # noqa: E402
from profiling import bench_client, repeat, time_statements  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--searches", type=int, default=300)
    parser.add_argument("--profile", type=int, default=0, help="print the top N of cProfile")
    parser.add_argument("--statements", action="store_true", help="time each SQL statement")
    args = parser.parse_args()

    from app.extensions import db

    # The bench's queries leave out its own newcomers, whose names hold a number.
    queries = search_queries(args.database_url, args.searches)
    app, client, headers = bench_client(args.database_url)
    statements: dict[str, list[float]] = {}
    if args.statements:
        with app.app_context():
            statements = time_statements(db.engine)

    def search(query: str) -> object:
        return client.get("/api/v1/people?q=" + quote(query), headers=headers)

    for query in queries[:20]:  # warm the caches
        search(query)
    repeat(
        ("search", "searches"),
        [lambda q=q: search(q) for q in queries],
        200,
        statements,
        top=args.profile,
    )


if __name__ == "__main__":
    main()
