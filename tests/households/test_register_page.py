"""The registration page: dates day first whatever the browser, sensible defaults for a
member read from a document, and an expired document as a warning that stays."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

from app.extensions import db
from app.households.models import Member
from tests.documents.mrz_build import Doc, td3

HEAD = {
    "members-0-given_name": "Iryna",
    "members-0-family_name": "Horbach",
    "members-0-birth_date": "12.04.1987",
    "members-0-sex": "F",
    "members-0-relationship": "head",
    "members-0-document_type": "passport",
    "members-0-document_number": "FE123456",
    "members-0-document_country": "UKR",
}


def passport(born: date, expires: date = date(2031, 1, 1), number: str = "FE654321") -> str:
    return td3(Doc("P", "UKR", number, "UKR", born, "M", expires, "HORBACH", "PETRO"))


def selected(page: str, name: str) -> str | None:
    select_ = re.search(rf'<select[^>]*name="{re.escape(name)}".*?</select>', page, re.S)
    assert select_, name
    chosen = re.search(
        r'<option selected value="([^"]*)"|<option value="([^"]*)" selected', select_[0]
    )
    return (chosen[1] or chosen[2]) if chosen else None


def test_a_birth_date_typed_as_09031980_is_9_march_not_3_september(app, login) -> None:  # type: ignore[no-untyped-def]
    data = HEAD | {"members-0-birth_date": "09031980", "save": "1"}
    answer = login("volunteer").post("/households/new", data=data)
    assert answer.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Member.birth_date)) == date(1980, 3, 9)


def test_every_date_field_on_the_page_is_typed_day_first_whatever_the_browser(login) -> None:  # type: ignore[no-untyped-def]
    page = login("volunteer").get("/households/new").text
    assert 'type="date"' not in page
    for name in ("members-0-birth_date", "members-0-document_expires_on"):
        tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', page)
        assert tag, name
        assert 'type="text"' in tag[0] and 'inputmode="numeric"' in tag[0]
        assert 'placeholder="dd.mm.yyyy"' in tag[0] and "data-day" in tag[0]


def test_a_spouse_read_from_a_passport_is_offered_as_spouse_and_a_child_as_child(login) -> None:  # type: ignore[no-untyped-def]
    client = login("volunteer")
    adult = HEAD | {"members-1-mrz": passport(date(1985, 9, 1)), "members-1-read_mrz": "1"}
    page = client.post("/households/new", data=adult).text
    assert 'value="01.09.1985"' in page
    assert selected(page, "members-1-relationship") == "spouse"
    young = HEAD | {"members-1-mrz": passport(date(2019, 8, 14)), "members-1-read_mrz": "1"}
    assert selected(client.post("/households/new", data=young).text, "members-1-relationship") == (
        "child"
    )


def test_an_expired_document_is_a_warning_day_first_that_stays_until_registered(login) -> None:  # type: ignore[no-untyped-def]
    client = login("volunteer")
    expired = passport(date(1985, 9, 1), expires=date(2020, 1, 1))
    page = client.post(
        "/households/new", data=HEAD | {"members-1-mrz": expired, "members-1-read_mrz": "1"}
    ).text
    warning = re.search(r'<p class="flash warning"[^>]*>([^<]*)</p>', page)
    assert warning and "expired on 01.01.2020" in warning[1]
    assert "flash error" not in page
    # The next step (another member) still shows it: it is read from the form.
    after = HEAD | {
        "members-1-given_name": "Petro",
        "members-1-family_name": "Horbach",
        "members-1-birth_date": "01.09.1985",
        "members-1-document_expires_on": "01.01.2020",
        "add_member": "1",
    }
    page = client.post("/households/new", data=after).text
    assert page.count('class="flash warning"') == 1 and "expired on 01.01.2020" in page
    assert 'data-member="2"' in page


def test_every_members_zone_answers_f2_and_reading_it_needs_no_reload(login) -> None:  # type: ignore[no-untyped-def]
    page = login("volunteer").post("/households/new", data=HEAD | {"add_member": "1"}).text
    for index in (0, 1):
        zone = re.search(rf'<textarea[^>]*name="members-{index}-mrz"[^>]*>', page)
        assert zone and "data-key-focus" in zone[0], index
    assert page.count("data-key-group") == 2
    assert '<form method="post" class="register" novalidate data-live' in page
    assert "/static/register.js" in page
