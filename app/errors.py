"""Domain errors, and the one place that turns them into HTTP answers.

Services raise a DomainError subclass; the API answers it as JSON
``{"error": code, "message": ..., **details}`` with its status, and pages show its message.
What a service wrote before raising is rolled back here; nothing is ever committed here: a
"no" that must be kept (a counted refusal) is an outcome the service returns, not an error
(decision 0024).
"""

from __future__ import annotations

from typing import Any, TypeAlias

from flask import Flask, Response, jsonify, render_template, request
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

from app.db import DatabaseBusy
from app.extensions import db


class DomainError(Exception):
    """A rule said no. ``code`` and ``status`` are what the API answers."""

    code = "error"
    status = 400

    def __init__(self, message: str | LazyString, **details: Any) -> None:
        # A lazy message (flask_babel.lazy_gettext) is read in the language of the request
        # that shows it: the volunteer's on a page, the token owner's in the API.
        super().__init__(message)
        self.message = message
        self.details = details

    def to_json(self) -> dict[str, Any]:
        return {"error": self.code, "message": str(self.message), **self.details}

    def http_headers(self) -> dict[str, str]:
        """Headers the answer carries besides the body (a 429's Retry-After)."""
        return {}


SOME_FIELDS = _l("Some fields need attention.")


# What is wrong with one field: a lazily translated text (``_l("at most %(n)s characters",
# n=100)``) read in the language of whoever is shown it; tests/test_i18n.py finds a plain one.
Message: TypeAlias = str | LazyString


class ValidationFailed(DomainError):
    """Input that cannot be saved; ``fields`` maps a field path to what is wrong with it."""

    code = "validation"
    status = 422

    def __init__(self, fields: dict[str, Message], message: str | LazyString = SOME_FIELDS) -> None:
        super().__init__(message, fields=fields)
        self.fields = fields

    def to_json(self) -> dict[str, Any]:
        # The keys are the API's contract; each text is read now, in the caller's language.
        fields = {path: str(text) for path, text in self.fields.items()}
        return {**super().to_json(), "fields": fields}


class NotFound(DomainError):
    code = "not_found"
    status = 404


def is_api_request() -> bool:
    return request.path.startswith("/api/")


# What a page says for an HTTP error, in the reader's language: werkzeug's own descriptions
# ("The requested URL was not found on the server...") are English only.
PAGE_MESSAGES = {
    400: _l("The request could not be read. Go back and try again."),
    401: _l("Log in to open this page."),
    403: _l("Your role may not open this page. Ask a coordinator if you need it."),
    404: _l("There is no such page. Check the address, or start again from the menu."),
    405: _l("This page cannot be opened that way. Go back and try again."),
    413: _l("What was sent is too large."),
    415: _l("What was sent is not of a kind this page reads."),
}


def _http_error(exc: HTTPException) -> Response | tuple[Any, int]:
    status = exc.code or 500
    if is_api_request():
        code = {
            400: "bad_request",
            401: "unauthorized",
            403: "forbidden",
            404: "not_found",
            405: "method_not_allowed",
            413: "too_large",
            415: "unsupported_media_type",
        }.get(status, "http_error")
        return jsonify(error=code, message=str(exc.description)), status
    message = exc.description
    if not isinstance(message, LazyString):  # a page's own reason, marked, is kept
        message = PAGE_MESSAGES.get(status, _l("Something went wrong. Try again."))
    return render_template("error.html", status=status, message=message), status


def api_answer(exc: DomainError) -> Response:
    """The API's answer for a domain error: its JSON body, status and headers. A view that
    turns a service's outcome into an error answer (a refused handover) returns this, so its
    work is committed by its unit of work as any answer's."""
    response = jsonify(exc.to_json())
    response.status_code = exc.status
    response.headers.update(exc.http_headers())
    return response


def _domain_error(exc: DomainError) -> Response | tuple[Any, int, dict[str, str]]:
    db.session.rollback()
    if is_api_request():
        return api_answer(exc)
    headers = exc.http_headers()
    page = render_template("error.html", status=exc.status, message=exc.message)
    return page, exc.status, headers


def _busy(exc: DatabaseBusy) -> tuple[Any, int]:
    if is_api_request():
        return jsonify(error="busy", message=str(exc)), 503
    return render_template("error.html", status=503, message=str(exc)), 503


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(DomainError, _domain_error)
    app.register_error_handler(DatabaseBusy, _busy)
