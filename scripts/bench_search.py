"""Search over many people: by name in Latin or Cyrillic, by document number, by card number.

    .venv/bin/python scripts/bench_search.py --households 200000     # about 600,000 people

Builds a demo database (SQLite unless --database-url), then times registry.search's
search_people in-process for a mix of queries, and prints p50/p95/max per kind.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench import CARD_KEY, bench_app  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

CYRILLIC = {
    "Olena": "Олена", "Iryna": "Ірина", "Oksana": "Оксана", "Yuliia": "Юлія", "Ivan": "Іван",
    "Taras": "Тарас", "Kovalenko": "Коваленко", "Shevchenko": "Шевченко", "Zhuk": "Жук",
    "Melnyk": "Мельник", "Boiko": "Бойко", "Lysenko": "Лисенко",
}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--households", type=int, default=200_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    from app import context
    from app.cards.models import Card
    from app.demo import seed_demo
    from app.extensions import db
    from app.households.models import Document, Member
    from app.registry.search import search_people

    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/search.db"
        app = bench_app(url)
        with app.test_request_context():
            started = time.perf_counter()
            summary = seed_demo(
                db.session,
                households=args.households,
                days=60,
                today=context.today(),
                card_key=CARD_KEY,
            )
            db.session.commit()
            people = db.session.scalar(select(func.count(Member.id)))
            print(f"{people} people in {time.perf_counter() - started:.0f} s", flush=True)
            rng = random.Random(7)
            members = db.session.execute(
                select(Member.given_name, Member.family_name).limit(5000)
            ).all()
            documents = db.session.scalars(select(Document.number).limit(5000)).all()
            cards = db.session.scalars(select(Card.number).limit(5000)).all()
            kinds = {
                "name, Latin": lambda: " ".join(rng.choice(members)),
                "name, Cyrillic": lambda: " ".join(CYRILLIC.get(w, w) for w in rng.choice(members)),
                "name, first letters": lambda: " ".join(w[:3] for w in rng.choice(members)),
                "document number": lambda: rng.choice(documents).lower(),
                "card number": lambda: rng.choice(cards),
            }
            rows = []
            for kind, make in kinds.items():
                times, hits = [], 0
                for _ in range(args.queries):
                    query = make()
                    started = time.perf_counter()
                    found = search_people(db.session, query, everything=True)
                    times.append(time.perf_counter() - started)
                    hits += bool(found)
                ms = sorted(t * 1000 for t in times)
                p95 = ms[int(len(ms) * 0.95)]
                rows.append(
                    f"| {kind} | {len(ms)} | {statistics.median(ms):.1f} | {p95:.1f} | "
                    f"{max(ms):.1f} | {hits} |"
                )
            db.session.remove()
    engine = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    print(f"\n{engine}, {people} people ({summary.households} households)\n")
    print("| query | count | p50 ms | p95 ms | max ms | found something |")
    print("|---|---|---|---|---|---|")
    print(*rows, sep="\n")


if __name__ == "__main__":
    main()
