"""Every answer the API tests see, held against the OpenAPI document the app serves: its status
is one the operation names, its content type the one named for that status, and a JSON body
fits the schema (a 422's error code among those enumerated, an answer's keys all named).

tests/conftest.py records each answer of a test and checks them when the test ends, so the
suite's real answers, the happy paths and the refusals, keep the document honest. A 5xx other
than 503 is left to the tests that expect it (the server test fails on any).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from typing import Any

import jsonschema_rs
from flask import Flask, Response, request

from app.api.openapi import api_routes, build_document, openapi_path


@dataclass(frozen=True)
class Seen:
    rule: str
    method: str
    status: int
    mimetype: str
    body: bytes


def record_answers(app: Flask) -> list[Seen]:
    """The API answers the app gives from now on, as a list that fills as they go."""
    seen: list[Seen] = []

    @app.after_request
    def record(response: Response) -> Response:
        rule = request.url_rule
        if rule is None or not rule.rule.startswith("/api/v1/"):
            return response
        if response.status_code >= 500 and response.status_code != 503:
            return response
        body = response.get_data() if response.mimetype == "application/json" else b""
        seen.append(Seen(rule.rule, request.method, response.status_code, response.mimetype, body))
        return response

    return seen


_DOCUMENTS: dict[tuple[tuple[str, str], ...], dict[str, Any]] = {}


@cache
def _validator(schema_json: str, components_json: str) -> Any:
    schema = {**json.loads(schema_json), "components": json.loads(components_json)}
    return jsonschema_rs.Draft202012Validator(schema, validate_formats=True)


def problems(app: Flask, seen: list[Seen]) -> list[str]:
    """What, in these answers, the document does not say."""
    if not seen:
        return []
    # The document depends on the code alone: built once for the routes the apps have.
    routes = tuple((path, method) for path, method, _ in api_routes(app))
    document = _DOCUMENTS.get(routes) or _DOCUMENTS.setdefault(routes, build_document(app))
    components = json.dumps(document["components"], sort_keys=True)
    found = []
    for answer in seen:
        where = f"{answer.method} {answer.rule} answered {answer.status}"
        path = openapi_path(answer.rule)
        operation = document["paths"].get(path, {}).get(answer.method.lower())
        if operation is None:
            found.append(f"{where}: the document has no such operation")
            continue
        response = operation["responses"].get(str(answer.status))
        if response is None:
            named = sorted(operation["responses"])
            found.append(f"{where}: the document names only {named}")
            continue
        content = response.get("content", {})
        if answer.mimetype not in content:
            found.append(f"{where} as {answer.mimetype}: the document says {sorted(content)}")
            continue
        if answer.mimetype != "application/json":
            continue
        schema = json.dumps(content[answer.mimetype]["schema"], sort_keys=True)
        body = json.loads(answer.body)
        errors = [
            f"{'/'.join(map(str, e.instance_path)) or 'body'}: {e.message[:200]}"
            for e in _validator(schema, components).iter_errors(body)
        ]
        if errors:
            found.append(f"{where}: {'; '.join(errors[:3])}")
    return found
