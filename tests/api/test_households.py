"""Registering a household, reading it back, and its card: issue, revoke, print."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import pytest
import zxingcpp
from PIL import Image

from tests.api.contract import Cases, assert_error, assert_validation, json_of
from tests.conftest import member

HOUSEHOLDS = "/api/v1/households"


def family(*members: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"members": list(members) or [member()], **fields}


def document(number: str, type: str = "passport", country: str = "UKR") -> dict[str, str]:
    return {"type": type, "number": number, "country": country}


def eligibility(desk: Any, qr: str) -> Any:
    return desk.get(f"/api/v1/eligibility?qr={quote(qr)}")


def decode_qr(png: bytes) -> list[str]:
    return [code.text for code in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]


# --- Registering -----------------------------------------------------------------------------


def test_registering_a_household_answers_201_with_its_card_and_members(desk: Any) -> None:
    head = member(given="Olena", family="Koval", born="1985-03-02", sex="F", doc="FA100200")
    child = member(
        given="Taras",
        family="Koval",
        born="2015-06-01",
        sex="M",
        relationship="child",
        doc_type="birth_certificate",
        doc="I-БК 123456",
        disability=True,
    )
    response = desk.post(HOUSEHOLDS, json=family(head, child, phone="+40 721 000 000"))
    assert response.status_code == 201, response.text
    body = json_of(response)
    assert isinstance(body["id"], int)
    assert isinstance(body["card"]["number"], str) and body["card"]["number"]
    assert isinstance(body["card"]["qr"], str) and body["card"]["qr"]
    assert [m["given_name"] for m in body["members"]] == ["Olena", "Taras"]
    assert all(isinstance(m["id"], int) for m in body["members"])
    assert len({m["id"] for m in body["members"]}) == 2
    taras = body["members"][1]
    assert taras["relationship"] == "child"
    assert taras["birth_date"] == "2015-06-01"
    assert taras["sex"] == "M"
    # A volunteer's answer holds no health flag (registry.read_model): null, not false.
    assert taras["disability"] is None


def test_a_registered_household_reads_back_as_it_was_registered(desk: Any) -> None:
    created = json_of(desk.post(HOUSEHOLDS, json=family(member(), member(relationship="spouse"))))
    response = desk.get(f"{HOUSEHOLDS}/{created['id']}")
    assert response.status_code == 200
    body = json_of(response)
    assert body["id"] == created["id"]
    assert body["card"] == created["card"]
    assert [m["id"] for m in body["members"]] == [m["id"] for m in created["members"]]


def test_two_households_get_different_cards(desk: Any) -> None:
    first = json_of(desk.post(HOUSEHOLDS, json=family()))
    second = json_of(desk.post(HOUSEHOLDS, json=family()))
    assert first["id"] != second["id"]
    assert first["card"]["number"] != second["card"]["number"]
    assert first["card"]["qr"] != second["card"]["qr"]


def test_optional_fields_may_be_left_out(desk: Any) -> None:
    bare = member()
    assert "disability" not in bare and "chronic_disease" not in bare
    assert desk.post(HOUSEHOLDS, json={"members": [bare]}).status_code == 201


@pytest.mark.parametrize("sex", ["F", "M", "X"])
def test_every_sex_of_the_contract_is_accepted(desk: Any, sex: str) -> None:
    assert desk.post(HOUSEHOLDS, json=family(member(sex=sex))).status_code == 201


def test_every_relationship_and_document_type_of_the_contract_is_accepted(desk: Any) -> None:
    relationships = ["head", "spouse", "child", "parent", "sibling", "other"]
    types = ["passport", "id_card", "temporary_protection", "birth_certificate", "other"]
    members = [
        member(relationship=relationship, doc_type=types[i % len(types)])
        for i, relationship in enumerate(relationships)
    ]
    assert desk.post(HOUSEHOLDS, json=family(*members)).status_code == 201


def test_unknown_household_answers_404_json(desk: Any) -> None:
    assert_error(desk.get(f"{HOUSEHOLDS}/999999"), 404)


@pytest.mark.parametrize("household_id", [2**31, 2**63, 10**20], ids=["2^31", "2^63", "10^20"])
def test_a_household_id_beyond_any_database_integer_answers_404(
    desk: Any, household_id: int
) -> None:
    assert_error(desk.get(f"{HOUSEHOLDS}/{household_id}"), 404)
    assert_error(desk.post(f"{HOUSEHOLDS}/{household_id}/cards"), 404)
    assert_error(desk.get(f"{HOUSEHOLDS}/{household_id}/card.png"), 404)


# --- One document, one household -------------------------------------------------------------


def test_a_document_registered_already_answers_409_with_its_household(desk: Any) -> None:
    first = json_of(desk.post(HOUSEHOLDS, json=family(member(doc="AB123456"))))
    response = desk.post(HOUSEHOLDS, json=family(member(doc="AB123456")))
    body = assert_error(response, 409, "duplicate_document")
    assert body["household_id"] == first["id"]


def test_duplicate_document_with_spaces_and_lower_case_answers_409(desk: Any) -> None:
    first = json_of(desk.post(HOUSEHOLDS, json=family(member(doc="AB 123-456"))))
    cases = Cases()
    for typed in ["ab 123 456", "AB-123-456", "ab123456", "  Ab 12-34 56  ", "a-b-1-2-3-4-5-6"]:
        with cases.case(typed):
            response = desk.post(HOUSEHOLDS, json=family(member(doc=typed)))
            body = assert_error(response, 409, "duplicate_document")
            assert body["household_id"] == first["id"], body
    cases.check()


def test_duplicate_cyrillic_series_in_lower_case_answers_409(desk: Any) -> None:
    head = member() | {"documents": [document("I-БК 123456", type="birth_certificate")]}
    first = json_of(desk.post(HOUSEHOLDS, json=family(head)))
    again = member() | {"documents": [document("i-бк123456", type="birth_certificate")]}
    response = desk.post(HOUSEHOLDS, json=family(again))
    assert assert_error(response, 409, "duplicate_document")["household_id"] == first["id"]


def test_duplicate_country_code_in_lower_case_answers_409(desk: Any) -> None:
    first = json_of(desk.post(HOUSEHOLDS, json=family(member(doc="AB123456"))))
    head = member() | {"documents": [document("AB123456", country="ukr")]}
    response = desk.post(HOUSEHOLDS, json=family(head))
    assert assert_error(response, 409, "duplicate_document")["household_id"] == first["id"]


def test_a_duplicate_held_by_any_member_answers_409_and_saves_no_one(
    desk: Any, saved: Callable[[], dict[str, int]]
) -> None:
    taken = "FC555001"
    first = json_of(
        desk.post(HOUSEHOLDS, json=family(member(), member(relationship="child", doc=taken)))
    )
    before = saved()
    newcomers = family(
        member(), member(relationship="spouse"), member(relationship="child", doc=taken)
    )
    response = desk.post(HOUSEHOLDS, json=newcomers)
    assert assert_error(response, 409, "duplicate_document")["household_id"] == first["id"]
    assert saved() == before


def test_a_duplicate_among_a_members_later_documents_answers_409(desk: Any) -> None:
    first = json_of(desk.post(HOUSEHOLDS, json=family(member(doc="TP-998877", doc_type="id_card"))))
    head = member() | {"documents": [document("NEW-1"), document("TP998877", type="id_card")]}
    response = desk.post(HOUSEHOLDS, json=family(head))
    assert assert_error(response, 409, "duplicate_document")["household_id"] == first["id"]


@pytest.mark.parametrize(
    "other",
    [document("AB123456", type="id_card"), document("AB123456", country="MDA")],
    ids=["other_type", "other_country"],
)
def test_the_same_number_of_another_type_or_country_is_another_document(
    desk: Any, other: dict[str, str]
) -> None:
    assert desk.post(HOUSEHOLDS, json=family(member(doc="AB123456"))).status_code == 201
    head = member() | {"documents": [other]}
    assert desk.post(HOUSEHOLDS, json=family(head)).status_code == 201


# --- Validation ------------------------------------------------------------------------------


def _without(data: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k != key}


INVALID_FAMILIES: dict[str, tuple[Callable[[], dict[str, Any]], str]] = {
    "no_members": (lambda: {"members": []}, "members"),
    "no_head": (lambda: family(member(relationship="spouse")), "members"),
    "two_heads": (lambda: family(member(), member()), "members"),
    "member_without_documents": (
        lambda: family(member(), member(relationship="child") | {"documents": []}),
        "members.1.documents",
    ),
    "member_without_documents_key": (
        lambda: family(_without(member(), "documents")),
        "members.0.documents",
    ),
    "unknown_sex": (lambda: family(member(sex="Q")), "members.0.sex"),
    "sex_in_lower_case": (lambda: family(member(sex="f")), "members.0.sex"),
    "unknown_relationship": (lambda: family(member(), member(relationship="cousin")), "members.1"),
    "unknown_document_type": (lambda: family(member(doc_type="visa")), "members.0.documents"),
    "two_letter_country": (
        lambda: family(member() | {"documents": [document("AB1", country="UA")]}),
        "members.0.documents.0.country",
    ),
    "digits_as_country": (
        lambda: family(member() | {"documents": [document("AB1", country="804")]}),
        "members.0.documents.0.country",
    ),
    "blank_given_name": (lambda: family(member(given="   ")), "members.0.given_name"),
    "blank_family_name": (lambda: family(member(family="")), "members.0.family_name"),
    "blank_document_number": (
        lambda: family(member() | {"documents": [document("  ")]}),
        "members.0.documents.0.number",
    ),
    "dashes_only_document_number": (
        lambda: family(member() | {"documents": [document("- -")]}),
        "members.0.documents.0.number",
    ),
    "birth_date_in_the_future": (lambda: family(member(born="2999-01-01")), "members.0.birth_date"),
    "impossible_birth_date": (lambda: family(member(born="1990-02-30")), "members.0.birth_date"),
    "birth_date_not_iso": (lambda: family(member(born="02.03.1985")), "members.0.birth_date"),
    "birth_date_with_time": (
        lambda: family(member(born="1985-03-02T00:00:00")),
        "members.0.birth_date",
    ),
    "name_of_101_characters": (lambda: family(member(given="A" * 101)), "members.0.given_name"),
    "the_same_document_twice_in_one_family": (
        lambda: family(member(doc="SAME-1"), member(relationship="child", doc="same 1")),
        "members.1.documents.0.number",
    ),
    "bad_phone": (lambda: family(phone="call me maybe"), "phone"),
    "twenty_one_members": (
        lambda: family(member(), *[member(relationship="child") for _ in range(20)]),
        "members",
    ),
    "sixty_members": (
        lambda: family(member(), *[member(relationship="child") for _ in range(59)]),
        "members",
    ),
}


def test_an_invalid_household_answers_422_with_the_field_and_saves_nothing(
    desk: Any, saved: Callable[[], dict[str, int]]
) -> None:
    before, cases = saved(), Cases()
    for case, (make, field) in INVALID_FAMILIES.items():
        with cases.case(case):
            assert_validation(desk.post(HOUSEHOLDS, json=make()), field)
    cases.check()
    assert saved() == before


def test_problems_of_two_members_are_both_reported(desk: Any) -> None:
    bad = family(
        member() | {"documents": []},
        member(relationship="child", born="2999-01-01"),
    )
    assert_validation(
        desk.post(HOUSEHOLDS, json=bad), "members.0.documents", "members.1.birth_date"
    )


def test_a_valid_household_after_a_refused_one_registers_normally(desk: Any) -> None:
    head = member(doc="KEEP-1")
    assert_validation(desk.post(HOUSEHOLDS, json=family(head, member(relationship="head"))))
    assert desk.post(HOUSEHOLDS, json=family(head)).status_code == 201


# --- Cards -----------------------------------------------------------------------------------


def test_a_new_card_answers_201_and_the_old_qr_then_answers_410(desk: Any) -> None:
    household = json_of(desk.post(HOUSEHOLDS, json=family()))
    old = household["card"]
    response = desk.post(f"{HOUSEHOLDS}/{household['id']}/cards", json={"reason": "lost"})
    assert response.status_code == 201, response.text
    new = json_of(response)
    assert new["number"] != old["number"] and new["qr"] != old["qr"]
    assert_error(eligibility(desk, old["qr"]), 410, "card_revoked")
    assert_error(desk.post("/api/v1/distributions", json={"qr": old["qr"]}), 410, "card_revoked")
    assert json_of(eligibility(desk, new["qr"]))["household_id"] == household["id"]
    assert json_of(desk.get(f"{HOUSEHOLDS}/{household['id']}"))["card"] == new


@pytest.mark.parametrize(
    "request_body",
    [{"data": b""}, {"json": {}}, {"json": {"reason": "card damaged by rain"}}],
    ids=["no_body", "empty_object", "with_reason"],
)
def test_the_reason_for_a_new_card_is_optional(desk: Any, request_body: dict[str, Any]) -> None:
    household = json_of(desk.post(HOUSEHOLDS, json=family()))
    response = desk.client.post(
        f"{HOUSEHOLDS}/{household['id']}/cards", headers=desk.headers, **request_body
    )
    assert response.status_code == 201, response.text
    assert set(json_of(response)) >= {"number", "qr"}


def test_a_card_replaced_twice_leaves_only_the_last_one_working(desk: Any) -> None:
    household = json_of(desk.post(HOUSEHOLDS, json=family()))
    path = f"{HOUSEHOLDS}/{household['id']}/cards"
    second = json_of(desk.post(path, json={"reason": "lost"}))
    third = json_of(desk.post(path, json={"reason": "stolen"}))
    for revoked in (household["card"]["qr"], second["qr"]):
        assert_error(eligibility(desk, revoked), 410, "card_revoked")
    assert eligibility(desk, third["qr"]).status_code == 200


def test_a_bad_reason_answers_422_and_keeps_the_card(desk: Any) -> None:
    household = json_of(desk.post(HOUSEHOLDS, json=family()))
    cases = Cases()
    for body in [
        {"reason": 5},
        {"reason": ["lost"]},
        {"reason": "lost\x00"},
        {"reason": "x" * 1000},
        [1],
    ]:
        with cases.case(repr(body)[:40]):
            assert_validation(desk.post(f"{HOUSEHOLDS}/{household['id']}/cards", json=body))
    cases.check()
    assert json_of(desk.get(f"{HOUSEHOLDS}/{household['id']}"))["card"] == household["card"]


def test_a_new_card_for_an_unknown_household_answers_404(desk: Any) -> None:
    assert_error(desk.post(f"{HOUSEHOLDS}/999999/cards", json={"reason": "lost"}), 404)


def test_the_card_png_holds_a_qr_of_the_cards_text(desk: Any) -> None:
    household = json_of(desk.post(HOUSEHOLDS, json=family()))
    response = desk.get(f"{HOUSEHOLDS}/{household['id']}/card.png")
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert decode_qr(response.data) == [household["card"]["qr"]]


def test_the_card_png_after_a_new_card_shows_the_new_qr(desk: Any) -> None:
    household = json_of(desk.post(HOUSEHOLDS, json=family()))
    new = json_of(desk.post(f"{HOUSEHOLDS}/{household['id']}/cards", json={"reason": "lost"}))
    png = desk.get(f"{HOUSEHOLDS}/{household['id']}/card.png").data
    assert decode_qr(png) == [new["qr"]]


def test_the_card_png_of_a_household_with_a_long_cyrillic_name_still_scans(desk: Any) -> None:
    head = member(given="Олександра-Вікторія", family="Шевченко-Коваленко-Бондаренко")
    household = json_of(desk.post(HOUSEHOLDS, json=family(head)))
    png = desk.get(f"{HOUSEHOLDS}/{household['id']}/card.png").data
    assert decode_qr(png) == [household["card"]["qr"]]


def test_the_card_png_of_an_unknown_household_answers_404_json(desk: Any) -> None:
    assert_error(desk.get(f"{HOUSEHOLDS}/999999/card.png"), 404)
