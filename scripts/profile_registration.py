"""Where one registration's time goes: POST /api/v1/households in process, on a bench database.

    .venv/bin/python scripts/profile_registration.py --database-url sqlite:////var/tmp/copy.db
    .venv/bin/python scripts/profile_registration.py --database-url ... --profile 30 --statements

The database is one scripts/bench seeded (it has the bench's volunteer); it gains the
households registered (the bench's one-person families, names nobody else has).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench import NewFamilies  # noqa: E402
from profiling import bench_client, repeat, time_statements  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--registrations", type=int, default=200)
    parser.add_argument("--profile", type=int, default=0, help="print the top N of cProfile")
    parser.add_argument("--statements", action="store_true", help="time each SQL statement")
    args = parser.parse_args()

    from app.extensions import db

    app, client, headers = bench_client(args.database_url)
    families = NewFamilies()
    statements: dict[str, list[float]] = {}
    if args.statements:
        with app.app_context():
            statements = time_statements(db.engine)

    def register() -> object:
        return client.post("/api/v1/households", json=families.next(), headers=headers)

    for _ in range(10):  # warm the caches
        register()
    repeat(
        ("registration", "registrations"),
        [register] * args.registrations,
        201,
        statements,
        top=args.profile,
    )


if __name__ == "__main__":
    main()
