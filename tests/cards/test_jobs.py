"""The sheet job's steps, run here without a thread and with a clock the test holds."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import jobs as runner
from app.auth.services import find_user
from app.cards import jobs
from app.cards.models import CardSheetJob
from app.errors import ValidationFailed
from tests.cards.conftest import page_qr_codes

NOW = datetime(2026, 3, 11, 10, 0, tzinfo=UTC)
KEY = "test-card-key"


def user_id(session: Session, make_user: Callable[..., str]) -> int:
    user = find_user(session, make_user("volunteer"))
    assert user is not None
    return user.id


def job(session: Session, job_id: int) -> CardSheetJob:
    found = session.get(CardSheetJob, job_id, populate_existing=True)
    assert found is not None
    return found


def test_a_sheet_is_queued_made_and_kept_with_its_progress(
    session: Session,
    make_user: Callable[..., str],
    households: Callable[[int], list[dict[str, Any]]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    registered = households(25)
    ids = [h["id"] for h in registered]
    sheet = jobs.request_sheet(session, ids, user_id=user_id(session, make_user), now=NOW)
    session.commit()
    assert (job(session, sheet.job_id).status, job(session, sheet.job_id).total) == ("queued", 25)

    seen: list[tuple[str, int]] = []
    original = jobs._note

    def note(session: Session, job_id: int, clock: Any, **values: Any) -> None:
        original(session, job_id, clock, **values)
        row = job(session, job_id)
        seen.append((row.status, row.done))

    monkeypatch.setattr(jobs, "_note", note)
    monkeypatch.setattr(runner, "PROGRESS_EVERY_S", 0)  # note every card
    jobs.make_sheet(session, sheet, card_key=KEY, clock=lambda: NOW)

    assert seen == [("running", 0), *(("running", n) for n in range(1, 26)), ("done", 25)]
    done = job(session, sheet.job_id)
    assert done.pdf is not None
    read = page_qr_codes(done.pdf)
    assert sorted(qr for page in read for qr in page) == sorted(h["card"]["qr"] for h in registered)


def test_a_sheet_needs_households_and_no_more_than_2000(
    session: Session, make_user: Callable[..., str]
) -> None:
    asker = user_id(session, make_user)
    for ids, message in (([], "no household to print"), (range(1, 2002), "at most 2,000")):
        with pytest.raises(ValidationFailed) as refused:
            jobs.request_sheet(session, list(ids), user_id=asker, now=NOW)
        assert message in refused.value.fields["household_ids"]
    assert session.scalars(select(CardSheetJob)).all() == []


def test_jobs_older_than_a_day_are_deleted_when_a_new_one_is_asked_for(
    session: Session,
    make_user: Callable[..., str],
    households: Callable[[int], list[dict[str, Any]]],
) -> None:
    (household,) = households(1)
    asker = user_id(session, make_user)
    old = jobs.request_sheet(session, [household["id"]], user_id=asker, now=NOW)
    recent = jobs.request_sheet(
        session, [household["id"]], user_id=asker, now=NOW + timedelta(hours=23)
    )
    new = jobs.request_sheet(
        session, [household["id"]], user_id=asker, now=NOW + timedelta(days=1, hours=1)
    )
    session.commit()
    kept = set(session.scalars(select(CardSheetJob.id)))
    assert kept == {recent.job_id, new.job_id}
    assert old.job_id not in kept


def test_a_failure_is_recorded_for_the_page(
    session: Session,
    make_user: Callable[..., str],
    households: Callable[[int], list[dict[str, Any]]],
) -> None:
    (household,) = households(1)
    asker = user_id(session, make_user)
    sheet = jobs.request_sheet(session, [household["id"]], user_id=asker, now=NOW)
    session.commit()
    jobs.fail_sheet(session, sheet.job_id, "The sheet could not be made.", lambda: NOW)
    progress = jobs.sheet_progress(session, sheet.job_id, user_id=asker, now=NOW)
    assert (progress.status, progress.message) == ("failed", "The sheet could not be made.")


def test_a_job_that_stopped_moving_is_failed_after_a_minute(
    session: Session,
    make_user: Callable[..., str],
    households: Callable[[int], list[dict[str, Any]]],
) -> None:
    (household,) = households(1)
    asker = user_id(session, make_user)
    sheet = jobs.request_sheet(session, [household["id"]], user_id=asker, now=NOW)
    session.commit()
    assert (
        jobs.sheet_progress(
            session, sheet.job_id, user_id=asker, now=NOW + timedelta(seconds=59)
        ).status
        == "queued"
    )
    assert (
        jobs.sheet_progress(
            session, sheet.job_id, user_id=asker, now=NOW + timedelta(seconds=61)
        ).status
        == "failed"
    )
