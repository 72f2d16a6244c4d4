"""One document, one person, whatever the keyboard: the form, the API, the import and search
all go through the document key (documents.keys), and the database holds it unique."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.households.models import Document, Household
from tests.api.contract import assert_error
from tests.conftest import member
from tests.households.test_import import as_csv, check, people, upload

SPELLINGS = [
    "FA１２３４５６",  # fullwidth digits
    "FA١٢٣٤٥٦",  # Arabic-Indic digits
    "F\u0410123456",  # Cyrillic А
    "F\u0391123456",  # Greek Alpha
    "FA/123456",
    "FA.123.456",
    "ＦＡ １２３４５６",
]


# Nobody like the first person: only the document can make the second registration a 409.
OTHER_PERSON = {
    "members-0-given_name": "Ivan",
    "members-0-family_name": "Bondarenko",
    "members-0-birth_date": "1971-07-09",
    "members-0-sex": "M",
}


def households(app: Any) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Household))


def form(number: str, type_: str = "passport", country: str = "UKR", **more: str) -> dict[str, str]:
    return {
        "members-0-given_name": "Olena",
        "members-0-family_name": "Koval",
        "members-0-birth_date": "1985-03-02",
        "members-0-sex": "F",
        "members-0-relationship": "head",
        "members-0-document_type": type_,
        "members-0-document_number": number,
        "members-0-document_country": country,
        "save": "1",
        **more,
    }


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_the_api_refuses_a_second_household_for_the_passport_on_any_keyboard(
    app, api, register, spelling: str
) -> None:  # type: ignore[no-untyped-def]
    first = register(member(doc="FA123456"))
    again = api("volunteer").post(
        "/api/v1/households", json={"members": [member("Ivan", "Bondar", doc=spelling)]}
    )
    body = assert_error(again, 409, "duplicate_document")
    assert body["household_id"] == first["id"]
    assert households(app) == 1


@pytest.mark.parametrize("spelling", ["FA１２３４５６", "FA١٢٣٤٥٦", "FA/123456", "fa.123 456"])
def test_the_form_refuses_a_second_household_for_the_passport_on_any_keyboard(
    app, login, register, spelling: str
) -> None:  # type: ignore[no-untyped-def]
    register(member(doc="FA123456"))
    page = login("volunteer").post("/households/new", data=form(spelling, **OTHER_PERSON))
    assert page.status_code == 409, page.text
    assert "A document of this family is registered already." in page.text
    assert 'href="/households/1"' in page.text
    assert households(app) == 1


@pytest.mark.parametrize("spelling", ["F\u0410123456", "F\u0391123456"])
def test_the_form_refuses_a_look_alike_letter_for_a_document_of_any_country(
    app, login, spelling: str
) -> None:  # type: ignore[no-untyped-def]
    desk = login("volunteer")
    assert desk.post("/households/new", data=form("FA123456", "passport", "MDA")).status_code == 302
    page = desk.post("/households/new", data=form(spelling, "passport", "MDA", **OTHER_PERSON))
    assert page.status_code == 409, page.text
    assert "A document of this family is registered already." in page.text
    assert households(app) == 1


def test_a_number_is_stored_with_ascii_digits_and_keyed_whatever_the_keyboard(
    app, register
) -> None:  # type: ignore[no-untyped-def]
    register(member(doc="FA١٢٣٤٥٦"))
    with app.app_context():
        stored = db.session.execute(select(Document.number, Document.number_key)).one()
    assert tuple(stored) == ("FA123456", "FA123456")


@pytest.mark.parametrize(
    "query", ["FA123456", "fa 123-456", "FA/123456", "FA١٢٣٤٥٦", "ＦＡ１２３４５６"]
)
def test_search_by_the_real_number_on_any_keyboard_finds_the_household(
    api, register, query: str
) -> None:  # type: ignore[no-untyped-def]
    household = register(member(doc="F\u0410１２３４５６"))  # Cyrillic А, fullwidth digits
    found = api("coordinator").get("/api/v1/people", query_string={"q": query}).get_json()
    assert [(p["household_id"], p["matched"]) for p in found] == [(household["id"], "document")]


def test_the_import_finds_the_document_registered_on_another_keyboard(app, login, register) -> None:  # type: ignore[no-untyped-def]
    register(member(doc="FA000000"))
    rows = people(2)
    rows[0][7] = "FA٠٠٠٠٠٠"  # Arabic-Indic zeros
    client = login("coordinator")
    job_id = upload(client, as_csv(rows))
    check(client, job_id)
    assert "registered already, in household 1" in client.get(f"/households/import/{job_id}").text
    assert households(app) == 1
