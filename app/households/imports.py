"""Importing an existing register from a spreadsheet (.xlsx or .csv: an older register, a
Kobo export), all or nothing.

Upload (the rows are kept in the import_jobs table), map the file's columns to fields, then
a background thread checks every row: the same checks as the desk (households.rules, typed
numbers held to their format), documents held by nobody else and written once in the file,
and the likely-duplicate check (households.duplicates) against the people registered. The
preview lists a problem per bad row; only a file without problems can be imported, and the
import is one transaction: the whole file lands, or nothing does. Progress lives in the
database (as for card sheets, cards.jobs); while the one import transaction runs, the bar
shows the checking's count and then "saving".

One row is one person. Rows with the same value in the "household" column are one household
(the first row its head unless a relationship column says otherwise); without that column
every row is a household of one. The rows are read and checked in households.import_checks;
this module runs the jobs, keeps their progress and saves.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from flask import Flask
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.cards import tokens
from app.cards.models import Card
from app.errors import NotFound, ValidationFailed
from app.extensions import db
from app.households.import_checks import (
    CHUNK,
    Group,
    Problem,
    build_groups,
    check_groups,
    problems_from_json,
    problems_to_json,
)
from app.households.import_files import FIELDS, REQUIRED, guess_mapping, read_table
from app.households.models import Household, ImportJob
from app.households.services import index_names, new_member_row, normal_phone

log = logging.getLogger(__name__)
KEEP_FOR = timedelta(days=1)
STALE_AFTER = timedelta(minutes=2)
PROGRESS_EVERY_S = 0.2
# A job's message is kept in English (a job has no request) and read through the catalog
# when its progress is asked for (job_progress).
CHANGED = _l("The register changed since the check: see the problems.")
FAILED = _l("The import failed: nothing was saved.")
STOPPED = _l("The server stopped while working: start again.")


# --- Saving, all or nothing ------------------------------------------------------------------


def save_groups(
    session: Session,
    groups: list[Group],
    *,
    site_id: int,
    today: date,
    now: datetime,
    user_id: int | None,
    card_key: str,
) -> int:
    """Register every household of the file in the session's one transaction, each with its
    first card. Returns how many; the caller commits, or rolls all of it back."""
    households = []
    for group in groups:
        household = Household(
            site_id=site_id,
            registered_on=today,
            created_at=now,
            created_by_id=user_id,
            phone=normal_phone(group.phone),
            locality=(group.locality or "").strip() or None,
        )
        household.members = [new_member_row(m, now) for m in group.members]
        households.append(household)
    session.add_all(households)
    session.flush()
    index_names(session, [m for h in households for m in h.members])
    _issue_cards(session, [h.id for h in households], card_key=card_key, now=now, user_id=user_id)
    return len(households)


def _issue_cards(
    session: Session, household_ids: list[int], *, card_key: str, now: datetime, user_id: int | None
) -> None:
    """First cards for many new households at once (cards.services.issue_card, in bulk)."""
    for _ in range(5):  # a clash of random card numbers is rare: draw them all again
        rows = []
        for household_id in household_ids:
            nonce = tokens.new_nonce()
            rows.append(
                {
                    "household_id": household_id,
                    "number": tokens.new_card_number(),
                    "nonce": nonce,
                    "token_hash": tokens.token_hash(tokens.derive_token(card_key, nonce)),
                    "issued_at": now,
                    "issued_by_id": user_id,
                }
            )
        try:
            with session.begin_nested():
                for start in range(0, len(rows), CHUNK):
                    session.execute(insert(Card), rows[start : start + CHUNK])
            return
        except IntegrityError:
            continue
    raise RuntimeError("could not draw unused card numbers")


# --- The job -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    id: int
    status: str
    done: int
    total: int
    message: str | None
    households: int

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "status": self.status,
            "done": self.done,
            "total": self.total,
            "message": self.message,
            "households": self.households,
        }


def upload(
    session: Session, filename: str, data: bytes, *, user_id: int, now: datetime
) -> ImportJob:
    """Keep an uploaded register's rows for mapping; old jobs (and their rows) are deleted."""
    columns, rows = read_table(filename, data)
    session.execute(delete(ImportJob).where(ImportJob.created_at < now - KEEP_FOR))
    job = ImportJob(
        status="uploaded",
        filename=filename[-200:],
        columns=json.dumps(columns, ensure_ascii=False),
        rows=json.dumps(rows, ensure_ascii=False),
        mapping=json.dumps(guess_mapping(columns)),
        total=len(rows),
        requested_by_id=user_id,
        created_at=now,
        updated_at=now,
    )
    session.add(job)
    session.flush()
    return job


def get_job(session: Session, job_id: int, *, user_id: int) -> ImportJob:
    job = session.scalar(
        select(ImportJob)
        .where(ImportJob.id == job_id, ImportJob.requested_by_id == user_id)
        .execution_options(populate_existing=True)  # its thread writes it behind the session
    )
    if job is None:
        raise NotFound(_l("No import %(job_id)s.", job_id=job_id))
    return job


