"""Reports benchmark: a year of one busy site (250 days x 1,000 visits).

    .venv/bin/python scripts/bench_reports.py                 SQLite in a temporary folder
    .venv/bin/python scripts/bench_reports.py --days 20       a quick look
    .venv/bin/python scripts/bench_reports.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench

It fills a fresh database with the year (households of 1-6 people coming back every 10-20
days, their handovers with items, who was served, refusals and registrations), then, in a
fresh process so its memory is the export's and not the seeding's, times:
- the period report of the whole year as .xlsx and as .csv, through the API
  (targets: under 20 s, and under 300 MB peak memory of the whole process);
- the same figures as JSON;
- the live dashboard's JSON on the last (busiest) day (target: under 200 ms).
A PostgreSQL database named in --database-url is emptied first.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench import bench_app  # noqa: E402

FIRST_DAY = date(2025, 1, 6)  # a Monday
DESKS = 8
CHUNK = 20_000
PASSWORD = "bench password"


def working_days(n: int) -> list[date]:
    days, day = [], FIRST_DAY
    while len(days) < n:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def seed(url: str, n_days: int, per_day: int) -> dict[str, int]:
    """The year, written with bulk inserts (the desk's own path would take hours)."""
    from sqlalchemy import insert, select

    from app.auth.models import User
    from app.desk.models import Distribution, DistributionLine, Refusal, VisitMember, VisitPeople
    from app.desk.rules import age_band
    from app.extensions import db
    from app.households.models import Household, Member
    from app.sites.models import Site
    from app.stock.models import Item

    rng = random.Random(2026)
    app = bench_app(url)
    days = working_days(n_days)
    # Enough households that each comes back every 10-20 days and the desk still sees
    # per_day of them a day.
    n_households = per_day * 16
    counts: Counter[str] = Counter()
    with app.app_context():
        session = db.session
        site_id = session.scalar(select(Site.id).where(Site.code == "MAIN"))
        items = list(session.scalars(select(Item.id).order_by(Item.id)))
        session.execute(
            insert(User),
            [
                {"username": f"desk{i}", "role": "volunteer", "password_hash": "x"}
                for i in range(DESKS)
            ],
        )
        desks = list(session.scalars(select(User.id).order_by(User.id)))
        members: dict[int, list[tuple[int, str, date, bool]]] = {}
        households, people = [], []
        member_id = 1
        for h in range(1, n_households + 1):
            # Most families were registered before the year began; the rest arrive through it.
            settled = h <= n_households * 85 // 100
            spread = days[(h * 7919) % len(days)]
            registered = FIRST_DAY - timedelta(days=30) if settled else spread
            households.append({"id": h, "site_id": site_id, "registered_on": registered})
            family = []
            for position in range(rng.choice((1, 2, 2, 3, 3, 4, 5, 6))):
                born = FIRST_DAY - timedelta(days=rng.randrange(100, 80 * 365))
                sex = rng.choice("FM")
                disabled = rng.random() < 0.05
                people.append(
                    {
                        "id": member_id,
                        "household_id": h,
                        "given_name": "Bench",
                        "family_name": f"Family{h}",
                        "birth_date": born,
                        "sex": sex,
                        "relationship": "head" if position == 0 else "other",
                        "disability": disabled,
                    }
                )
                family.append((member_id, sex, born, disabled))
                member_id += 1
            members[h] = family
        for rows, model in ((households, Household), (people, Member)):
            for i in range(0, len(rows), CHUNK):
                session.execute(insert(model), rows[i : i + CHUNK])
        counts["households"], counts["people"] = len(households), len(people)

        next_visit = {h: FIRST_DAY for h in members}
        distribution_id = 1
        for day in days:
            due = [h for h, when in next_visit.items() if when <= day and h <= len(households)]
            due = [h for h in due if households[h - 1]["registered_on"] <= day]
            rng.shuffle(due)
            today = due[:per_day]
            visits, lines, bands, served, refusals = [], [], [], [], []
            for n, h in enumerate(today):
                at = datetime.combine(day, clock(7 + n * 8 // per_day, n % 60), tzinfo=UTC)
                family = members[h]
                visits.append(
                    {
                        "id": distribution_id,
                        "household_id": h,
                        "site_id": site_id,
                        "served_on": day,
                        "served_at": at,
                        "user_id": desks[n % DESKS],
                        "people": len(family),
                    }
                )
                for item in items[: 2 + len(family) // 2]:
                    lines.append(
                        {
                            "distribution_id": distribution_id,
                            "item_id": item,
                            "entitled": 1,
                            "given": 1,
                        }
                    )
                for (sex, band), k in Counter(
                    (s, age_band(b, day)) for _, s, b, _ in family
                ).items():
                    bands.append(
                        {
                            "distribution_id": distribution_id,
                            "sex": sex,
                            "age_band": band,
                            "people": k,
                        }
                    )
                served.extend(
                    {"distribution_id": distribution_id, "member_id": m, "disability": d}
                    for m, _, _, d in family
                )
                next_visit[h] = day + timedelta(days=rng.randrange(10, 21))
                distribution_id += 1
            for h in rng.sample(sorted(next_visit), per_day // 20):
                if next_visit[h] > day and h not in today:
                    refusals.append({"household_id": h, "site_id": site_id, "refused_on": day})
            for rows, model in (
                (visits, Distribution),
                (lines, DistributionLine),
                (bands, VisitPeople),
                (served, VisitMember),
                (refusals, Refusal),
            ):
                if rows:
                    session.execute(insert(model), rows)
                counts[model.__tablename__] += len(rows)
        session.commit()
    counts["days"] = len(days)
    return dict(counts)


def measure(url: str, last_day: str, runs: int) -> dict[str, Any]:
    """In its own process: the exports and the dashboard, timed; the process's peak memory."""
    from app.auth.services import create_user, issue_api_token
    from app.extensions import db

    app = bench_app_existing(url)
    day = date.fromisoformat(last_day)
    moment = datetime.combine(day, clock(13, 30), tzinfo=UTC)
    app.config["CLOCK"] = lambda: moment
    app.config["WTF_CSRF_ENABLED"] = False
    with app.app_context():
        user = create_user(db.session, "bench-coordinator", "coordinator", PASSWORD)
        token = issue_api_token(db.session, user)
        db.session.commit()
    api = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    period = (
        f"from={FIRST_DAY.isoformat()}&to={min(day, FIRST_DAY + timedelta(days=365)).isoformat()}"
    )
    results: dict[str, Any] = {}
    for name, path in (
        ("period.json", f"/api/v1/reports/period?{period}"),
        ("period.xlsx", f"/api/v1/reports/period.xlsx?{period}"),
        ("period.csv", f"/api/v1/reports/period.csv?{period}"),
    ):
        seconds = []
        for _ in range(runs):
            started = time.perf_counter()
            response = api.get(path, headers=headers)
            seconds.append(time.perf_counter() - started)
            assert response.status_code == 200, response.text[:300]
        results[name] = {"seconds": seconds, "bytes": len(response.data)}
    browser = app.test_client()
    login = browser.post("/login", data={"username": "bench-coordinator", "password": PASSWORD})
    assert login.status_code == 302, login.status_code
    seconds = []
    for _ in range(max(runs, 10)):
        started = time.perf_counter()
        response = browser.get("/reports/dashboard.json")
        seconds.append(time.perf_counter() - started)
        assert response.status_code == 200
    results["dashboard.json"] = {
        "seconds": seconds,
        "served": response.get_json()["households_served"],
    }
    results["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return results


def bench_app_existing(url: str) -> Any:
    from app import create_app

    return create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "CARD_KEY": "bench",
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--days", type=int, default=250)
    parser.add_argument("--visits", type=int, default=1000, help="visits a day")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--measure", nargs=2, metavar=("URL", "LAST_DAY"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure[0], args.measure[1], args.runs)))
        return

    url = args.database_url or f"sqlite:///{tempfile.mkdtemp(prefix='aiddesk-bench-')}/bench.db"
    started = time.perf_counter()
    counts = seed(url, args.days, args.visits)
    print(f"Seeded in {time.perf_counter() - started:.0f} s: {counts}")
    last_day = working_days(args.days)[-1].isoformat()
    child = subprocess.run(
        [sys.executable, __file__, "--runs", str(args.runs), "--measure", url, last_day],
        check=True,
        capture_output=True,
        text=True,
    )
    results = json.loads(child.stdout.strip().splitlines()[-1])
    for name in ("period.json", "period.xlsx", "period.csv", "dashboard.json"):
        r = results[name]
        s = r["seconds"]
        extra = f", {r['bytes'] / 1024:.0f} KB" if "bytes" in r else f", {r['served']} served"
        print(
            f"{name:15} median {statistics.median(s) * 1000:8.1f} ms, "
            f"max {max(s) * 1000:8.1f} ms over {len(s)} runs{extra}"
        )
    print(f"peak memory of the measuring process: {results['peak_rss_mb']:.0f} MB")


if __name__ == "__main__":
    main()
