"""Likely duplicates: the same person typed another way is shown, not registered twice."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.households.duplicates import similar_names
from app.households.models import DuplicateConfirmation, Household
from tests.conftest import member

HOUSEHOLDS = "/api/v1/households"


@pytest.mark.parametrize(
    ("given", "family"),
    [
        (("Iuliia", None), ("Zhuk", None)),  # the 2007 passport table
        (("Julia", None), ("Zhuk", None)),  # an older or Russian Latin spelling
        (("Yulia", None), ("Zuk", None)),  # a letter dropped
        (("Юлія", None), ("Жук", None)),  # typed in Cyrillic
        (("Yulka", "Юлія"), ("Zhukk", "Жук")),  # a Latin typo, the native name right
        (("Zhuk", None), ("Yuliia", None)),  # the names swapped
    ],
)
def test_the_same_name_in_another_script_or_spelling_is_similar(given, family) -> None:  # type: ignore[no-untyped-def]
    assert similar_names(given, family, ("Yuliia", None), ("Zhuk", None))


@pytest.mark.parametrize(
    ("given", "family"),
    [("Yuliia", "Koval"), ("Oksana", "Zhuk"), ("Taras", "Shevchenko")],
)
def test_a_different_given_or_family_name_is_not_similar(given: str, family: str) -> None:
    assert not similar_names((given,), (family,), ("Yuliia",), ("Zhuk", "Жук"))


@pytest.mark.parametrize(
    ("given", "family", "native"),
    [
        ("Yuliia", "Zhuk", None),
        ("Iuliia", "Zhuk", None),
        ("Julia", "Zhuk", None),
        ("Юлія", "Жук", None),
        ("Yulia", "Zhuk", ("Юлія", "Жук")),
    ],
)
def test_the_same_person_typed_another_way_is_answered_409_with_the_candidate(  # type: ignore[no-untyped-def]
    api, register, given, family, native
) -> None:
    first = register(member("Yuliia", "Zhuk", born="1990-04-12"))
    extra = {"given_name_native": native[0], "family_name_native": native[1]} if native else {}
    again = member(given, family, born="1990-04-12", **extra)
    response = api("volunteer").post(HOUSEHOLDS, json={"members": [again]})
    assert response.status_code == 409, response.text
    body = response.get_json()
    assert body["error"] == "possible_duplicate"
    assert [(c["person_id"], c["household_id"]) for c in body["candidates"]] == [
        (first["members"][0]["id"], first["id"])
    ]
    assert body["candidates"][0]["matched"] == "name_and_birth_date"


def test_nothing_is_saved_while_a_likely_match_is_unanswered(app, api, register) -> None:  # type: ignore[no-untyped-def]
    register(member("Ivan", "Melnyk", born="1970-01-01"))
    answer = api("volunteer").post(
        HOUSEHOLDS, json={"members": [member("Іван", "Мельник", born="1970-01-01")]}
    )
    assert answer.status_code == 409
    with app.app_context():
        assert db.session.scalar(select(func.count(Household.id))) == 1


def test_the_same_phone_and_a_similar_name_is_a_likely_match(api, register) -> None:  # type: ignore[no-untyped-def]
    first = register(member("Oksana", "Lysenko", born="1980-02-02"), phone="+40 712 000 111")
    again = {"members": [member("Oxana", "Lysenko", born="1981-02-02")], "phone": "+40712000111"}
    body = api("volunteer").post(HOUSEHOLDS, json=again).get_json()
    assert body["error"] == "possible_duplicate"
    assert [(c["household_id"], c["matched"]) for c in body["candidates"]] == [
        (first["id"], "phone_and_name")
    ]


def test_a_similar_name_born_another_day_without_the_phone_is_registered(register) -> None:  # type: ignore[no-untyped-def]
    register(member("Oksana", "Lysenko", born="1980-02-02"))
    register(member("Oksana", "Lysenko", born="1992-07-30"))


def test_same_birth_date_and_another_name_is_registered(register) -> None:  # type: ignore[no-untyped-def]
    register(member("Oksana", "Lysenko", born="1980-02-02"))
    register(member("Halyna", "Moroz", born="1980-02-02"))


def test_confirming_a_different_person_registers_and_records_who_and_which(  # type: ignore[no-untyped-def]
    app, api, register
) -> None:
    first = register(member("Petro", "Bilyk", born="1960-09-09"))
    desk = api("volunteer")
    body = {"members": [member("Petro", "Bilyk", born="1960-09-09")], "confirm_new": True}
    response = desk.post(HOUSEHOLDS, json=body)
    assert response.status_code == 201, response.text
    new_person = response.get_json()["members"][0]["id"]
    with app.app_context():
        confirmations = db.session.scalars(select(DuplicateConfirmation)).all()
        assert [(c.member_id, c.candidate_id) for c in confirmations] == [
            (new_person, first["members"][0]["id"])
        ]
        assert confirmations[0].confirmed_by_id is not None
        assert confirmations[0].confirmed_at is not None


def test_confirm_new_with_no_likely_match_records_nothing(app, api) -> None:  # type: ignore[no-untyped-def]
    response = api("volunteer").post(HOUSEHOLDS, json={"members": [member()], "confirm_new": True})
    assert response.status_code == 201
    with app.app_context():
        assert db.session.scalar(select(func.count(DuplicateConfirmation.id))) == 0


def test_confirm_new_does_not_pass_a_registered_document(api, register) -> None:  # type: ignore[no-untyped-def]
    register(member(doc="FA777777"))
    body = {"members": [member(doc="FA 777 777")], "confirm_new": True}
    response = api("volunteer").post(HOUSEHOLDS, json=body)
    assert response.status_code == 409
    assert response.get_json()["error"] == "duplicate_document"


def test_confirm_new_must_be_a_boolean(api) -> None:  # type: ignore[no-untyped-def]
    body = {"members": [member()], "confirm_new": "yes"}
    assert api("volunteer").post(HOUSEHOLDS, json=body).status_code == 422


# --- The registration page ---------------------------------------------------------------------


def form(**overrides: str) -> dict[str, str]:
    data = {
        "members-0-given_name": "Iuliia",
        "members-0-family_name": "Zhuk",
        "members-0-birth_date": "1990-04-12",
        "members-0-sex": "F",
        "members-0-relationship": "head",
        "members-0-document_type": "passport",
        "members-0-document_number": "FB 123456",
        "members-0-document_country": "UKR",
        "save": "1",
    }
    data.update(overrides)
    return data


def test_the_page_shows_the_candidates_side_by_side_and_saves_nothing(app, login, register) -> None:  # type: ignore[no-untyped-def]
    first = register(member("Yuliia", "Zhuk", born="1990-04-12", given_name_native="Юлія"))
    page = login("volunteer").post("/households/new", data=form())
    assert page.status_code == 409
    assert "Someone like this is registered already" in page.text
    assert "Iuliia Zhuk" in page.text and "Yuliia Zhuk" in page.text and "Юлія" in page.text
    assert f'href="/households/{first["id"]}"' in page.text
    assert 'name="confirm_new"' in page.text
    with app.app_context():
        assert db.session.scalar(select(func.count(Household.id))) == 1


def test_a_different_person_confirmed_on_the_page_is_registered_and_recorded(  # type: ignore[no-untyped-def]
    app, login, register
) -> None:
    first = register(member("Yuliia", "Zhuk", born="1990-04-12"))
    data = form(confirm_new="1")
    del data["save"]
    response = login("volunteer").post("/households/new", data=data)
    assert response.status_code == 302
    with app.app_context():
        confirmation = db.session.scalars(select(DuplicateConfirmation)).one()
        assert confirmation.candidate_id == first["members"][0]["id"]
        assert confirmation.confirmed_by_id is not None
        assert confirmation.confirmed_at is not None
