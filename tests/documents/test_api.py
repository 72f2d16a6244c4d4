"""POST /api/v1/mrz: the fields of a zone and its checks for the desk's roles; not_mrz with the
reason for a text that is not one; validation for a body without a usable text."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from tests.api.contract import assert_error, assert_validation, json_of
from tests.documents.mrz_build import Doc, td3
from tests.documents.specimens import MRV_B, TD1, TD3

PATH = "/api/v1/mrz"


@pytest.fixture
def desk(api: Callable[[str], Any], set_today: Callable[[date], None]) -> Any:
    set_today(date(2026, 3, 11))
    return api("volunteer")


def test_a_volunteer_reads_a_passport_zone(desk: Any) -> None:
    response = desk.post(PATH, json={"text": "\r\n".join(TD3)})
    assert response.status_code == 200
    assert json_of(response) == {
        "format": "TD3",
        "document_type": "passport",
        "document_number": "L898902C3",
        "country": "UTO",
        "nationality": "UTO",
        "family_name": "ERIKSSON",
        "given_name": "ANNA MARIA",
        "birth_date": "1974-08-12",
        "birth_date_partial": None,
        "sex": "F",
        "expires_on": "2012-04-15",
        "checks": {
            "document_number": True,
            "birth_date": True,
            "expires_on": True,
            "optional_data": True,
            "composite": True,
        },
    }


def test_a_failed_check_is_an_answer_naming_the_field(desk: Any) -> None:
    text = "".join(TD1).replace("D231458907", "D231458997")
    body = json_of(desk.post(PATH, json={"text": text}))
    assert body["document_number"] == "D23145899"
    assert body["checks"] == {
        "document_number": False,
        "birth_date": True,
        "expires_on": True,
        "composite": False,
    }


def test_a_visa_has_no_composite_check(desk: Any) -> None:
    body = json_of(desk.post(PATH, json={"text": "\t".join(MRV_B).lower()}))
    assert body["format"] == "MRV-B" and body["document_type"] == "other"
    assert "composite" not in body["checks"]


def test_an_unknown_birth_day_answers_the_known_part(desk: Any) -> None:
    doc = Doc("P", "UKR", "FA123456", "UKR", "7408<<", "F", date(2030, 1, 1), "KOVAL", "OLENA")
    body = json_of(desk.post(PATH, json={"text": td3(doc)}))
    assert (body["birth_date"], body["birth_date_partial"]) == (None, "1974-08")
    assert all(body["checks"].values())


def test_the_coordinator_may_read_a_zone_too(api: Callable[[str], Any]) -> None:
    assert api("coordinator").post(PATH, json={"text": "".join(TD3)}).status_code == 200


def test_a_stock_manager_and_an_anonymous_caller_are_refused(
    api: Callable[[str], Any], client: Any
) -> None:
    assert_error(api("stock_manager").post(PATH, json={"text": "".join(TD3)}), 403)
    assert_error(client.post(PATH, json={"text": "".join(TD3)}), 401)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("AD1-ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", "'-' is not used"),
        ("FA123456", "8 characters"),
        ("   ", "empty"),
    ],
)
def test_a_text_that_is_not_a_zone_answers_not_mrz_with_the_reason(
    desk: Any, text: str, reason: str
) -> None:
    body = assert_error(desk.post(PATH, json={"text": text}), 422, "not_mrz")
    assert reason in body["message"]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"txt": "".join(TD3)},
        {"text": None},
        {"text": 12},
        {"text": ["P<UTO"]},
        {"text": ""},
        {"text": "<" * 301},
    ],
    ids=["empty", "misspelt", "null", "number", "list", "empty text", "301 characters"],
)
def test_a_body_without_a_usable_text_is_a_validation_error(desk: Any, body: Any) -> None:
    assert_validation(desk.post(PATH, json=body), "text")


def test_three_hundred_characters_are_still_read(desk: Any) -> None:
    text = "\n".join(TD3).center(300)
    assert desk.post(PATH, json={"text": text}).status_code == 200


def test_a_body_that_is_not_json_is_a_bad_request(desk: Any) -> None:
    response = desk.client.post(
        PATH, data="text=P<UTO", headers=desk.headers, content_type="application/json"
    )
    assert_error(response, 400, "bad_json")
