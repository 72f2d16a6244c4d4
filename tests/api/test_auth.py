"""Who may call what: bearer tokens, 401 for no or a bad token, 403 for a role not allowed."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pytest

from tests.api.contract import Cases, assert_error
from tests.conftest import member

DESK = ("volunteer", "coordinator")
STOCK = ("stock_manager", "coordinator")
COORDINATOR = ("coordinator",)
ROLES = ("volunteer", "stock_manager", "coordinator")
NEW_SKUS = (f"TENT-{n}" for n in itertools.count(1))

Register = Callable[..., dict[str, Any]]


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    roles: tuple[str, ...]
    success: int
    # A valid request (path, JSON body) for a fresh caller; registers what it needs.
    request: Callable[[Register], tuple[str, Any]]


ENDPOINTS = [
    Endpoint(
        "register_household",
        "POST",
        DESK,
        201,
        lambda register: ("/api/v1/households", {"members": [member()]}),
    ),
    Endpoint(
        "read_household",
        "GET",
        DESK,
        200,
        lambda register: (f"/api/v1/households/{register()['id']}", None),
    ),
    Endpoint(
        "issue_card",
        "POST",
        DESK,
        201,
        lambda register: (f"/api/v1/households/{register()['id']}/cards", {"reason": "lost"}),
    ),
    Endpoint(
        "card_png",
        "GET",
        DESK,
        200,
        lambda register: (f"/api/v1/households/{register()['id']}/card.png", None),
    ),
    Endpoint(
        "eligibility",
        "GET",
        DESK,
        200,
        lambda register: (f"/api/v1/eligibility?qr={quote(register()['card']['qr'])}", None),
    ),
    Endpoint(
        "distribution",
        "POST",
        DESK,
        201,
        lambda register: ("/api/v1/distributions", {"qr": register()["card"]["qr"]}),
    ),
    Endpoint(
        "add_item",
        "POST",
        STOCK,
        201,
        lambda register: (
            "/api/v1/items",
            {"sku": next(NEW_SKUS), "name": "Family tent", "category": "other"},
        ),
    ),
    Endpoint(
        "donation",
        "POST",
        STOCK,
        201,
        lambda register: (
            "/api/v1/donations",
            {"donor": "UNHCR", "items": [{"sku": "FOOD", "quantity": 5}]},
        ),
    ),
    Endpoint("stock", "GET", STOCK, 200, lambda register: ("/api/v1/stock", None)),
    Endpoint(
        "daily_report",
        "GET",
        COORDINATOR,
        200,
        lambda register: ("/api/v1/reports/daily?date=2026-03-01", None),
    ),
    Endpoint(
        "daily_report_xlsx",
        "GET",
        COORDINATOR,
        200,
        lambda register: ("/api/v1/reports/daily.xlsx?date=2026-03-01", None),
    ),
]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
def test_each_endpoint_answers_each_role_and_refuses_anonymous_callers(
    endpoint: Endpoint, client: Any, token_for: Callable[[str], str], register: Register
) -> None:
    callers: dict[str, dict[str, str]] = {role: bearer(token_for(role)) for role in ROLES}
    callers["no token"] = {}
    callers["bad token"] = bearer("not-a-token-anyone-was-given")
    expected = {
        caller: endpoint.success if caller in endpoint.roles else 403 for caller in ROLES
    } | {"no token": 401, "bad token": 401}
    actual = {}
    for caller, headers in callers.items():
        path, body = endpoint.request(register)
        response = client.open(path, method=endpoint.method, json=body, headers=headers)
        actual[caller] = response.status_code
        if response.status_code >= 400:
            assert_error(response)
    assert actual == expected


BAD_HEADERS = {
    "empty": "",
    "scheme_only": "Bearer",
    "scheme_and_space": "Bearer ",
    "scheme_and_spaces": "Bearer  ",
    "basic": "Basic dm9sdW50ZWVyOmNvcnJlY3QgaG9yc2UgYmF0dGVyeQ==",
    "other_scheme": "Token {token}",
    "no_scheme": "{token}",
    "token_with_suffix": "Bearer {token}x",
    "token_with_prefix": "Bearer x{token}",
    "5000_characters": "Bearer " + "A" * 5000,
    "non_ascii": "Bearer tökén",
    "token_twice": "Bearer {token} {token}",
}


def test_a_malformed_or_wrong_authorization_header_answers_401(
    client: Any, token_for: Callable[[str], str]
) -> None:
    token, cases = token_for("coordinator"), Cases()
    for name, header in BAD_HEADERS.items():
        with cases.case(name):
            headers = {"Authorization": header.format(token=token)}
            assert_error(client.get("/api/v1/stock", headers=headers), 401)
    cases.check()


def test_the_same_token_works_again_and_again(client: Any, token_for: Callable[[str], str]) -> None:
    headers = bearer(token_for("coordinator"))
    assert [client.get("/api/v1/stock", headers=headers).status_code for _ in range(3)] == [200] * 3


@pytest.mark.parametrize(("role", "status"), [(None, 401), ("bad", 401), ("stock_manager", 403)])
def test_a_refused_caller_registers_nothing_even_with_a_valid_body(
    role: str | None,
    status: int,
    client: Any,
    token_for: Callable[[str], str],
    saved: Callable[[], dict[str, int]],
) -> None:
    headers = {} if role is None else bearer("wrong" if role == "bad" else token_for(role))
    before = saved()
    response = client.post("/api/v1/households", json={"members": [member()]}, headers=headers)
    assert_error(response, status)
    assert saved() == before


def test_authentication_is_checked_before_the_input(client: Any) -> None:
    cases = Cases()
    for method, path, body in [
        ("POST", "/api/v1/households", {"members": "not a list"}),
        ("POST", "/api/v1/households/1/cards", [1]),
        ("POST", "/api/v1/distributions", {"qr": 12}),
        ("POST", "/api/v1/items", {}),
        ("POST", "/api/v1/donations", {"items": [{"sku": "NOPE", "quantity": 0}]}),
        ("GET", "/api/v1/eligibility?qr=garbage", None),
        ("GET", "/api/v1/reports/daily?date=yesterday", None),
    ]:
        with cases.case(f"{method} {path}"):
            assert_error(client.open(path, method=method, json=body), 401)
    cases.check()


def test_a_role_not_allowed_is_refused_before_the_household_is_looked_up(
    client: Any, token_for: Callable[[str], str]
) -> None:
    headers = bearer(token_for("stock_manager"))
    assert_error(client.get("/api/v1/households/999999", headers=headers), 403)
    assert_error(client.post("/api/v1/households/999999/cards", headers=headers), 403)
