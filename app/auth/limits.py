"""@limit_lookups: a view that looks something up by a number spends from the caller's lookup
budget first (app.auth.lookups), in a short transaction of its own, so the lookup is counted
whatever the view then finds or refuses. Lookups that cannot be guessed (a card's QR token,
a search by name) are free."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import request

from app import clock
from app.auth.access import actor_id
from app.auth.lookups import TooManyLookups, spend_lookup
from app.db import writing
from app.extensions import db

F = TypeVar("F", bound=Callable[..., Any])
auth_log = logging.getLogger("aiddesk.auth")


def has_digits(text: object) -> bool:
    """A search that may look up a card, document or phone number: any digit in it."""
    return isinstance(text, str) and any(ch.isdigit() for ch in text)


# What a search looks up: the request is read here, not in the views' code.
def number_in_search() -> bool:
    """A search (page or API) with ``q`` holding a number."""
    return has_digits(request.args.get("q"))


def limit_lookups(
    by_number: Callable[[], bool],
    refused: Callable[[TooManyLookups], Any] | None = None,
) -> Callable[[F], F]:
    """Spend one lookup when ``by_number()`` says the request looks up a number. Put it under
    @allow and above @writes. ``refused`` answers a refusal its own way (the desk's panel);
    otherwise app.errors does (429 ``too_many_lookups`` with ``retry_after``)."""

    def decorate(view: F) -> F:
        @wraps(view)
        def limited(*args: Any, **kwargs: Any) -> Any:
            user_id = actor_id()
            if user_id is not None and by_number():
                db.session.commit()  # end the read that found the caller: the spend writes
                try:
                    with writing():
                        spend_lookup(db.session, user_id, clock.now())
                        db.session.commit()
                except TooManyLookups as exc:
                    db.session.rollback()
                    auth_log.info(
                        "lookup_throttled",
                        extra={
                            "fields": {
                                "event": "lookup_throttled",
                                "user_id": user_id,
                                "address": request.remote_addr,
                                "retry_after": exc.retry_after,
                            }
                        },
                    )
                    if refused is not None:
                        return refused(exc)
                    raise
            return view(*args, **kwargs)

        limited.lookup_limited = True  # type: ignore[attr-defined]  # the API document's 429
        return limited  # type: ignore[return-value]

    return decorate
