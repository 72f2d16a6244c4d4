"""The JSON API v1: bearer tokens, JSON bodies, JSON errors. Each domain adds its routes
in its own api.py; they are registered here under /api/v1."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date
from functools import wraps
from typing import Any, TypeVar

from flask import Blueprint, Flask, Response, g, make_response, request
from flask_babel import lazy_gettext as _l
from pydantic import BaseModel, ValidationError

from app import context
from app.api.fields import validation_fields
from app.auth.access import current_actor
from app.auth.services import user_for_token
from app.db import read_apart
from app.errors import DomainError, ValidationFailed
from app.extensions import csrf, db
from app.idempotency.services import Names, guard

M = TypeVar("M", bound=BaseModel)
F = TypeVar("F", bound=Callable[..., Any])


class BadJson(DomainError):
    code = "bad_json"
    status = 400


def writes(view: F) -> F:
    """An API write: one transaction, committed here when the view returns (whatever it
    answers: a refused handover's 409 keeps its counted refusal), rolled back when it raises.

    With an ``Idempotency-Key`` header the same key again returns the first answer and
    records nothing new; the same key with another request is a 422 (idempotency.guard, as
    for the desk page). Put it under @allow. A view whose answer names people says so with
    ``answer_names``.
    """

    @wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Response:
        g.answer_names = Names()  # this request's own, whatever came before in the context
        actor = current_actor()
        once = guard(
            db.session,
            user_id=actor.id if actor is not None else None,
            key=request.headers.get("Idempotency-Key"),
            method=request.method,
            path=request.path,
            body=request.get_data(cache=True),
            card_key=context.card_key(),
        )
        g.keeps_answer = once is not None
        try:
            replay = once.first_answer() if once else None
            if replay is not None:
                return Response(replay.body, replay.status, content_type=replay.content_type)
            response = make_response(view(*args, **kwargs))
            if once:
                once.keep(
                    status=response.status_code,
                    content_type=response.content_type or "",
                    body=response.get_data(),
                    now=context.now(),
                    names=g.get("answer_names"),
                )
        except BaseException:
            db.session.rollback()
            raise
        db.session.commit()
        return response

    guarded.idempotent = True  # type: ignore[attr-defined]  # the document names the header
    return guarded  # type: ignore[return-value]


def written() -> None:
    """The view's writes are made: commit them now, unless its answer is to be kept with them
    (an ``Idempotency-Key``), so that the answer is built after SQLite's write gate is given
    back (the handover's: decision 0038). @writes still commits what comes after, if any."""
    if not g.get("keeps_answer"):
        db.session.commit()


def answer_names(household_id: int | None = None, member_ids: Iterable[int] = ()) -> None:
    """Say that this request's answer names a household or people: a stored answer is then
    forgotten when they are erased (idempotency.services.forget_names)."""
    names = g.get("answer_names")
    if names is None:
        names = g.answer_names = Names()
    names.add(household_id, member_ids)


def _authenticate() -> None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    g.api_user = None
    if scheme.lower() == "bearer" and token.strip() and len(token) < 200:
        with read_apart(db.session) as conn:
            g.api_user = user_for_token(conn, token.strip())


def parse_body(model: type[M], *, optional: bool = False) -> M:
    """The request's JSON body as ``model``; 400 for text that is not JSON, 422 with the
    fields for JSON that does not fit. An ``optional`` body may be left out."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        if optional:
            return model()
        raise ValidationFailed({"body": _l("a JSON object is required")})
    try:
        return model.model_validate_json(raw, strict=True)
    except ValidationError as exc:
        if any(e["type"] == "json_invalid" for e in exc.errors()):
            raise BadJson(_l("The body is not valid JSON.")) from None
        raise ValidationFailed(validation_fields(exc)) from None


_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_day(value: str, field: str = "date") -> date:
    """A calendar day written YYYY-MM-DD, and nothing else (not a timestamp, not a time)."""
    try:
        if _ISO_DAY.match(value):
            return date.fromisoformat(value)
    except ValueError:
        pass
    raise ValidationFailed({field: _l("a date written YYYY-MM-DD")})


def query_model(model: type[M], args: dict[str, Any]) -> M:
    try:
        return model.model_validate(args)
    except ValidationError as exc:
        raise ValidationFailed(validation_fields(exc)) from None


def register_api(app: Flask, children: Iterable[Blueprint]) -> None:
    """Mount each domain's API blueprint under /api/v1. The factory passes them in, so this
    package, which every domain's api.py imports, imports none of them (decision 0018)."""
    from app.api.openapi import document

    api = Blueprint("api", __name__, url_prefix="/api/v1")
    api.before_request(_authenticate)
    api.add_url_rule("/openapi.json", "openapi", document)
    for child in children:
        api.register_blueprint(child)
        csrf.exempt(child)  # bearer tokens, not cookies: no cross-site request to forge
    csrf.exempt(api)
    app.register_blueprint(api)
