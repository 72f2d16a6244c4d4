"""@limit_checks: a check on the public page spends from its address's budget first, in a
short transaction of its own (as app.auth.limits does for an account's lookups), so the check
is counted whatever the page then finds."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import request

from app import clock
from app.db import writing
from app.extensions import db
from app.public.budget import TooManyChecks, spend_check

F = TypeVar("F", bound=Callable[..., Any])


def limit_checks(refused: Callable[[TooManyChecks], Any]) -> Callable[[F], F]:
    """Spend one check of the caller's address; ``refused`` answers when none is left.
    Put it under @public and above @page_writes."""

    def decorate(view: F) -> F:
        @wraps(view)
        def limited(*args: Any, **kwargs: Any) -> Any:
            try:
                with writing():
                    spend_check(db.session, request.remote_addr or "", clock.now())
                    db.session.commit()
            except TooManyChecks as exc:
                db.session.rollback()
                return refused(exc)
            return view(*args, **kwargs)

        return limited  # type: ignore[return-value]

    return decorate
