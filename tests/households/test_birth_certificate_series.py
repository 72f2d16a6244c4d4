"""A birth certificate's series typed with Latin look-alikes (``I-KI`` for ``І-КІ``) is stored
with the document key's folding, Cyrillic, and the volunteer is shown the number as stored,
so ``I-KI`` typed for the certificate ``І-КИ`` shows as another number instead of passing."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.extensions import db
from app.households.models import Document
from tests.api.contract import assert_error
from tests.conftest import member
from tests.households.test_document_keys import form

CHILD = {
    "members-1-given_name": "Taras",
    "members-1-family_name": "Koval",
    "members-1-birth_date": "2015-06-01",
    "members-1-sex": "M",
    "members-1-relationship": "child",
    "members-1-document_type": "birth_certificate",
    "members-1-document_number": "I-KI 123456",  # Latin I, K, I
    "members-1-document_country": "UKR",
}


def numbers(app: Any) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(Document.number).order_by(Document.id)))


def test_a_latin_series_is_stored_in_cyrillic_and_the_volunteer_is_shown_it(
    app, login, api
) -> None:  # type: ignore[no-untyped-def]
    desk = login("volunteer")
    answer = desk.post("/households/new", data=form("FA123456", **CHILD), follow_redirects=True)
    assert answer.status_code == 200, answer.text
    assert numbers(app) == ["FA123456", "I-КІ 123456"]  # Cyrillic К and І
    assert "Document number I-KI 123456 is stored as I-КІ 123456: its Latin letters" in answer.text
    # Typed in Cyrillic, or with a Greek Κ, it is the same certificate.
    for typed in ("І-КІ 123456", "I-ΚI 123456"):
        again = api("volunteer").post(
            "/api/v1/households",
            json={"members": [member(doc=typed, doc_type="birth_certificate")]},
        )
        assert assert_error(again, 409, "duplicate_document")["household_id"] == 1
    # The coordinator's household page shows the number as stored.
    assert "I-КІ 123456" in login("coordinator").get("/households/1").text


def test_a_series_typed_in_cyrillic_is_stored_as_typed_without_a_warning(app, login) -> None:  # type: ignore[no-untyped-def]
    cyrillic = {**CHILD, "members-1-document_number": "І-КИ 123456"}
    answer = login("volunteer").post(
        "/households/new", data=form("FA123456", **cyrillic), follow_redirects=True
    )
    assert numbers(app) == ["FA123456", "I-КИ 123456"]
    assert "is stored as" not in answer.text


def test_a_newborn_added_with_a_latin_series_is_shown_the_stored_number(
    app, login, register
) -> None:  # type: ignore[no-untyped-def]
    household = register(member(doc="FA123456", born="1990-01-01"))
    answer = login("volunteer").post(
        f"/households/{household['id']}/members/new",
        data={
            key.replace("members-1-", "member-"): value
            for key, value in {**CHILD, "members-1-birth_date": "2025-12-01"}.items()
        }
        | {"member-document_number": "ii-bk 000001", "save": "1"},
        follow_redirects=True,
    )
    assert numbers(app) == ["FA123456", "II-ВК 000001"]
    told = "Document number ii-bk 000001 is stored as II-ВК 000001: its Latin letters"
    assert told in answer.text
