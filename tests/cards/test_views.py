"""The sheets page: choose households, the PDF is made in the background, download it."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.auth.services import find_user
from app.cards.models import CardSheetJob
from app.db import utcnow
from app.extensions import db
from tests.cards.conftest import page_qr_codes, page_sizes_mm, wait_for_sheet
from tests.conftest import PASSWORD, Api, member

DAY = date(2026, 3, 11)
A4 = (210.0, 297.0)


def make_sheet(client: FlaskClient, **form: str) -> int:
    """Ask for a sheet through the form; the id of the job it redirects to."""
    response = client.post("/cards/sheets", data=form)
    assert response.status_code == 302, response.text
    found = re.fullmatch(r"/cards/sheets/(\d+)", response.headers["Location"])
    assert found, response.headers["Location"]
    return int(found.group(1))


def downloaded(client: FlaskClient, job_id: int) -> bytes:
    response = client.get(f"/cards/sheets/{job_id}/cards.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    return response.data


def jobs(app: Flask) -> int:
    with app.app_context():
        return int(db.session.scalar(select(func.count()).select_from(CardSheetJob)) or 0)


def test_the_page_offers_today_s_registrations_reissues_and_typed_numbers(
    login: Callable[[str], FlaskClient],
) -> None:
    page = login("volunteer").get("/cards")
    assert page.status_code == 200
    for text in ("Households registered today", "Cards reissued today", "These households"):
        assert text in page.text
    assert "Make the PDF" in page.text
    assert re.search(r'<a href="/cards"[^>]*>Cards</a>', page.text)  # in the menu
    # The page's script is a file of its own: the Content-Security-Policy forbids inline ones.
    assert re.findall(r"<script[^>]*>", page.text) == [
        '<script src="/static/keys.js" defer>',  # the keyboard shortcuts of every page
        '<script src="/static/days.js" defer>',  # the day-first date fields of every page
        '<script src="/static/cards.js" defer>',
    ]


def test_typed_households_are_made_into_a_sheet_in_the_background(
    app: Flask,
    login: Callable[[str], FlaskClient],
    households: Callable[[int], list[dict[str, Any]]],
) -> None:
    registered = households(12)
    client = login("volunteer")
    typed = ", ".join(str(h["id"]) for h in registered)
    job_id = make_sheet(client, choice="typed", household_ids=typed)

    page = client.get(f"/cards/sheets/{job_id}")
    assert page.status_code == 200
    assert '<progress id="sheet-progress" max="12"' in page.text
    progress = wait_for_sheet(client, job_id)
    assert progress == {"id": job_id, "status": "done", "done": 12, "total": 12, "message": None}

    pdf = downloaded(client, job_id)
    assert page_sizes_mm(pdf) == [A4, A4]
    read = page_qr_codes(pdf)
    assert sorted(qr for page in read for qr in page) == sorted(h["card"]["qr"] for h in registered)
    ready = client.get(f"/cards/sheets/{job_id}")
    assert "Ready: 12 of 12 cards." in ready.text
    assert 'http-equiv="refresh"' not in ready.text
    assert f"Sheet {job_id}" in client.get("/cards").text  # listed among the user's sheets


def test_registered_today_prints_today_s_households_only(
    app: Flask,
    login: Callable[[str], FlaskClient],
    register: Callable[..., dict[str, Any]],
    set_today: Callable[[date], None],
) -> None:
    set_today(DAY - timedelta(days=1))
    register(member())
    set_today(DAY)
    today = [register(member()), register(member())]
    client = login("volunteer")
    job_id = make_sheet(client, choice="registered")
    assert wait_for_sheet(client, job_id)["total"] == 2
    read = page_qr_codes(downloaded(client, job_id))
    assert sorted(read[0]) == sorted(h["card"]["qr"] for h in today)


def test_reissued_today_prints_the_new_cards_of_today(
    login: Callable[[str], FlaskClient],
    api: Callable[[str], Api],
    register: Callable[..., dict[str, Any]],
    set_today: Callable[[date], None],
) -> None:
    set_today(DAY - timedelta(days=3))
    lost, kept = register(member()), register(member())
    set_today(DAY)
    register(member())  # a first card today is a registration, not a reissue
    new = api("volunteer").post(f"/api/v1/households/{lost['id']}/cards", json={"reason": "lost"})
    assert new.status_code == 201
    client = login("volunteer")
    job_id = make_sheet(client, choice="reissued")
    assert wait_for_sheet(client, job_id)["total"] == 1
    assert page_qr_codes(downloaded(client, job_id)) == [[new.get_json()["qr"]]]
    assert kept["card"]["qr"] != new.get_json()["qr"]


def test_nothing_to_print_today_is_said_and_nothing_is_queued(
    app: Flask, login: Callable[[str], FlaskClient]
) -> None:
    client = login("volunteer")
    response = client.post("/cards/sheets", data={"choice": "reissued"})
    assert response.status_code == 422
    assert "No household was given a new card here today." in response.text
    assert jobs(app) == 0


def test_unknown_typed_households_are_named_and_nothing_is_queued(
    app: Flask,
    login: Callable[[str], FlaskClient],
    register: Callable[..., dict[str, Any]],
) -> None:
    household = register()
    client = login("coordinator")
    response = client.post(
        "/cards/sheets", data={"choice": "typed", "household_ids": f"{household['id']} 987654"}
    )
    assert response.status_code == 422
    assert "No household 987654." in response.text
    assert jobs(app) == 0


def test_typed_text_that_is_not_household_numbers_is_refused(
    app: Flask, login: Callable[[str], FlaskClient]
) -> None:
    client = login("volunteer")
    for typed, problem in (
        ("", "Type the numbers of the households to print."),
        ("12 abc -3 0", "Not household numbers: abc, -3, 0"),
        ("99999999999", "Not household numbers: 99999999999"),
        (" ".join(str(i) for i in range(1, 2002)), "At most 2,000 households at a time."),
    ):
        response = client.post("/cards/sheets", data={"choice": "typed", "household_ids": typed})
        assert response.status_code == 422
        assert problem in response.text
    assert jobs(app) == 0


def test_a_sheet_is_seen_only_by_the_one_who_asked_for_it(
    login: Callable[[str], FlaskClient], register: Callable[..., dict[str, Any]]
) -> None:
    household = register()
    client = login("volunteer")
    job_id = make_sheet(client, choice="typed", household_ids=str(household["id"]))
    wait_for_sheet(client, job_id)
    login("volunteer")  # the same browser, now another volunteer
    for path in ("", "/progress", "/cards.pdf"):
        assert client.get(f"/cards/sheets/{job_id}{path}").status_code == 404


def add_job(app: Flask, login_name: str, **values: Any) -> int:
    with app.app_context():
        user = find_user(db.session, login_name)
        assert user is not None
        job = CardSheetJob(total=5, requested_by_id=user.id, **values)
        db.session.add(job)
        db.session.commit()
        return job.id


def test_without_javascript_the_page_reloads_itself_until_the_sheet_is_ready(
    app: Flask, client: FlaskClient, make_user: Callable[..., str]
) -> None:
    name = make_user("volunteer")
    client.post("/login", data={"username": name, "password": PASSWORD})
    job_id = add_job(app, name, status="running", done=2)
    page = client.get(f"/cards/sheets/{job_id}")
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in page.text
    assert "2 of 5 cards" in page.text
    assert client.get(f"/cards/sheets/{job_id}/cards.pdf").status_code == 404  # not ready


def test_a_sheet_whose_server_stopped_shows_as_failed(
    app: Flask, client: FlaskClient, make_user: Callable[..., str]
) -> None:
    name = make_user("volunteer")
    client.post("/login", data={"username": name, "password": PASSWORD})
    long_ago = utcnow() - timedelta(minutes=5)
    job_id = add_job(app, name, status="running", done=2, created_at=long_ago, updated_at=long_ago)
    progress = client.get(f"/cards/sheets/{job_id}/progress").get_json()
    assert progress["status"] == "failed"
    assert "make it again" in progress["message"]


def test_sheets_pages_are_for_the_desk_roles(
    client: FlaskClient, login: Callable[[str], FlaskClient]
) -> None:
    assert client.get("/cards").headers["Location"].startswith("/login")
    assert login("stock_manager").get("/cards").status_code == 403
    assert client.post("/cards/sheets", data={"choice": "registered"}).status_code == 403
    assert client.get("/cards/sheets/1/progress").status_code == 403
    assert login("coordinator").get("/cards").status_code == 200
