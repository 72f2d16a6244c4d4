"""The one job runner (app.jobs) that card sheets and imports both run on."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import jobs
from app.auth.models import User
from app.cards import jobs as sheets
from app.cards.models import CardSheetJob
from app.db import utcnow
from app.extensions import db
from app.households import imports
from app.households.models import ImportJob

NOW = datetime(2026, 3, 11, 10, 0, tzinfo=UTC)
PERSONAL = "Olena Kovalenko FA123456"


def asker(app: Flask, make_user: Callable[..., str]) -> int:
    name = make_user("coordinator")
    with app.app_context():
        found = db.session.scalar(select(User.id).where(User.username == name))
    assert found is not None
    return found


def broken(session: Session) -> None:
    raise ValueError(PERSONAL)


def failures(caplog: pytest.LogCaptureFixture) -> str:
    """Everything logged, with any traceback as the log would write it."""
    return caplog.text


def test_a_sheet_whose_work_raises_is_failed_and_logged_without_the_error_s_text(
    app: Flask,
    make_user: Callable[..., str],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    user_id = asker(app, make_user)
    with app.app_context():
        job = CardSheetJob(status="queued", total=1, requested_by_id=user_id)
        db.session.add(job)
        db.session.commit()
        sheet = sheets.SheetRequest(job.id, (1,))
    monkeypatch.setattr(sheets, "make_sheet", lambda session, *a, **k: broken(session))

    with caplog.at_level(logging.ERROR):
        sheets.start_sheet(app, sheet, card_key="k", clock=utcnow).join(10)

    with app.app_context():
        progress = sheets.sheet_progress(db.session, sheet.job_id, user_id=user_id, now=utcnow())
    assert (progress.status, progress.message) == ("failed", "The sheet could not be made.")
    logged = failures(caplog)
    assert f"card-sheet {sheet.job_id} failed: ValueError" in logged
    assert "Kovalenko" not in logged and "FA123456" not in logged


def test_an_import_whose_work_raises_is_failed_and_logged_without_the_error_s_text(
    app: Flask, make_user: Callable[..., str], caplog: pytest.LogCaptureFixture
) -> None:
    user_id = asker(app, make_user)
    with app.app_context():
        job = ImportJob(
            status="checking", filename="register.csv", columns="[]", requested_by_id=user_id
        )
        db.session.add(job)
        db.session.commit()
        job_id = job.id

    with caplog.at_level(logging.ERROR):
        imports.start(app, broken, job_id, "check", utcnow).join(10)

    with app.app_context():
        progress = imports.job_progress(db.session, job_id, user_id=user_id, now=utcnow())
    assert (progress.status, progress.message) == (
        "failed",
        "The import failed: nothing was saved.",
    )
    logged = failures(caplog)
    assert f"import-check {job_id} failed: ValueError" in logged
    assert "Kovalenko" not in logged and "FA123456" not in logged


def test_the_work_runs_in_its_own_session_and_its_notes_are_seen_by_another(
    app: Flask, make_user: Callable[..., str]
) -> None:
    user_id = asker(app, make_user)
    with app.app_context():
        job = CardSheetJob(status="queued", total=3, requested_by_id=user_id)
        db.session.add(job)
        db.session.commit()
        job_id = job.id
        outer = db.session()

        def work(session: Session) -> None:
            assert session() is not outer
            jobs.note(session, CardSheetJob, job_id, lambda: NOW, status="running", done=2)

        jobs.start(app, "test", job_id, work, broken).join(10)
        with Session(db.engine) as other:
            row = other.get(CardSheetJob, job_id)
            assert row is not None
            assert (row.status, row.done, row.updated_at) == ("running", 2, NOW)


def test_progress_is_written_at_most_once_an_interval(monkeypatch: pytest.MonkeyPatch) -> None:
    written: list[int] = []
    seldom = jobs.progress_writer(written.append, every_s=3600)
    for done in range(1, 101):
        seldom(done)
    assert written == []

    monkeypatch.setattr(jobs, "PROGRESS_EVERY_S", 0)
    every_time = jobs.progress_writer(written.append)
    for done in range(1, 4):
        every_time(done)
    assert written == [1, 2, 3]


@pytest.mark.parametrize(
    ("status", "quiet_for", "stale"),
    [
        ("running", timedelta(seconds=59), False),
        ("running", timedelta(seconds=61), True),
        ("queued", timedelta(hours=1), True),
        ("done", timedelta(hours=1), False),
        ("failed", timedelta(hours=1), False),
    ],
)
def test_a_job_at_work_without_news_is_stale_and_a_finished_one_never(
    status: str, quiet_for: timedelta, stale: bool
) -> None:
    found = jobs.is_stale(
        status,
        NOW - quiet_for,
        working=("queued", "running"),
        now=NOW,
        after=timedelta(minutes=1),
    )
    assert found is stale


def test_progress_answers_the_same_fields_for_both_kinds() -> None:
    base: dict[str, Any] = {"id": 1, "status": "running", "done": 2, "total": 5, "message": None}
    sheet = sheets.Progress(1, "running", 2, 5, None, NOW)
    register = imports.Progress(1, "running", 2, 5, None, 3)
    assert isinstance(sheet, jobs.Progress) and isinstance(register, jobs.Progress)
    assert sheet.to_json() == base
    assert register.to_json() == base | {"households": 3}
