"""GET /api/v1/households/ID/card.pdf and POST /api/v1/cards/sheet."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from PIL import Image
from sqlalchemy import func, select, update

from app.cards.models import Card
from app.db import utcnow
from app.extensions import db
from app.households.models import Household
from tests.cards.conftest import page_qr_codes, page_sizes_mm, page_texts, read_qr_codes
from tests.conftest import Api, member

SHEET = "/api/v1/cards/sheet"
A4 = (210.0, 297.0)


def card_pdf_path(household_id: int) -> str:
    return f"/api/v1/households/{household_id}/card.pdf"


def revoke_cards(app: Flask, household_id: int) -> None:
    """Leave the household without a card in force (as if its card were withdrawn)."""
    with app.app_context():
        db.session.execute(
            update(Card).where(Card.household_id == household_id).values(revoked_at=utcnow())
        )
        db.session.commit()


def rows(app: Flask) -> dict[str, int]:
    with app.app_context():
        return {
            model.__name__: int(db.session.scalar(select(func.count()).select_from(model)) or 0)
            for model in (Card, Household)
        }


def assert_json_error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text[:300]
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert isinstance(body["error"], str) and body["message"]
    return body


# --- One card --------------------------------------------------------------------------------


def test_the_card_pdf_is_one_page_of_card_size_with_the_households_qr(
    api: Callable[[str], Api], register: Callable[..., dict[str, Any]]
) -> None:
    household = register(member(given="Ștefan", family="Țăran"))
    response = api("volunteer").get(card_pdf_path(household["id"]))
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    assert page_sizes_mm(response.data) == [(85.6, 54.0)]
    assert page_qr_codes(response.data, dpi=300) == [[household["card"]["qr"]]]
    (text,) = page_texts(response.data)
    number = household["card"]["number"]
    assert "Ștefan Țăran" in text
    assert f"{number[:4]} {number[4:8]} {number[8:]}" in text


def test_the_card_pdf_follows_a_reissue(
    api: Callable[[str], Api], register: Callable[..., dict[str, Any]]
) -> None:
    household = register()
    desk = api("volunteer")
    new = desk.post(f"/api/v1/households/{household['id']}/cards", json={"reason": "lost"})
    assert new.status_code == 201
    pdf = desk.get(card_pdf_path(household["id"])).data
    assert page_qr_codes(pdf, dpi=300) == [[new.get_json()["qr"]]]


def test_the_card_pdf_of_an_unknown_household_or_one_without_a_card_is_404(
    app: Flask, api: Callable[[str], Api], register: Callable[..., dict[str, Any]]
) -> None:
    desk = api("volunteer")
    assert_json_error(desk.get(card_pdf_path(999_999)), 404)
    household = register()
    revoke_cards(app, household["id"])
    body = assert_json_error(desk.get(card_pdf_path(household["id"])), 404)
    assert "no card in force" in body["message"]


def test_the_card_png_qr_reads_as_the_households_card(
    api: Callable[[str], Api], register: Callable[..., dict[str, Any]]
) -> None:
    household = register()
    response = api("volunteer").get(f"/api/v1/households/{household['id']}/card.png")
    assert response.status_code == 200
    assert read_qr_codes(Image.open(io.BytesIO(response.data))) == [household["card"]["qr"]]


# --- Sheets ----------------------------------------------------------------------------------


def test_a_sheet_of_100_is_10_a4_pages_and_every_card_checks_in(
    api: Callable[[str], Api], households: Callable[[int], list[dict[str, Any]]]
) -> None:
    registered = households(100)
    desk = api("volunteer")
    response = desk.post(SHEET, json={"household_ids": [h["id"] for h in registered]})
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert page_sizes_mm(response.data) == [A4] * 10

    read = page_qr_codes(response.data)
    assert [len(page) for page in read] == [10] * 10
    # In the order asked: page by page, the households' cards.
    for page, start in zip(read, range(0, 100, 10), strict=True):
        assert sorted(page) == sorted(h["card"]["qr"] for h in registered[start : start + 10])
    by_qr = {h["card"]["qr"]: h["id"] for h in registered}
    for qr in (qr for page in read for qr in page):
        served = desk.post("/api/v1/distributions", json={"qr": qr})
        assert served.status_code == 201, served.text
        assert served.get_json()["household_id"] == by_qr[qr]


def test_a_household_asked_twice_is_printed_once(
    api: Callable[[str], Api], households: Callable[[int], list[dict[str, Any]]]
) -> None:
    a, b = households(2)
    response = api("coordinator").post(SHEET, json={"household_ids": [a["id"], b["id"], a["id"]]})
    assert response.status_code == 200
    assert sorted(page_qr_codes(response.data)[0]) == sorted([a["card"]["qr"], b["card"]["qr"]])


def test_unknown_households_and_ones_without_a_card_are_named_and_nothing_is_printed(
    app: Flask, api: Callable[[str], Api], households: Callable[[int], list[dict[str, Any]]]
) -> None:
    good, withdrawn = households(2)
    revoke_cards(app, withdrawn["id"])
    before = rows(app)
    response = api("volunteer").post(
        SHEET, json={"household_ids": [good["id"], 999_999, withdrawn["id"]]}
    )
    body = assert_json_error(response, 422)
    assert body["error"] == "validation"
    assert body["fields"] == {
        "household_ids.1": "no household 999999",
        "household_ids.2": f"household {withdrawn['id']} has no card in force",
    }
    assert rows(app) == before


TOO_MANY = list(range(1, 2002))
BAD_BODIES: dict[str, tuple[Any, str]] = {
    "no_list": ({}, "household_ids"),
    "empty_list": ({"household_ids": []}, "household_ids"),
    "a_number": ({"household_ids": 5}, "household_ids"),
    "a_string": ({"household_ids": "1,2"}, "household_ids"),
    "null": ({"household_ids": None}, "household_ids"),
    "strings": ({"household_ids": ["1", "2"]}, "household_ids.0"),
    "a_float": ({"household_ids": [1.0]}, "household_ids.0"),
    "a_bool": ({"household_ids": [True]}, "household_ids.0"),
    "null_id": ({"household_ids": [None]}, "household_ids.0"),
    "nested": ({"household_ids": [[1]]}, "household_ids.0"),
    "zero": ({"household_ids": [0]}, "household_ids.0"),
    "negative": ({"household_ids": [1, -3]}, "household_ids.1"),
    "huge": ({"household_ids": [2**31]}, "household_ids.0"),
    "enormous": ({"household_ids": [2**70]}, "household_ids.0"),
    "too_many": ({"household_ids": TOO_MANY}, "household_ids"),
    "a_list_body": ([1, 2], "body"),
}


@pytest.mark.parametrize("case", BAD_BODIES)
def test_bad_input_to_the_sheet_is_a_422_naming_the_field(
    app: Flask, api: Callable[[str], Api], case: str
) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a bug answers 500 here, not an exception
    body, field = BAD_BODIES[case]
    answer = assert_json_error(api("volunteer").post(SHEET, json=body), 422)
    assert answer["error"] == "validation"
    assert field in answer["fields"], answer["fields"]


@pytest.mark.parametrize("raw", [b"", b"{", b"household_ids=1", b"\xff\xfe"])
def test_a_body_that_is_not_json_is_a_4xx(
    app: Flask, api: Callable[[str], Api], raw: bytes
) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False
    desk = api("volunteer")
    response = desk.client.post(
        SHEET, data=raw, headers=desk.headers, content_type="application/json"
    )
    assert 400 <= response.status_code < 500
    assert response.mimetype == "application/json"


# --- Who may print ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["volunteer", "coordinator"])
def test_the_desk_roles_may_print(
    api: Callable[[str], Api], register: Callable[..., dict[str, Any]], role: str
) -> None:
    household = register()
    client = api(role)
    assert client.get(card_pdf_path(household["id"])).status_code == 200
    assert client.post(SHEET, json={"household_ids": [household["id"]]}).status_code == 200


def test_a_stock_manager_may_not_print_cards(
    api: Callable[[str], Api], register: Callable[..., dict[str, Any]]
) -> None:
    household = register()
    storekeeper = api("stock_manager")
    assert_json_error(storekeeper.get(card_pdf_path(household["id"])), 403)
    assert_json_error(storekeeper.post(SHEET, json={"household_ids": [household["id"]]}), 403)


def test_without_a_token_nothing_is_printed(client: Any, register: Callable[..., Any]) -> None:
    household = register()
    assert_json_error(client.get(card_pdf_path(household["id"])), 401)
    assert_json_error(client.post(SHEET, json={"household_ids": [household["id"]]}), 401)
    bad = {"Authorization": "Bearer not-a-token"}
    assert_json_error(client.get(card_pdf_path(household["id"]), headers=bad), 401)
