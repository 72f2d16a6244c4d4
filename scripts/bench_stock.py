"""The stock page with many items across sites.

    .venv/bin/python scripts/bench_stock.py                  # 500 items, 5 sites
    .venv/bin/python scripts/bench_stock.py --database-url postgresql+psycopg://...

Builds a database (SQLite unless --database-url) with the items, a donation with a lot and
an expiry date for every item at every site, a week of handovers, then times GET /stock (the
whole page as a stock manager gets it: low stock and forecast, lots by expiry, the first page
of the catalog with on hand here and in all, the donation form) and GET /stock?view=all (every
site side by side) through the app and prints p50/p95/max of each.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench import CARD_KEY, bench_app  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=500)
    parser.add_argument("--sites", type=int, default=5)
    parser.add_argument("--households", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--profile", action="store_true", help="profile 5 requests instead")
    args = parser.parse_args()

    from werkzeug.security import generate_password_hash

    from app import context
    from app.auth.models import User
    from app.demo import seed_demo
    from app.extensions import db
    from app.sites import services as stock_sites
    from app.stock.donations import DonationLineInput, record_donation
    from app.stock.models import CATEGORIES, Item

    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/stock.db"
        app = bench_app(url)
        with app.test_request_context():
            started = time.perf_counter()
            seed_demo(
                db.session,
                households=args.households,
                days=7,
                today=context.today(),
                card_key=CARD_KEY,
            )
            db.session.commit()
            have = db.session.query(Item).count()
            for n in range(have, args.items):
                db.session.add(
                    Item(
                        sku=f"ITEM-{n:04d}",
                        name=f"Item {n}",
                        category=CATEGORIES[n % len(CATEGORIES)],
                        minimum=rng.randint(0, 60),
                    )
                )
            sites = [stock_sites.find_site(db.session, "MAIN")]
            for n in range(1, args.sites):
                kind = "warehouse" if n == 1 else "distribution"
                sites.append(
                    stock_sites.create_site(db.session, code=f"S{n}", name=f"Site {n}", kind=kind)
                )
            db.session.flush()
            skus = [i.sku for i in db.session.query(Item).order_by(Item.id)]
            today = context.today()
            for site in sites:
                for start in range(0, len(skus), 50):
                    lines = [
                        DonationLineInput(
                            sku,
                            rng.randint(1, 200),
                            today + timedelta(days=rng.randint(-10, 400)),
                            f"L{rng.randint(1000, 9999)}",
                        )
                        for sku in skus[start : start + 50]
                    ]
                    record_donation(
                        db.session,
                        donor=f"Donor {rng.randint(1, 40)}",
                        lines=lines,
                        site_id=site.id,
                        received_on=today,
                        user_id=None,
                    )
            db.session.add(
                User(
                    username="bench",
                    role="stock_manager",
                    password_hash=generate_password_hash("bench-password", "pbkdf2:sha256:1000"),
                )
            )
            db.session.commit()
            if url.startswith("postgresql"):
                # What autovacuum does on a live server after a bulk load: without statistics
                # the planner walks a week of handovers row by row.
                with db.engine.connect() as conn:
                    conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")
            built = time.perf_counter() - started
            print(f"built {len(skus)} items x {len(sites)} sites in {built:.1f} s")

        client = app.test_client()
        app.config["WTF_CSRF_ENABLED"] = False
        login = client.post("/login", data={"username": "bench", "password": "bench-password"})
        assert login.status_code == 302, login.text[:500]
        assert client.get("/stock").status_code == 200  # warm up
        if "--profile" in sys.argv:
            import cProfile
            import pstats

            profile = cProfile.Profile()
            profile.enable()
            for _ in range(5):
                client.get("/stock")
            profile.disable()
            pstats.Stats(profile).sort_stats("cumulative").print_stats(r"app/", 30)
            return
        engine = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
        for path in ("/stock", "/stock?view=all"):
            assert client.get(path).status_code == 200  # warm up
            timings = []
            for _ in range(args.requests):
                t0 = time.perf_counter()
                response = client.get(path)
                timings.append((time.perf_counter() - t0) * 1000)
                assert response.status_code == 200
            timings.sort()
            p95 = timings[int(len(timings) * 0.95) - 1]
            print(
                f"GET {path}, {len(skus)} items x {len(sites)} sites ({engine}): "
                f"p50 {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms, "
                f"max {timings[-1]:.1f} ms over {args.requests} requests"
            )


if __name__ == "__main__":
    main()
