"""Bad input at the registration desk: a clear message at the field, and nothing saved."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.households.models import Household, Member
from tests.conftest import member

HOUSEHOLDS = "/api/v1/households"


def form(**overrides: str) -> dict[str, str]:
    data = {
        "members-0-given_name": "Olena",
        "members-0-family_name": "Koval",
        "members-0-birth_date": "1985-03-02",
        "members-0-sex": "F",
        "members-0-relationship": "head",
        "members-0-document_type": "passport",
        "members-0-document_number": "FA 123456",
        "members-0-document_country": "UKR",
        "members-1-given_name": "Maksym",
        "members-1-family_name": "Koval",
        "members-1-birth_date": "2015-06-01",
        "members-1-sex": "M",
        "members-1-relationship": "child",
        "members-1-document_type": "birth_certificate",
        "members-1-document_number": "I-БК 123456",
        "members-1-document_country": "UKR",
        "phone": "+40 712 345 678",
        "save": "1",
    }
    data.update(overrides)
    return data


def field_errors(page: str, field: str) -> list[str]:
    """The messages shown inside the label of the field named ``field``."""
    inside = "(?:(?!</label>).)*"
    label = re.search(
        rf'<label class="field[^"]*">{inside}name="{re.escape(field)}"{inside}</label>', page, re.S
    )
    assert label, f"no field {field}"
    return re.findall(r'<small class="error">([^<]*)</small>', label.group(0))


CASES = {
    "impossible_date": ("members-0-birth_date", "30.02.1985", "there is no such date"),
    "month_and_day_swapped": ("members-0-birth_date", "03/31/1985", "there is no such date"),
    "a_two_digit_year": ("members-0-birth_date", "02.03.85", "write the date as dd.mm.yyyy"),
    "birth_date_in_the_future": ("members-1-birth_date", "2999-01-01", "is in the future"),
    "letters_in_an_id_card_number": (
        "members-0-document_number",
        "12345678O",
        "a Ukrainian ID card number has 9 digits",
    ),
    "letters_in_a_passport_number": (
        "members-0-document_number",
        "FA12E456",
        "two letters and six digits",
    ),
    "letters_in_a_birth_certificate_number": (
        "members-1-document_number",
        "I-БК 12З456",
        "six digits",
    ),
    "letters_in_a_phone": ("phone", "+40 7l2 345 678", "digits, spaces, dashes"),
    "a_cnp_with_a_wrong_check_digit": ("members-0-document_number", "1850302123457", "CNP"),
}


@pytest.mark.parametrize("case", CASES)
def test_bad_input_is_named_at_its_field_and_nothing_is_saved(app, login, case: str) -> None:  # type: ignore[no-untyped-def]
    name, value, message = CASES[case]
    overrides = {name: value}
    if case == "letters_in_an_id_card_number":
        overrides["members-0-document_type"] = "id_card"
    if case == "a_cnp_with_a_wrong_check_digit":
        overrides["members-0-document_type"] = "temporary_protection"
        overrides["members-0-document_country"] = "ROU"
    page = login("volunteer").post("/households/new", data=form(**overrides))
    assert page.status_code == 200
    errors = field_errors(page.text, name)
    assert any(message in e for e in errors), errors
    with app.app_context():
        assert db.session.scalar(select(func.count(Household.id))) == 0
        assert db.session.scalar(select(func.count(Member.id))) == 0


@pytest.mark.parametrize("born", ["01.01.1980", "01.01.1993"])
def test_an_adult_left_as_child_is_named_at_the_relationship_not_at_the_birth_date(  # type: ignore[no-untyped-def]
    app, login, born: str
) -> None:
    page = login("volunteer").post("/households/new", data=form(**{"members-1-birth_date": born}))
    assert page.status_code == 200
    assert any(
        "Check the relationship" in e for e in field_errors(page.text, "members-1-relationship")
    )
    assert field_errors(page.text, "members-1-birth_date") == []
    with app.app_context():
        assert db.session.scalar(select(func.count(Household.id))) == 0


def test_a_document_that_expired_before_its_holder_was_born_is_refused(app, api) -> None:  # type: ignore[no-untyped-def]
    head = member(born="1985-03-02")
    head["documents"][0]["expires_on"] = "1980-01-01"
    answer = api("volunteer").post(HOUSEHOLDS, json={"members": [head]})
    assert answer.status_code == 422
    assert "members.0.documents.0.expires_on" in answer.get_json()["fields"]


def test_a_child_older_than_its_parent_is_refused_by_the_api(api) -> None:  # type: ignore[no-untyped-def]
    body = {"members": [member(born="1990-01-01"), member(born="1989-12-31", relationship="child")]}
    answer = api("volunteer").post(HOUSEHOLDS, json=body)
    assert answer.status_code == 422
    assert list(answer.get_json()["fields"]) == ["members.1.birth_date"]
