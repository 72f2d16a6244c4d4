"""Sheets of cards made in the background for the sheets page, their progress in the database.

The app may run as several processes behind one database, and the page that asked may poll
any of them: so the progress lives in the card_sheet_jobs table, not in memory. The sheet is
drawn on the one job runner (app.jobs), by a thread of the process that took the request. A
job whose thread stopped with its process stops moving; after STALE_AFTER without news it is
shown as failed. Jobs are kept for KEEP_FOR, then deleted when someone asks for a new one.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal

from flask import Flask
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from app import context, jobs
from app.cards.models import CardSheetJob
from app.cards.pdf import sheet_pdf
from app.cards.sheets import (
    MAX_SHEET_CARDS,
    check_printable,
    registered_on,
    reissued_on,
    sheet_faces,
)
from app.db import DbSession
from app.errors import NotFound, ValidationFailed

Choice = Literal["registered", "reissued", "typed"]
STALE_AFTER = timedelta(minutes=1)
KEEP_FOR = timedelta(days=1)
FAILED = "The sheet could not be made."
STOPPED = "The server stopped while making it: make it again."


@dataclass(frozen=True)
class SheetRequest:
    job_id: int
    household_ids: tuple[int, ...]


@dataclass(frozen=True)
class Progress(jobs.Progress):  # status: queued, running, done or failed
    created_at: datetime


def chosen_households(
    session: DbSession,
    choice: Choice,
    typed_ids: Sequence[int],
    *,
    site_id: int,
    today: date,
    timezone: str,
) -> list[int]:
    """The households of the page's choice: registered here today, reissued a card here
    today, or typed by hand."""
    if choice == "typed":
        return list(typed_ids)
    if choice == "registered":
        chosen = registered_on(session, today, site_id=site_id)
    else:
        chosen = reissued_on(session, today, site_id=site_id, timezone=timezone)
    if not chosen:
        if choice == "registered":
            raise ValidationFailed({"choice": _l("no household was registered here today")})
        raise ValidationFailed({"choice": _l("no household was given a new card here today")})
    return chosen


def request_sheet(
    session: DbSession,
    household_ids: Sequence[int],
    *,
    user_id: int,
    now: datetime,
) -> SheetRequest:
    """Queue a sheet of these households' cards in force.

    At least one household and at most MAX_SHEET_CARDS; each must hold a card in force, or
    ValidationFailed names it and nothing is queued.
    """
    wanted = tuple(dict.fromkeys(household_ids))
    if not wanted:
        raise ValidationFailed({"household_ids": _l("no household to print")})
    if len(wanted) > MAX_SHEET_CARDS:
        raise ValidationFailed(
            {
                "household_ids": _l(
                    "at most %(n)s cards a sheet; make it in parts", n=f"{MAX_SHEET_CARDS:,}"
                )
            }
        )
    check_printable(session, wanted)
    session.execute(delete(CardSheetJob).where(CardSheetJob.created_at < now - KEEP_FOR))
    job = CardSheetJob(
        status="queued",
        done=0,
        total=len(wanted),
        requested_by_id=user_id,
        created_at=now,
        updated_at=now,
    )
    session.add(job)
    session.flush()
    return SheetRequest(job.id, wanted)


def make_sheet(
    session: DbSession,
    sheet: SheetRequest,
    *,
    card_key: str,
    clock: Callable[[], datetime],
    photo_dir: str | None = None,
) -> None:
    """Draw the sheet of a queued job, writing its progress as it goes.

    A job is its own unit of work: it commits each step, so that the page polling it, in any
    process, sees it move; no transaction stays open while the cards are drawn.
    """
    _note(session, sheet.job_id, clock, status="running")
    faces = sheet_faces(session, sheet.household_ids, card_key=card_key, photo_dir=photo_dir)
    session.commit()
    progress = jobs.progress_writer(lambda done: _note(session, sheet.job_id, clock, done=done))
    pdf = sheet_pdf(faces, progress)
    _note(session, sheet.job_id, clock, status="done", done=len(faces), pdf=pdf)


def fail_sheet(
    session: DbSession, job_id: int, message: str, clock: Callable[[], datetime]
) -> None:
    session.rollback()
    _note(session, job_id, clock, status="failed", message=message[:200])


def _note(session: DbSession, job_id: int, clock: Callable[[], datetime], **values: Any) -> None:
    jobs.note(session, CardSheetJob, job_id, clock, **values)


def start_sheet(
    app: Flask, sheet: SheetRequest, *, card_key: str, clock: Callable[[], datetime]
) -> threading.Thread:
    """Make the sheet on the job runner's thread; returns the thread (tests join it)."""
    return jobs.start(
        app,
        "card-sheet",
        sheet.job_id,
        lambda session: make_sheet(
            session, sheet, card_key=card_key, clock=clock, photo_dir=context.photo_dir()
        ),
        lambda session: fail_sheet(session, sheet.job_id, FAILED, clock),
    )


_PROGRESS = select(
    CardSheetJob.id,
    CardSheetJob.status,
    CardSheetJob.done,
    CardSheetJob.total,
    CardSheetJob.message,
    CardSheetJob.created_at,
    CardSheetJob.updated_at,
)


def sheet_progress(session: DbSession, job_id: int, *, user_id: int, now: datetime) -> Progress:
    """How far the job is. Only the one who asked for it may see it."""
    row = session.execute(
        _PROGRESS.where(CardSheetJob.id == job_id, CardSheetJob.requested_by_id == user_id)
    ).first()
    if row is None:
        raise NotFound(_l("No sheet %(job_id)s.", job_id=job_id))
    return _progress(row, now)


def recent_sheets(
    session: DbSession, *, user_id: int, now: datetime, limit: int = 5
) -> list[Progress]:
    rows = session.execute(
        _PROGRESS.where(
            CardSheetJob.requested_by_id == user_id, CardSheetJob.created_at >= now - KEEP_FOR
        )
        .order_by(CardSheetJob.id.desc())
        .limit(limit)
    )
    return [_progress(row, now) for row in rows]


def _progress(row: Any, now: datetime) -> Progress:
    status, message = row.status, row.message
    if jobs.is_stale(
        status, row.updated_at, working=("queued", "running"), now=now, after=STALE_AFTER
    ):
        status, message = "failed", STOPPED
    return Progress(row.id, status, row.done, row.total, message, row.created_at)


def sheet_pdf_bytes(session: DbSession, job_id: int, *, user_id: int) -> bytes:
    pdf = session.scalar(
        select(CardSheetJob.pdf).where(
            CardSheetJob.id == job_id,
            CardSheetJob.requested_by_id == user_id,
            CardSheetJob.status == "done",
        )
    )
    if pdf is None:
        raise NotFound(_l("Sheet %(job_id)s is not ready.", job_id=job_id))
    return pdf
