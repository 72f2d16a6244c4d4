"""Card sheet benchmark: how long a sheet of 1,000 cards takes to make (target: under 5 s).

    .venv/bin/python scripts/bench_cards.py                      1,000 cards, SQLite
    .venv/bin/python scripts/bench_cards.py --cards 2000 --households 20000
    .venv/bin/python scripts/bench_cards.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench

It builds a fresh database of demo households with their cards, then times, each --runs times:
- read: the cards in force of the chosen households, and their QR texts (app.cards.sheets);
- draw: the A4 PDF of those cards (app.cards.pdf);
- API: POST /api/v1/cards/sheet through the app, the whole request, as a client asks for it;
- job: the sheets page's background job, with its progress written to the database.
A PostgreSQL database named in --database-url is emptied first.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench import CARD_KEY, bench_app  # noqa: E402


def timed(runs: int, work: Callable[[], object]) -> list[float]:
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        seconds.append(time.perf_counter() - started)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--cards", type=int, default=1000)
    parser.add_argument("--households", type=int, default=0, help="default: --cards")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    from sqlalchemy import select

    from app import context
    from app.auth.services import create_user, issue_api_token
    from app.cards import jobs
    from app.cards.pdf import sheet_pdf
    from app.cards.sheets import sheet_faces
    from app.db import utcnow
    from app.demo import seed_demo
    from app.extensions import db
    from app.households.models import Household

    url = args.database_url or f"sqlite:///{tempfile.mkdtemp(prefix='aiddesk-bench-')}/bench.db"
    app = bench_app(url)
    with app.test_request_context():
        seed_demo(
            db.session,
            households=max(args.households, args.cards),
            days=30,
            today=context.today(),
            card_key=CARD_KEY,
        )
        user = create_user(db.session, "bench", "volunteer", "desk-Zq7!at-the-queue")
        token = issue_api_token(db.session, user)
        db.session.commit()
        ids = list(db.session.scalars(select(Household.id).order_by(Household.id)))[: args.cards]
        user_id = user.id

    results: dict[str, list[float]] = {}
    pages = 0
    with app.app_context():
        faces = sheet_faces(db.session, ids, card_key=CARD_KEY)
        results["read"] = timed(args.runs, lambda: sheet_faces(db.session, ids, card_key=CARD_KEY))
        db.session.rollback()
        results["draw"] = timed(args.runs, lambda: sheet_pdf(faces))
        size = len(sheet_pdf(faces))

    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}

    def api() -> None:
        response = client.post("/api/v1/cards/sheet", json={"household_ids": ids}, headers=headers)
        assert response.status_code == 200, response.text[:300]
        nonlocal pages
        pages = response.data.count(b"/Type /Page\n")

    results["API"] = timed(args.runs, api)

    def job() -> None:
        with app.app_context():
            sheet = jobs.request_sheet(db.session, ids, user_id=user_id, now=utcnow())
            db.session.commit()
            jobs.make_sheet(db.session, sheet, card_key=CARD_KEY, clock=utcnow)
            db.session.remove()

    results["job"] = timed(args.runs, job)
    with app.app_context():
        db.engine.dispose()

    dialect = url.split(":", 1)[0].split("+", 1)[0]
    print(f"\n{len(ids)} cards on {dialect}, {args.runs} runs; PDF of {size / 1e6:.2f} MB")
    print("\n| step | cards | best s | median s | cards/s (median) |")
    print("|---|---|---|---|---|")
    for name, seconds in results.items():
        median = statistics.median(seconds)
        print(
            f"| {name} | {len(ids)} | {min(seconds):.2f} | {median:.2f} | {len(ids) / median:.0f} |"
        )
    if pages:
        print(f"\nThe API's PDF: {pages} pages.")


if __name__ == "__main__":
    main()
