"""Bad input everywhere: every answer is a JSON 4xx with "error" and "message", never a 500,
never HTML, and a refused write saves nothing."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import pytest

from tests.api.contract import Cases, assert_error, assert_validation
from tests.conftest import member

FIVE_MB = 5 * 1024 * 1024
Snapshot = Callable[[], dict[str, int]]


def valid_household() -> dict[str, Any]:
    return {"members": [member(), member(relationship="child", born="2015-01-01")]}


def post_raw(caller: Any, path: str, data: bytes | str) -> Any:
    """POST a body exactly as given, declared as JSON."""
    return caller.client.post(
        path, data=data, headers=caller.headers, content_type="application/json"
    )


@pytest.fixture
def household(register: Callable[..., dict[str, Any]]) -> dict[str, Any]:
    return register()


def post_paths(household: dict[str, Any]) -> dict[str, str]:
    return {
        "households": "/api/v1/households",
        "cards": f"/api/v1/households/{household['id']}/cards",
        "distributions": "/api/v1/distributions",
        "items": "/api/v1/items",
        "donations": "/api/v1/donations",
    }


POSTS = ["households", "cards", "distributions", "items", "donations"]

# --- Bodies that are not what any endpoint takes ---------------------------------------------

NOT_AN_OBJECT = {
    "not_json": b"members=1&qr=2",
    "truncated_json": b'{"members": [',
    "json_array": b"[]",
    "json_array_of_an_object": b'[{"qr": "AD1-"}]',
    "json_null": b"null",
    "json_string": b'"hello"',
    "json_number": b"42",
    "json_true": b"true",
    "invalid_utf8": b'{"donor": "\xff\xfe"}',
    "lone_surrogate": b'{"donor": "\\ud800"}',
    "nul_byte_outside_strings": b'{"donor":\x00 "x"}',
    "deeply_nested": b"[" * 50_000 + b"]" * 50_000,
    "huge_number": b"1e999999",
    "bom_then_garbage": b"\xef\xbb\xbf\xef\xbb\xbf{",
}


@pytest.mark.parametrize("endpoint", POSTS)
def test_a_body_that_is_not_a_json_object_answers_a_json_4xx_and_saves_nothing(
    coordinator: Any, household: dict[str, Any], saved: Snapshot, endpoint: str
) -> None:
    before, cases = saved(), Cases()
    for name, data in NOT_AN_OBJECT.items():
        with cases.case(name):
            assert_error(post_raw(coordinator, post_paths(household)[endpoint], data))
    cases.check()
    assert saved() == before


def test_an_empty_body_or_an_empty_object_answers_422_and_saves_nothing(
    coordinator: Any, household: dict[str, Any], saved: Snapshot
) -> None:
    """Every POST but a new card, whose body is optional."""
    before, cases = saved(), Cases()
    for endpoint in ("households", "distributions", "items", "donations"):
        path = post_paths(household)[endpoint]
        for name, data in {"empty": b"", "blank": b"  \n", "empty object": b"{}"}.items():
            with cases.case(f"{endpoint} {name}"):
                assert_validation(post_raw(coordinator, path, data))
    cases.check()
    assert saved() == before


def test_a_five_megabyte_body_answers_413_json(
    coordinator: Any, household: dict[str, Any], saved: Snapshot
) -> None:
    body = json.dumps(valid_household() | {"qr": "AD1-", "padding": "x" * FIVE_MB})
    before, cases = saved(), Cases()
    for endpoint, path in post_paths(household).items():
        with cases.case(endpoint):
            assert_error(post_raw(coordinator, path, body), 413)
    cases.check()
    assert saved() == before


def test_a_five_megabyte_body_of_garbage_answers_413_json(coordinator: Any) -> None:
    response = post_raw(coordinator, "/api/v1/households", b"\x00\xff" * (FIVE_MB // 2))
    assert_error(response, 413)


# --- Wrong types in a household --------------------------------------------------------------


def replaced(path: str, value: Any) -> dict[str, Any]:
    """A valid household with the value at a dotted path (members.0.given_name) replaced."""
    body = copy.deepcopy(valid_household())
    *parents, last = path.split(".")
    target: Any = body
    for part in parents:
        target = target[int(part)] if isinstance(target, list) else target[part]
    if isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value
    return body


def removed(path: str) -> dict[str, Any]:
    body = copy.deepcopy(valid_household())
    *parents, last = path.split(".")
    target: Any = body
    for part in parents:
        target = target[int(part)] if isinstance(target, list) else target[part]
    del target[last]
    return body


REQUIRED = [
    "members",
    "members.0.given_name",
    "members.0.family_name",
    "members.0.birth_date",
    "members.0.sex",
    "members.0.relationship",
    "members.0.documents",
    "members.0.documents.0.type",
    "members.0.documents.0.number",
    "members.0.documents.0.country",
    "members.1.relationship",
]


def test_a_missing_household_field_answers_422_and_saves_nothing(
    desk: Any, saved: Snapshot
) -> None:
    before, cases = saved(), Cases()
    for path in REQUIRED:
        with cases.case(path):
            assert_validation(desk.post("/api/v1/households", json=removed(path)))
    cases.check()
    assert saved() == before


# Numbers as strings, strings as numbers, bools as strings, lists for objects, null.
WRONG_TYPES: dict[str, list[tuple[str, Any]]] = {
    "household": [
        ("members", None),
        ("members", {"0": member()}),
        ("members", "Olena Koval"),
        ("members.0", None),
        ("members.0", ["Olena", "Koval"]),
        ("members.0", 1),
        ("phone", 40721000000),
        ("phone", ["+40 721 000 000"]),
        ("phone", True),
        ("locality", 5),
        ("locality", {"city": "Iași"}),
    ],
    "member": [
        ("members.0.given_name", None),
        ("members.0.given_name", 5),
        ("members.0.given_name", True),
        ("members.0.given_name", ["Olena"]),
        ("members.0.given_name", {"first": "Olena"}),
        ("members.0.family_name", 3.5),
        ("members.0.birth_date", 19850302),
        ("members.0.birth_date", None),
        ("members.0.birth_date", ["1985-03-02"]),
        ("members.0.birth_date", "1985-03-02T10:00:00Z"),
        ("members.0.birth_date", ""),
        ("members.0.sex", None),
        ("members.0.sex", 1),
        ("members.0.sex", ["F"]),
        ("members.0.sex", "female"),
        ("members.0.relationship", None),
        ("members.0.relationship", 0),
        ("members.0.relationship", "HEAD"),
        ("members.0.disability", "true"),
        ("members.0.disability", "yes"),
        ("members.0.disability", 1),
        ("members.0.chronic_disease", "false"),
        ("members.0.chronic_disease", [True]),
    ],
    "document": [
        ("members.0.documents", None),
        ("members.0.documents", {"type": "passport", "number": "FA1", "country": "UKR"}),
        ("members.0.documents", "FA123456"),
        ("members.0.documents.0", None),
        ("members.0.documents.0", ["passport", "FA1", "UKR"]),
        ("members.0.documents.0", "FA123456"),
        ("members.0.documents.0.number", 123456),
        ("members.0.documents.0.number", None),
        ("members.0.documents.0.number", ["FA123456"]),
        ("members.0.documents.0.country", 804),
        ("members.0.documents.0.country", None),
        ("members.0.documents.0.type", None),
        ("members.0.documents.0.type", 1),
        ("members.0.documents.0.type", "PASSPORT"),
    ],
}


@pytest.mark.parametrize("part", WRONG_TYPES)
def test_a_wrong_type_in_a_household_answers_422_and_saves_nothing(
    desk: Any, saved: Snapshot, part: str
) -> None:
    before, cases = saved(), Cases()
    for path, value in WRONG_TYPES[part]:
        with cases.case(f"{path}={value!r}"):
            assert_validation(desk.post("/api/v1/households", json=replaced(path, value)))
    cases.check()
    assert saved() == before


# --- Control characters ----------------------------------------------------------------------

CONTROL = ["\x00", "\x07", "\x1b[31m", "\x7f", "\u0085", "\x08"]
TEXT_FIELDS = [
    "members.0.given_name",
    "members.0.family_name",
    "members.1.given_name",
    "members.0.documents.0.number",
    "members.0.documents.0.country",
    "phone",
    "locality",
]


@pytest.mark.parametrize("char", CONTROL, ids=[f"U+{ord(c[0]):04X}" for c in CONTROL])
def test_control_characters_in_household_text_answer_422_and_save_nothing(
    desk: Any, saved: Snapshot, char: str
) -> None:
    before, cases = saved(), Cases()
    for path in TEXT_FIELDS:
        value = {
            "members.0.documents.0.country": "UK" + char,
            "phone": "+40" + char + "721000000",
        }.get(path, "Ol" + char + "ena")
        with cases.case(path):
            assert_validation(desk.post("/api/v1/households", json=replaced(path, value)))
    cases.check()
    assert saved() == before


def test_control_characters_in_stock_text_answer_422_and_save_nothing(
    storekeeper: Any, saved: Snapshot
) -> None:
    before, cases = saved(), Cases()
    for char in ("\x00", "\x1b", "\x7f"):
        for path, body in [
            ("/api/v1/items", {"sku": "TENT", "name": f"Te{char}nt", "category": "other"}),
            ("/api/v1/items", {"sku": f"TE{char}NT", "name": "Tent", "category": "other"}),
            ("/api/v1/items", {"sku": "TENT", "name": "Tent", "category": f"other{char}"}),
            ("/api/v1/donations", {"donor": f"UN{char}HCR", "items": [line("FOOD")]}),
            ("/api/v1/donations", {"donor": "UNHCR", "items": [line(f"FO{char}OD")]}),
        ]:
            with cases.case(f"{path} {body!r}"):
                assert_validation(storekeeper.post(path, json=body))
    cases.check()
    assert saved() == before


def line(sku: str, quantity: int = 1) -> dict[str, Any]:
    return {"sku": sku, "quantity": quantity}


def test_names_in_any_script_with_accents_and_apostrophes_are_accepted(desk: Any) -> None:
    body = {
        "members": [
            member(given="Ștefan-Ilie", family="O'Brien Ţurcanu"),
            member(relationship="spouse", given="Олена", family="Ковальчук"),
            member(relationship="child", given="Ёлка", family="ზედგინიძე", born="2016-01-01"),
        ],
        "locality": "Chișinău",
    }
    assert desk.post("/api/v1/households", json=body).status_code == 201


# --- Card texts that are no card -------------------------------------------------------------

GARBAGE_QR = {
    "empty": "",
    "blank": "   ",
    "word": "hello",
    "prefix_only": "AD1-",
    "token_too_short": "AD1-" + "A" * 31,
    "token_too_long": "AD1-" + "A" * 33,
    "not_base32": "AD1-" + "1" * 32,
    "other_version": "AD9-" + "A" * 32,
    "long": "AD1-" + "A" * 10_000,
    "nul": "\x00",
    "nul_in_token": "AD1-" + "A" * 16 + "\x00" + "A" * 15,
    "control_characters": "\x1b[2J\x07",
    "html": "<script>alert(1)</script>",
    "sql": "' OR '1'='1' --",
    "digits": "12345",
    "ten_digits_bad_check": "1234567891",
    "fullwidth_digits": "１２３４５６７８９０",
    "emoji": "🙂🙂🙂",
    "percent": "%s%n%x",
    "url": "https://example.org/?qr=AD1-",
    "json": '{"qr": "AD1-"}',
}


def test_a_scan_that_is_no_card_answers_a_json_4xx_and_changes_nothing(
    desk: Any, register: Callable[..., dict[str, Any]], saved: Snapshot
) -> None:
    register()
    before, cases = saved(), Cases()
    for name, text in GARBAGE_QR.items():
        with cases.case(f"eligibility {name}"):
            assert_error(desk.get(f"/api/v1/eligibility?qr={quote(text)}"))
        with cases.case(f"distribution {name}"):
            assert_error(desk.post("/api/v1/distributions", json={"qr": text}))
    cases.check()
    assert saved() == before


def test_a_qr_that_is_not_a_string_answers_422(desk: Any, saved: Snapshot) -> None:
    before, cases = saved(), Cases()
    for qr in [None, 5, 1.5, True, [], ["AD1-"], {"qr": "AD1-"}]:
        with cases.case(repr(qr)):
            assert_validation(desk.post("/api/v1/distributions", json={"qr": qr}), "qr")
    cases.check()
    assert saved() == before


def test_eligibility_without_a_qr_answers_a_json_4xx(desk: Any) -> None:
    assert_error(desk.get("/api/v1/eligibility"))
    assert_error(desk.get("/api/v1/eligibility?qr="))
    assert_error(desk.get("/api/v1/eligibility?code=AD1-"))


def test_a_lower_case_qr_finds_the_same_household_or_none(
    desk: Any, register: Callable[..., dict[str, Any]]
) -> None:
    household = register()
    response = desk.get(f"/api/v1/eligibility?qr={quote(household['card']['qr'].lower())}")
    if response.status_code != 200:
        assert_error(response)
    else:
        assert response.get_json()["household_id"] == household["id"]


# --- Paths and methods -----------------------------------------------------------------------


UNKNOWN_PATHS = [
    "/api/v1/nothing-here",
    "/api/v1/",
    "/api/v1",
    "/api/v2/households",
    "/api/v1/households/abc",
    "/api/v1/households/-1",
    "/api/v1/households/1.5",
    "/api/v1/households/1/nothing",
    "/api/v1/households/1/card.jpg",
    "/api/v1/reports/weekly",
    "/api/v1/stock/FOOD",
    "/api/v1/households/%00",
]


def test_an_unknown_api_path_answers_404_json(coordinator: Any) -> None:
    cases = Cases()
    for path in UNKNOWN_PATHS:
        for method in ("GET", "POST", "DELETE"):
            with cases.case(f"{method} {path}"):
                response = coordinator.client.open(
                    path, method=method, json={}, headers=coordinator.headers
                )
                assert_error(response, 404)
    with cases.case("GET a household id of 5000 digits"):
        assert_error(coordinator.get("/api/v1/households/" + "9" * 5000), 404)
    cases.check()


WRONG_METHODS = [
    ("DELETE", "/api/v1/households"),
    ("GET", "/api/v1/households"),
    ("PUT", "/api/v1/households/ID"),
    ("PATCH", "/api/v1/households/ID"),
    ("GET", "/api/v1/households/ID/cards"),
    ("POST", "/api/v1/households/ID/card.png"),
    ("POST", "/api/v1/eligibility"),
    ("GET", "/api/v1/distributions"),
    ("PUT", "/api/v1/distributions"),
    ("GET", "/api/v1/items"),
    ("GET", "/api/v1/donations"),
    ("POST", "/api/v1/stock"),
    ("DELETE", "/api/v1/stock"),
    ("POST", "/api/v1/reports/daily"),
    ("POST", "/api/v1/reports/daily.xlsx"),
]


def test_a_wrong_method_answers_405_json(coordinator: Any, household: dict[str, Any]) -> None:
    cases = Cases()
    for method, path in WRONG_METHODS:
        with cases.case(f"{method} {path}"):
            path = path.replace("ID", str(household["id"]))
            response = coordinator.client.open(path, method=method, headers=coordinator.headers)
            assert_error(response, 405)
    cases.check()
