"""What each API route takes and answers, declared next to the route with @doc.

The OpenAPI document (app/api/openapi.py) is built from these declarations, from the pydantic
models the route parses its body and query with, and from the URL map, so it cannot drift from
the code; tests/api/test_openapi.py fails on a route under /api/v1 that declares nothing.

Errors are named by their DomainError class (its ``status`` and ``code`` are what the API
answers) or as ``(status, "code")`` for an answer made elsewhere. The errors every route can
give (401, 403, 404 for an unknown id in the path, 400/422 for a body, 503 busy) are added by
the document itself.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict

from app.errors import DomainError

F = TypeVar("F", bound=Callable[..., Any])
ErrorSpec = type[DomainError] | tuple[int, str]


class Answer(BaseModel):
    """A JSON answer as the API gives it. Every key is named: an answer with a key its model
    does not name fails the document (tests/server/test_openapi_fuzz.py)."""

    model_config = ConfigDict(extra="forbid")


class ErrorAnswer(BaseModel):
    """Every error: its code, a message in the caller's language, and for a 422 validation
    the fields with what is wrong with each. Some errors add details of their own."""

    error: str
    message: str | None = None
    fields: dict[str, str] | None = None


@dataclass(frozen=True)
class Media:
    """A file answer (a PDF, a picture, a spreadsheet) rather than JSON."""

    type: str


@dataclass(frozen=True)
class ApiDoc:
    responses: Mapping[int, Any]  # status -> an Answer model, list[model], Media or None
    body: type[BaseModel] | None = None
    body_required: bool = True
    query: type[BaseModel] | None = None
    errors: tuple[ErrorSpec, ...] = ()

    def error_codes(self) -> dict[int, set[str]]:
        codes: dict[int, set[str]] = {}
        for spec in self.errors:
            status, code = spec if isinstance(spec, tuple) else (spec.status, spec.code)
            codes.setdefault(status, set()).add(code)
        return codes


def doc(
    *,
    responses: Mapping[int, Any],
    body: type[BaseModel] | None = None,
    body_required: bool = True,
    query: type[BaseModel] | None = None,
    errors: tuple[ErrorSpec, ...] | list[ErrorSpec] = (),
) -> Callable[[F], F]:
    """Declare the route's body and query models, its answers by status, and the domain
    errors it can give. Put it right under the route decorator."""
    declared = ApiDoc(
        responses=dict(responses),
        body=body,
        body_required=body_required,
        query=query,
        errors=tuple(errors),
    )

    def declare(view: F) -> F:
        view.api_doc = declared  # type: ignore[attr-defined]
        return view

    return declare


def api_doc(view: Callable[..., Any]) -> ApiDoc | None:
    return getattr(view, "api_doc", None)
