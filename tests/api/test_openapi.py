"""The OpenAPI document of API v1: served to any signed-in role, built from each route's
declaration, and held to the answers the app really gives (tests/openapi_check.py)."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask, jsonify

from app.api.docs import api_doc
from app.api.openapi import api_routes, build_document, openapi_path
from tests.api.contract import assert_error, json_of
from tests.openapi_check import Seen, problems

DOCUMENT = "/api/v1/openapi.json"


def operation(document: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    return document["paths"][path][method]


def error_codes(op: dict[str, Any], status: int) -> list[str]:
    schema = op["responses"][str(status)]["content"]["application/json"]["schema"]
    return schema["allOf"][1]["properties"]["error"]["enum"]


def test_every_api_route_declares_what_it_takes_and_answers(app: Flask) -> None:
    undeclared = [f"{m} {p}" for p, m, view in api_routes(app) if api_doc(view) is None]
    assert undeclared == []


def test_a_route_without_a_declaration_stops_the_document(app: Flask) -> None:
    app.add_url_rule("/api/v1/undeclared", "undeclared", lambda: jsonify(ok=True))
    with pytest.raises(LookupError, match="GET /api/v1/undeclared"):
        build_document(app)


def test_the_document_is_openapi_3_1_with_every_path_and_method(app: Flask, desk: Any) -> None:
    response = desk.get(DOCUMENT)
    assert response.status_code == 200
    document = json_of(response)
    assert document["openapi"] == "3.1.0"
    assert document["servers"] == [{"url": "/api/v1"}]
    assert document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    declared = {(path, method.upper()) for path, ops in document["paths"].items() for method in ops}
    assert declared == {(openapi_path(p), m) for p, m, _ in api_routes(app)}


def test_every_role_may_read_the_document_and_no_anonymous_caller(
    client: Any, desk: Any, storekeeper: Any, coordinator: Any
) -> None:
    for caller in (desk, storekeeper, coordinator):
        assert caller.get(DOCUMENT).status_code == 200
    assert_error(client.get(DOCUMENT), 401, "unauthorized")


def test_a_registration_names_its_body_its_answer_and_its_refusals(desk: Any) -> None:
    document = json_of(desk.get(DOCUMENT))
    register = operation(document, "post", "/households")
    body = register["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/HouseholdIn"}
    answer = register["responses"]["201"]["content"]["application/json"]["schema"]
    assert answer == {"$ref": "#/components/schemas/HouseholdOut"}
    assert error_codes(register, 409) == ["duplicate_document", "possible_duplicate"]
    assert error_codes(register, 422) == ["idempotency_key_reused", "validation"]
    assert {"Idempotency-Key"} == {p["name"] for p in register["parameters"]}
    member = document["components"]["schemas"]["MemberIn"]
    assert {"given_name", "birth_date", "documents"} <= set(member["required"])


def test_a_card_check_names_each_card_refusal_and_its_query(desk: Any) -> None:
    document = json_of(desk.get(DOCUMENT))
    check = operation(document, "get", "/eligibility")
    assert {p["name"]: p["in"] for p in check["parameters"]} == {
        "qr": "query",
        "card": "query",
        "household_id": "query",  # a family that forgot its card, found by name
    }
    assert error_codes(check, 410) == ["card_revoked"]
    assert error_codes(check, 404) == ["not_found", "unknown_card"]  # household_id, card
    assert "bad_card_number" in error_codes(check, 422)
    handover = operation(document, "post", "/distributions")
    assert error_codes(handover, 409) == ["insufficient_stock", "lots_out_of_step", "not_eligible"]


def test_paths_name_their_ids_and_files_their_content_type(desk: Any) -> None:
    document = json_of(desk.get(DOCUMENT))
    card = operation(document, "get", "/households/{household_id}/card.pdf")
    (household_id,) = card["parameters"]
    assert household_id["in"] == "path"
    assert household_id["schema"] == {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
    assert list(card["responses"]["200"]["content"]) == ["application/pdf"]
    period = operation(document, "get", "/reports/period")
    assert {p["name"]: p["required"] for p in period["parameters"]} == {
        "from": True,
        "to": True,
        "site": False,
        "small": False,
    }


def test_the_check_finds_an_answer_the_document_does_not_name(app: Flask) -> None:
    household = "/api/v1/households/<id:household_id>"
    site = b'[{"id": 1, "code": "C", "name": "N", "kind": "warehouse", "secret": "x"}]'
    answers = [
        Seen(household, "GET", 418, "application/json", b'{"error": "teapot"}'),
        Seen(household, "GET", 404, "application/json", b'{"error": "gone_fishing"}'),
        Seen("/api/v1/sites", "GET", 200, "application/json", site),
        Seen("/api/v1/sites", "GET", 200, "text/html", b""),
    ]
    found = problems(app, answers)
    assert len(found) == 4, found
    assert "418" in found[0] and "gone_fishing" in found[1] and "secret" in found[2]


def test_an_id_out_of_range_is_a_404_whatever_the_method(coordinator: Any) -> None:
    for path in ("/api/v1/households/0", "/api/v1/households/2147483648"):
        assert_error(coordinator.delete(path), 404, "not_found")
        assert_error(coordinator.get(path), 404, "not_found")
    assert_error(coordinator.delete("/api/v1/households/2147483647"), 404, "not_found")
