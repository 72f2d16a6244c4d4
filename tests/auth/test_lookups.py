"""Lookups by number (a typed card number, a document or phone number searched) are limited per
account: a desk's pace never meets the limit, a guessing script is slowed to a crawl."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask

from app import create_app
from app.auth.lookups import BURST, INTERVAL_MS, TooManyLookups, spend_lookup
from app.auth.services import find_user
from app.extensions import db

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _spender(app: Flask, make_user: Any) -> Any:
    with app.app_context():
        user_id = find_user(db.session, make_user("volunteer")).id  # type: ignore[union-attr]

    def spend(at: datetime) -> bool:
        with app.app_context():
            try:
                spend_lookup(db.session, user_id, at)
            except TooManyLookups:
                db.session.rollback()
                return False
            db.session.commit()
            return True

    return spend


def test_a_desk_typing_numbers_all_day_is_never_refused(app: Flask, make_user: Any) -> None:
    spend = _spender(app, make_user)
    moment = START
    for _ in range(60):  # an hour of bursts: five numbers within a second, then a minute's pause
        for _ in range(5):
            assert spend(moment)
            moment += timedelta(milliseconds=200)
        moment += timedelta(minutes=1)
    for _ in range(BURST):  # and a coordinator's twenty searches in a row
        assert spend(moment)


def test_a_script_guessing_480_a_second_gets_one_lookup_every_two_seconds(
    app: Flask, make_user: Any
) -> None:
    spend = _spender(app, make_user)
    allowed = 0
    for i in range(480 * 10):  # ten seconds at 480 a second
        allowed += spend(START + timedelta(microseconds=i * 1_000_000 // 480))
    assert allowed <= BURST + 10 * 1000 // INTERVAL_MS + 1


@pytest.fixture
def clock(app: Flask) -> list[datetime]:
    moment = [START]
    app.config["CLOCK"] = lambda: moment[0]
    return moment


def test_typed_card_numbers_past_the_budget_get_429_and_qr_scans_go_on(
    api: Any, clock: list[datetime]
) -> None:
    desk = api("volunteer")
    for i in range(BURST):  # guesses: unknown numbers, each still spends
        assert desk.get(f"/api/v1/eligibility?card=12345{i:05d}").status_code in (404, 422)
    refused = desk.get("/api/v1/eligibility?card=1234567890")
    assert refused.status_code == 429
    body = refused.get_json()
    assert body["error"] == "too_many_lookups" and body["retry_after"] == 2
    assert refused.headers["Retry-After"] == "2" and "try again in 2 seconds" in body["message"]
    posted = desk.post("/api/v1/distributions", json={"card": "1234567890"})
    assert posted.status_code == 429 and posted.get_json()["error"] == "too_many_lookups"
    for _ in range(10):  # a card's QR cannot be guessed: scanning it is never held
        assert desk.get("/api/v1/eligibility?qr=AD1-NOTAREALTOKEN").status_code != 429
    clock[0] += timedelta(seconds=2)
    assert desk.get("/api/v1/eligibility?card=1234567890").status_code != 429


def test_searches_by_number_spend_and_searches_by_name_do_not(
    api: Any, clock: list[datetime]
) -> None:
    desk = api("volunteer")
    for _ in range(BURST):
        assert desk.get("/api/v1/people?q=FA123456 Petrenko").status_code == 200
    assert desk.get("/api/v1/people?q=FA654321").status_code == 429
    assert desk.get("/api/v1/people?q=0712345678").status_code == 429
    for _ in range(30):
        assert desk.get("/api/v1/people?q=Petrenko").status_code == 200


def test_each_account_has_its_own_budget(api: Any, clock: list[datetime]) -> None:
    guesser, colleague = api("volunteer"), api("volunteer")
    for _ in range(BURST + 5):
        guesser.get("/api/v1/eligibility?card=1234567890")
    assert guesser.get("/api/v1/eligibility?card=1234567890").status_code == 429
    assert colleague.get("/api/v1/eligibility?card=1234567890").status_code != 429


def test_the_desk_page_says_to_wait(login: Any, clock: list[datetime]) -> None:
    desk = login("volunteer")
    for _ in range(BURST):
        assert desk.post("/desk/check", data={"scan": "1234567890"}).status_code != 429
    page = desk.post("/desk/check", data={"scan": "1234567890"})
    assert page.status_code == 429 and "try again in 2 seconds" in page.text
    panel = desk.post("/desk/handover", data={"scan": "1234567890"}, headers={"X-Desk-Panel": "1"})
    assert panel.status_code == 429 and 'data-state="too_many_lookups"' in panel.text
    assert "<html" not in panel.text  # the panel alone, for the page's script


def test_the_search_page_says_to_wait(login: Any, clock: list[datetime]) -> None:
    desk = login("volunteer")
    for _ in range(BURST):
        desk.get("/households/search?q=FA123456")
    page = desk.get("/households/search?q=FA123456")
    assert page.status_code == 429 and "try again in 2 seconds" in page.text
    assert page.headers["Retry-After"] == "2"


def test_every_process_spends_from_the_same_budget(
    app: Flask, api: Any, database_url: str, clock: list[datetime]
) -> None:
    desk = api("volunteer")
    for _ in range(BURST):
        desk.get("/api/v1/eligibility?card=1234567890")
    other = create_app({**app.config, "SQLALCHEMY_DATABASE_URI": database_url})
    try:
        refused = other.test_client().get(
            "/api/v1/eligibility?card=1234567890", headers=desk.headers
        )
        assert refused.status_code == 429
    finally:
        with other.app_context():
            db.engine.dispose()
