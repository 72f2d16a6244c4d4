"""The one background job runner: card sheets (cards.jobs) and register imports
(households.imports) run on it (docs/decisions/0021-one-job-runner.md).

A job is a row of its own table with at least id, status, done, total, message and
updated_at. The work runs on a thread of the process that took the request, under an app
context and with its own session; its progress is written to the row, so the page polling
it may ask any process. A thread that stopped with its process writes nothing more: a job
still at work without news for longer than its stale delay is read as failed.
"""

from __future__ import annotations

import logging
import threading
import time
import traceback
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import update

from app.db import DbSession
from app.extensions import db

PROGRESS_EVERY_S = 0.2  # between two writes of the progress
log = logging.getLogger(__name__)
Clock = Callable[[], datetime]


@dataclass(frozen=True)
class Progress:
    id: int
    status: str
    done: int
    total: int
    message: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "status": self.status,
            "done": self.done,
            "total": self.total,
            "message": self.message,
        }


def note(session: DbSession, model: Any, job_id: int, clock: Clock, **values: Any) -> None:
    """Write the job's row and commit it, so that the page polling it sees it move.

    A job is its own unit of work: no transaction stays open between two notes."""
    session.execute(
        update(model)
        .where(model.id == job_id)
        .values(updated_at=clock(), **values)
        .execution_options(synchronize_session=False)
    )
    session.commit()


def progress_writer(
    write: Callable[[int], None], every_s: float | None = None
) -> Callable[[int], None]:
    """A callback for the work's loop: ``write(done)`` at most every ``every_s`` seconds
    (PROGRESS_EVERY_S when not given), not once a row."""
    last = time.monotonic()

    def progress(done: int) -> None:
        nonlocal last
        delay = PROGRESS_EVERY_S if every_s is None else every_s
        if time.monotonic() - last >= delay:
            write(done)
            last = time.monotonic()

    return progress


def is_stale(
    status: str,
    updated_at: datetime,
    *,
    working: Collection[str],
    now: datetime,
    after: timedelta,
) -> bool:
    """A job still at work (a status of ``working``) whose row has had no news for longer
    than ``after``: its thread stopped with its process, and it will never finish."""
    return status in working and updated_at < now - after


def start(
    app: Flask,
    name: str,
    job_id: int,
    work: Callable[[DbSession], None],
    fail: Callable[[DbSession], None],
) -> threading.Thread:
    """Run ``work`` on a thread of this process with its own session; returns the thread
    (tests join it).

    If the work raises, its transaction is rolled back and ``fail`` records the failure on
    the job. The log names the job and the place of the error, never the error's text: a
    database error quotes the row it refused, and a job's rows are people."""

    def run() -> None:
        with app.app_context():
            try:
                work(db.session)
            except Exception as exc:
                _log_failure(name, job_id, exc)
                try:
                    db.session.rollback()
                    fail(db.session)
                except Exception as again:  # the database is gone too: the job will go stale
                    _log_failure(f"{name} (recording the failure)", job_id, again)
            finally:
                db.session.remove()

    thread = threading.Thread(target=run, name=f"{name}-{job_id}", daemon=True)
    thread.start()
    return thread


def _log_failure(name: str, job_id: int, exc: BaseException) -> None:
    where = "".join(traceback.format_tb(exc.__traceback__))
    log.error("%s %s failed: %s\n%s", name, job_id, type(exc).__name__, where)
