"""The OpenAPI 3.1 document of API v1, built from the URL map, each route's @doc declaration
(app/api/docs.py) and the JSON schemas of its pydantic models: nothing written twice.

Served at GET /api/v1/openapi.json to any signed-in role: it says nothing a client could not
learn by calling the API, and an outside client's author reads it with the token they use.
"""

from __future__ import annotations

import re
from http import HTTPStatus
from typing import Any, get_args, get_origin

from flask import Flask, Response, current_app, jsonify
from pydantic import BaseModel, ConfigDict
from pydantic.json_schema import models_json_schema

from app.api.docs import ApiDoc, ErrorAnswer, Media, api_doc, doc
from app.auth.access import EVERYONE, allow
from app.auth.models import ROLES
from app.idempotency.services import KEY

PREFIX = "/api/v1"
TITLE = "AidDesk API"
VERSION = "1"
_ARGUMENT = re.compile(r"<(?:(?P<converter>\w+)(?:\([^)]*\))?:)?(?P<name>\w+)>")
_REF = "#/components/schemas/{model}"
_ID = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
_IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "The same key again returns the first answer and records nothing new.",
    "schema": {"type": "string", "pattern": KEY.pattern},
}


def api_routes(app: Flask) -> list[tuple[str, str, Any]]:
    """(path, method, view) of every route under /api/v1, in a stable order."""
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(PREFIX + "/"):
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            found.append((rule.rule, method, app.view_functions[rule.endpoint]))
    return sorted(found, key=lambda route: (route[0], route[1]))


def openapi_path(rule: str) -> str:
    """A rule as the document writes it: /households/{household_id}."""
    return _ARGUMENT.sub(r"{\g<name>}", rule[len(PREFIX) :])


def _path(rule: str) -> tuple[str, list[dict[str, Any]]]:
    parameters = []
    for match in _ARGUMENT.finditer(rule):
        converter = match["converter"] or "default"
        schema = _ID if converter in ("id", "int") else {"type": "string", "minLength": 1}
        parameters.append({"name": match["name"], "in": "path", "required": True, "schema": schema})
    return openapi_path(rule), parameters


def _models(declared: ApiDoc) -> list[type[BaseModel]]:
    found = [declared.body] if declared.body is not None else []
    for answer in declared.responses.values():
        inner = get_args(answer)[0] if get_origin(answer) is list else answer
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            found.append(inner)
    return found


def _content(answer: Any, refs: dict[type[BaseModel], str]) -> dict[str, Any] | None:
    if answer is None:
        return None
    if isinstance(answer, Media):
        binary = {"type": "string", "contentMediaType": answer.type}
        return {answer.type: {"schema": binary}}
    if get_origin(answer) is list:
        schema: dict[str, Any] = {"type": "array", "items": {"$ref": refs[get_args(answer)[0]]}}
    else:
        schema = {"$ref": refs[answer]}
    return {"application/json": {"schema": schema}}


def _errors(declared: ApiDoc, view: Any, has_path_ids: bool) -> dict[int, set[str]]:
    """The codes the route can answer with, by status: its own and those every route has."""
    codes = declared.error_codes()

    def add(status: int, code: str) -> None:
        codes.setdefault(status, set()).add(code)

    add(400, "bad_request")  # a NUL character in the query string (app/web.py)
    add(401, "unauthorized")
    add(503, "busy")
    if set(getattr(view, "allowed_roles", ROLES)) != set(ROLES):
        add(403, "forbidden")
    if has_path_ids:
        add(404, "not_found")
    if declared.body is not None:
        add(400, "bad_json")
        add(413, "too_large")
        add(422, "validation")
    if declared.query is not None:
        add(422, "validation")
    if getattr(view, "idempotent", False):
        add(422, "validation")
        add(422, "idempotency_key_reused")
        add(410, "erased")  # the key's answer named people erased since (idempotency.services)
    if getattr(view, "lookup_limited", False):
        add(429, "too_many_lookups")  # a number looked up past the account's budget (auth.limits)
    return codes


def _operation(
    path: str, method: str, view: Any, refs: dict[type[BaseModel], str]
) -> tuple[str, dict[str, Any]]:
    # build_document refused a route without @doc before it asks for the operations.
    declared: ApiDoc = api_doc(view)  # type: ignore[assignment]
    openapi_path, parameters = _path(path)
    if declared.query is not None:
        schema = declared.query.model_json_schema(ref_template=_REF)
        required = set(schema.get("required", []))
        for name, field in schema.get("properties", {}).items():
            parameters.append(
                {"name": name, "in": "query", "required": name in required, "schema": field}
            )
    if getattr(view, "idempotent", False):
        parameters.append(_IDEMPOTENCY_KEY)
    responses: dict[str, Any] = {}
    for status, answer in sorted(declared.responses.items()):
        responses[str(status)] = {"description": HTTPStatus(status).phrase}
        content = _content(answer, refs)
        if content is not None:
            responses[str(status)]["content"] = content
    for status, codes in sorted(_errors(declared, view, "{" in openapi_path).items()):
        error = {
            "allOf": [
                {"$ref": refs[ErrorAnswer]},
                {"properties": {"error": {"enum": sorted(codes)}}},
            ]
        }
        responses[str(status)] = {
            "description": HTTPStatus(status).phrase,
            "content": {"application/json": {"schema": error}},
        }
    summary = (view.__doc__ or view.__name__.replace("_", " ")).strip().split("\n\n")[0]
    operation: dict[str, Any] = {
        "operationId": f"{method.lower()}_{view.__name__}",
        "summary": " ".join(summary.split()),
        "tags": [view.__module__.split(".")[1]],
        "parameters": parameters,
        "responses": responses,
    }
    if declared.body is not None:
        operation["requestBody"] = {
            "required": declared.body_required,
            "content": {"application/json": {"schema": {"$ref": refs[declared.body]}}},
        }
    return openapi_path, operation


def build_document(app: Flask) -> dict[str, Any]:
    """The whole document. Raises LookupError naming a route that declares nothing."""
    routes = api_routes(app)
    undeclared = [f"{method} {path}" for path, method, view in routes if api_doc(view) is None]
    if undeclared:
        raise LookupError(f"API routes without @doc: {', '.join(undeclared)}")
    models: set[type[BaseModel]] = {ErrorAnswer}
    for _, _, view in routes:  # each declares an ApiDoc: the undeclared raised above
        models.update(_models(api_doc(view)))  # type: ignore[arg-type]
    ordered = sorted(models, key=lambda m: (m.__name__, m.__module__))
    keys, top = models_json_schema([(m, "validation") for m in ordered], ref_template=_REF)
    refs = {model: keys[(model, "validation")]["$ref"] for model in ordered}
    paths: dict[str, dict[str, Any]] = {}
    for path, method, view in routes:
        openapi_path, operation = _operation(path, method, view, refs)
        paths.setdefault(openapi_path, {})[method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {"title": TITLE, "version": VERSION},
        "servers": [{"url": PREFIX}],
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {
            "schemas": top.get("$defs", {}),
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }


class OpenApiDocument(BaseModel):
    """An OpenAPI 3.1 document (the rest of its keys as the OpenAPI specification says)."""

    model_config = ConfigDict(extra="allow")

    openapi: str
    info: dict[str, Any]
    paths: dict[str, Any]


@doc(responses={200: OpenApiDocument})
@allow(*EVERYONE)
def document() -> Response:
    """This document: every path, its parameters, bodies, answers and error codes."""
    built = current_app.extensions.get("openapi")
    if built is None:
        built = current_app.extensions["openapi"] = build_document(current_app)
    return jsonify(built)
