"""Importing an existing register from a spreadsheet (.xlsx or .csv: an older register, a
Kobo export), all or nothing.

Upload (the rows are kept in the import_jobs table), map the file's columns to fields, then
a background thread checks every row: the same checks as the desk (households.rules, typed
numbers held to their format), documents held by nobody else and written once in the file,
and the likely-duplicate check (households.duplicates) against the people registered. The
preview lists a problem per bad row; only a file without problems can be imported, and the
import is one transaction: the whole file lands, or nothing does. Progress lives in the
database (as for card sheets, cards.jobs; both run on app.jobs); while the one import
transaction runs, the bar shows the checking's count and then "saving".

One row is one person. Rows with the same value in the "household" column are one household
(the first row its head unless a relationship column says otherwise); without that column
every row is a household of one. The rows are read in imports.files (imports.xlsx for an
.xlsx) and checked in imports.checks; saved by the ``save`` the caller passes in
(registry.import_save: each household with its first card, which this layer below cards does
not know); this module keeps the jobs and their progress, and runs them on the one job runner
(app.jobs).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from flask import Flask
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, update

from app import jobs
from app.db import DbSession
from app.errors import NotFound, ValidationFailed
from app.households.imports.checks import (
    Group,
    Problem,
    build_groups,
    check_groups,
    problems_from_json,
    problems_to_json,
)
from app.households.imports.files import FIELDS, REQUIRED, guess_mapping, read_table
from app.households.models import ImportJob

KEEP_FOR = timedelta(days=1)
STALE_AFTER = timedelta(minutes=2)
# A job's message is kept in English (a job has no request) and read through the catalog
# when its progress is asked for (job_progress).
CHANGED = _l("The register changed since the check: see the problems.")
FAILED = _l("The import failed: nothing was saved.")
STOPPED = _l("The server stopped while working: start again.")


class SaveGroups(Protocol):
    """Saves the checked households in the session's transaction and returns how many; the
    job commits, or rolls all of it back (registry.import_save.save_groups, its other
    arguments bound by the page that starts the import)."""

    def __call__(self, session: DbSession, groups: list[Group], *, now: datetime) -> int: ...


# --- The job -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress(jobs.Progress):
    households: int

    def to_json(self) -> dict[str, Any]:
        return super().to_json() | {"households": self.households}


def upload(
    session: DbSession, filename: str, data: bytes, *, user_id: int, now: datetime
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


def get_job(session: DbSession, job_id: int, *, user_id: int) -> ImportJob:
    job = session.scalar(
        select(ImportJob)
        .where(ImportJob.id == job_id, ImportJob.requested_by_id == user_id)
        .execution_options(populate_existing=True)  # its thread writes it behind the session
    )
    if job is None:
        raise NotFound(_l("No import %(job_id)s.", job_id=job_id))
    return job


def set_mapping(
    session: DbSession, job: ImportJob, mapping: dict[str, int | None], *, now: datetime
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


def queue_import(session: DbSession, job: ImportJob, *, now: datetime) -> None:
    """Queue the saving of a checked file without problems."""
    if job.status != "checked" or job.problems != "[]":
        raise ValidationFailed({"import": _l("only a checked file without problems is imported")})
    job.status, job.message, job.updated_at = "importing", None, now
    session.flush()


def _note(session: DbSession, job_id: int, clock: Callable[[], datetime], **values: Any) -> None:
    jobs.note(session, ImportJob, job_id, clock, **values)


def _groups_of(session: DbSession, job_id: int) -> tuple[list[Group], list[Problem]]:
    job_rows, stored = session.execute(
        select(ImportJob.rows, ImportJob.mapping).where(ImportJob.id == job_id)
    ).one()
    session.commit()
    mapping = {k: v for k, v in json.loads(stored or "{}").items()}
    return build_groups(json.loads(job_rows or "[]"), mapping)


def check_job(
    session: DbSession, job_id: int, *, today: date, clock: Callable[[], datetime]
) -> None:
    """Check every row of a mapped file, writing the progress and then the problems."""
    groups, problems = _groups_of(session, job_id)
    progress = jobs.progress_writer(lambda done: _note(session, job_id, clock, done=done))
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
    session: DbSession,
    job_id: int,
    *,
    today: date,
    save: SaveGroups,
    clock: Callable[[], datetime],
) -> None:
    """Save a checked file in one transaction with ``save``; the rows are dropped once saved.
    The checks run again inside it, so what changed since the preview cannot slip through."""
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
    count = save(session, groups, now=clock())
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
    work: Callable[[DbSession], None],
    job_id: int,
    name: str,
    clock: Callable[[], datetime],
) -> threading.Thread:
    """Run ``work`` on the job runner's thread; a failure is recorded on the job."""
    return jobs.start(
        app,
        f"import-{name}",
        job_id,
        work,
        lambda session: _note(session, job_id, clock, status="failed", message=str(FAILED)),
    )


def job_progress(session: DbSession, job_id: int, *, user_id: int, now: datetime) -> Progress:
    job = get_job(session, job_id, user_id=user_id)
    # Kept in English by the job (CHANGED, FAILED): read in the reader's language.
    status, message = job.status, gettext(job.message) if job.message else None
    if jobs.is_stale(
        status, job.updated_at, working=("checking", "importing"), now=now, after=STALE_AFTER
    ):
        status, message = "failed", str(STOPPED)
    return Progress(job.id, status, job.done, job.total, message, job.households)


def job_problems(session: DbSession, job: ImportJob) -> list[Problem]:
    raw = session.scalar(select(ImportJob.problems).where(ImportJob.id == job.id))
    return problems_from_json(raw)


def preview_rows(session: DbSession, job: ImportJob, limit: int = 10) -> list[dict[str, str]]:
    """The first rows as the mapping reads them."""
    raw = session.scalar(select(ImportJob.rows).where(ImportJob.id == job.id))
    mapping = json.loads(job.mapping or "{}")
    rows = json.loads(raw or "[]")[:limit]
    return [
        {name: (row[i] if i is not None and i < len(row) else "") for name, i in mapping.items()}
        for row in rows
    ]