def set_mapping(
    session: Session, job: ImportJob, mapping: dict[str, int | None], *, now: datetime
) -> None:
    """Map the file's columns and queue the check. Every required field needs a column."""
    if job.status not in ("uploaded", "checked"):
        raise ValidationFailed({"mapping": _l("this import has started already")})
    width = len(json.loads(job.columns))
    problems = {name: _l("choose the column") for name in REQUIRED if mapping.get(name) is None} | {
        name: _l("no such column")
        for name, index in mapping.items()
        if index is not None and not 0 <= index < width
    }
    if problems:
        raise ValidationFailed(problems)
    job.mapping = json.dumps({name: mapping.get(name) for name in FIELDS})
    job.status, job.done, job.message, job.updated_at = "checking", 0, None, now
    session.flush()


def queue_import(session: Session, job: ImportJob, *, now: datetime) -> None:
    """Queue the saving of a checked file without problems."""
    if job.status != "checked" or job.problems != "[]":
        raise ValidationFailed({"import": _l("only a checked file without problems is imported")})
    job.status, job.message, job.updated_at = "importing", None, now
    session.flush()


def _note(session: Session, job_id: int, clock: Callable[[], datetime], **values: Any) -> None:
    session.execute(
        update(ImportJob)
        .where(ImportJob.id == job_id)
        .values(updated_at=clock(), **values)
        .execution_options(synchronize_session=False)
    )
    session.commit()


def _groups_of(session: Session, job_id: int) -> tuple[list[Group], list[Problem]]:
    job_rows, mapping = session.execute(
        select(ImportJob.rows, ImportJob.mapping).where(ImportJob.id == job_id)
    ).one()
    session.commit()
    mapping = {k: v for k, v in json.loads(mapping).items()}
    return build_groups(json.loads(job_rows or "[]"), mapping)


def check_job(session: Session, job_id: int, *, today: date, clock: Callable[[], datetime]) -> None:
    """Check every row of a mapped file, writing the progress and then the problems."""
    groups, problems = _groups_of(session, job_id)
    last = time.monotonic()

    def progress(done: int) -> None:
        nonlocal last
        if time.monotonic() - last >= PROGRESS_EVERY_S:
            _note(session, job_id, clock, done=done)
            last = time.monotonic()

    problems += check_groups(session, groups, today, progress)
    session.commit()
    _note(
        session,
        job_id,
        clock,
        status="checked",
        done=ImportJob.total,
        problems=problems_to_json(sorted(problems, key=lambda p: p.row)),
        households=len(groups),
    )


def import_job(
    session: Session,
    job_id: int,
    *,
    site_id: int,
    today: date,
    user_id: int,
    card_key: str,
    clock: Callable[[], datetime],
) -> None:
    """Save a checked file in one transaction; the rows are dropped once saved. The checks
    run again inside it, so what changed since the preview cannot slip through."""
    groups, problems = _groups_of(session, job_id)
    problems += check_groups(session, groups, today, lambda _: None)
    if problems:
        session.rollback()
        _note(
            session,
            job_id,
            clock,
            status="checked",
            problems=problems_to_json(problems),
            message=str(CHANGED),
        )
        return
    count = save_groups(
        session, groups, site_id=site_id, today=today, now=clock(), user_id=user_id,
        card_key=card_key,
    )  # fmt: skip
    saved = session.execute(
        update(ImportJob)
        # Still importing: an erasure since the rows were read took some out (forget_rows),
        # and what was read must not be saved.
        .where(ImportJob.id == job_id, ImportJob.status == "importing")
        .values(status="done", done=ImportJob.total, households=count, rows=None)
        .values(updated_at=clock())
        .execution_options(synchronize_session=False)
    )
    if saved.rowcount != 1:  # type: ignore[attr-defined]
        session.rollback()
        return
    session.commit()


def start(
    app: Flask,
    work: Callable[[Session], None],
    job_id: int,
    name: str,
    clock: Callable[[], datetime],
) -> threading.Thread:
    """Run ``work`` on a thread of this process, recording a failure on the job."""

    def run() -> None:
        with app.app_context():
            try:
                work(db.session)
            except Exception:
                log.exception("import %s failed", job_id)
                try:
                    db.session.rollback()
                    _note(
                        db.session,
                        job_id,
                        clock,
                        status="failed",
                        message=str(FAILED),
                    )
                except Exception:
                    log.exception("import %s: could not record the failure", job_id)
            finally:
                db.session.remove()

    thread = threading.Thread(target=run, name=f"import-{name}-{job_id}", daemon=True)
    thread.start()
    return thread


def job_progress(session: Session, job_id: int, *, user_id: int, now: datetime) -> Progress:
    job = get_job(session, job_id, user_id=user_id)
    # Kept in English by the job (CHANGED, FAILED): read in the reader's language.
    status, message = job.status, gettext(job.message) if job.message else None
    if status in ("checking", "importing") and job.updated_at < now - STALE_AFTER:
        status, message = "failed", str(STOPPED)
    return Progress(job.id, status, job.done, job.total, message, job.households)


def job_problems(session: Session, job: ImportJob) -> list[Problem]:
    raw = session.scalar(select(ImportJob.problems).where(ImportJob.id == job.id))
    return problems_from_json(raw)


def preview_rows(session: Session, job: ImportJob, limit: int = 10) -> list[dict[str, str]]:
    """The first rows as the mapping reads them."""
    raw = session.scalar(select(ImportJob.rows).where(ImportJob.id == job.id))
    mapping = json.loads(job.mapping or "{}")
    rows = json.loads(raw or "[]")[:limit]
    return [
        {name: (row[i] if i is not None and i < len(row) else "") for name, i in mapping.items()}
        for row in rows
    ]
