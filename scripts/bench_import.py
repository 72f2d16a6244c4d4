"""Importing a register of 10,000 rows (households.imports): read, check, save.

    .venv/bin/python scripts/bench_import.py                  # 10,000 rows on SQLite
    .venv/bin/python scripts/bench_import.py --rows 10000 --existing 20000 --database-url URL

Builds a fresh database (optionally with --existing demo households already registered, for
the duplicate checks to search), writes a CSV of households of two (a head with a passport,
a child with a birth certificate), and times the three steps the import page runs: reading
the file, checking every row, and saving all of it in one transaction. The issue asks for
10,000 rows in under a minute.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench import CARD_KEY, bench_app  # noqa: E402

GIVEN = ["Olena", "Iryna", "Oksana", "Yuliia", "Nadiia", "Halyna", "Vira", "Marta", "Sofiia"]
FAMILY = ["Koval", "Melnyk", "Bondar", "Tkachenko", "Moroz", "Savchuk", "Lysenko", "Rudenko"]


def register_csv(rows: int) -> bytes:
    lines = ["household,relationship,given name,family name,birth date,sex,document type,"
             "document number,phone"]  # fmt: skip
    for i in range(rows):
        household = i // 2
        name = f"{GIVEN[household % len(GIVEN)]},{FAMILY[household // len(GIVEN) % len(FAMILY)]}"
        if i % 2 == 0:
            born = f"{1950 + household % 40}-{1 + household % 12:02d}-{1 + household % 28:02d}"
            lines.append(f"{household},head,{name},{born},F,passport,FA{i:06d},+40 7{i:08d}")
        else:
            family = name.split(",")[1]
            lines.append(f"{household},child,Child,{family},2016-03-0{1 + household % 9},"
                         f"M,birth_certificate,I-БК {i:06d},")  # fmt: skip
    return "\n".join(lines).encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--existing", type=int, default=0, help="demo households first")
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    from app import context
    from app.demo import seed_demo
    from app.extensions import db
    from app.households import imports
    from app.households.imports.files import guess_mapping
    from app.registry.import_save import save_groups

    data = register_csv(args.rows)
    with tempfile.TemporaryDirectory() as tmp:
        app = bench_app(args.database_url or f"sqlite:///{tmp}/import.db")
        with app.test_request_context():
            if args.existing:
                seed_demo(
                    db.session,
                    households=args.existing,
                    days=30,
                    today=context.today(),
                    card_key=CARD_KEY,
                )
                db.session.commit()
            from app.auth.models import User

            user = User(username="bench", role="coordinator", password_hash="-")
            db.session.add(user)
            db.session.commit()

            started = time.perf_counter()
            job = imports.upload(
                db.session, "register.csv", data, user_id=user.id, now=context.now()
            )
            imports.set_mapping(
                db.session, job, guess_mapping(json.loads(job.columns)),
                now=context.now(),
            )  # fmt: skip
            db.session.commit()
            read = time.perf_counter()
            imports.check_job(db.session, job.id, today=context.today(), clock=context.now)
            checked = time.perf_counter()
            db.session.expire_all()  # the job's row was written by the check
            problems = imports.job_problems(db.session, job)
            if problems:
                sys.exit(f"{len(problems)} problems, the first: {problems[0]}")
            imports.queue_import(db.session, job, now=context.now())
            db.session.commit()
            imports.import_job(
                db.session,
                job.id,
                today=context.today(),
                save=partial(
                    save_groups,
                    site_id=context.site_id(),
                    today=context.today(),
                    user_id=user.id,
                    card_key=CARD_KEY,
                ),
                clock=context.now,
            )
            saved = time.perf_counter()
            progress = imports.job_progress(db.session, job.id, user_id=user.id, now=context.now())
            assert progress.status == "done", progress
    engine = "PostgreSQL" if args.database_url.startswith("postgresql") else "SQLite"
    print(
        f"{args.rows:,} rows ({progress.households:,} households) on {engine}"
        f"{f' beside {args.existing:,} registered households' if args.existing else ''}: "
        f"read {read - started:.1f} s, checked {checked - read:.1f} s, "
        f"saved {saved - checked:.1f} s, total {saved - started:.1f} s"
    )


if __name__ == "__main__":
    main()
