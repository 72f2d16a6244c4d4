"""One unit of work for a page that writes, and one way to say a rule's "no" on a page.

A page view parses, calls one service and renders or redirects; ``@page_writes`` is the
request boundary that commits once when the view answers normally and rolls back when it
raises or answers with an error status (4xx/5xx), so a view never commits by hand. A view
that catches a domain error calls ``refuse``: what the service wrote before saying no is
rolled back and the reason is flashed for the next page (decision 0022).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, TypeVar

from flask import flash, g, make_response, session
from flask_babel import LazyString
from werkzeug.wrappers import Response

from app.errors import DomainError, Message, ValidationFailed
from app.extensions import db

F = TypeVar("F", bound=Callable[..., Any])
_AFTER_COMMIT = "unit_of_work_after_commit"


def page_writes(view: F) -> F:
    """A page write: one transaction, committed here when the view answers below 400.

    An error status or an exception rolls back (a "no" that must be kept, such as a counted
    refusal, is an outcome the view answers normally, decision 0024). When the commit itself
    fails, the messages the view flashed for this request are taken back, so the next page
    does not say "saved" for what was not. Put it under @allow.
    """

    @wraps(view)
    def unit(*args: Any, **kwargs: Any) -> Response:
        g.pop(_AFTER_COMMIT, None)  # this request's own, whatever came before in the context
        said = len(session.get("_flashes", ()))
        try:
            response = make_response(view(*args, **kwargs))
        except BaseException:
            db.session.rollback()
            raise
        if response.status_code >= 400:
            db.session.rollback()
            return response
        try:
            db.session.commit()
        except BaseException:
            db.session.rollback()
            if "_flashes" in session:
                session["_flashes"] = session["_flashes"][:said]
            raise
        for then in g.pop(_AFTER_COMMIT, ()):
            then()
        return response

    unit.page_writes = True  # type: ignore[attr-defined]  # tests/test_unit_of_work.py reads it
    return unit  # type: ignore[return-value]


def end_read() -> None:
    """End the read transaction this request is in, before slow work that writes nothing
    (drawing a PDF) or a short write of its own (the audit trail of a GET): on SQLite a
    POST's transaction holds the write gate, and the desks must not wait for a sheet."""
    db.session.commit()


def after_commit(then: Callable[[], object]) -> None:
    """Run ``then`` once this page's work is committed (a background job that reads what the
    view wrote); never when it is rolled back."""
    g.setdefault(_AFTER_COMMIT, []).append(then)


def refuse(
    exc: DomainError,
    *,
    label: Callable[[str], object] | None = str,
    say: Message | Iterable[Message] | None = None,
) -> None:
    """Undo what the refused service wrote, and flash why.

    By default each field of a ValidationFailed as "field: problem" (``label`` names the
    field; ``None`` shows the problem alone, for a page that marks the fields itself) and any
    other error by its message. ``say`` is what the page words itself instead: one text, or
    several (none: the page shows the refusal in its body).
    """
    db.session.rollback()
    if say is None:
        if not isinstance(exc, ValidationFailed):
            say = [exc.message]
        elif label is None:
            say = list(exc.fields.values())
        else:
            say = [f"{label(path)}: {message}" for path, message in exc.fields.items()]
    elif isinstance(say, str | LazyString):
        say = [say]
    for message in say:
        flash(message, "error")
