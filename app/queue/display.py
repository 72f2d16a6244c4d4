"""Who may read the queue: the display token (app.tickets.display), or a signed-in desk
role as @allow (decision 0031)."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import request

from app.auth.access import allow
from app.tickets.display import display_token

F = TypeVar("F", bound=Callable[..., Any])


def shown_token() -> str:
    """The token the request shows: ``?display=``, an X-Display-Token header, or a bearer."""
    given = request.args.get("display") or request.headers.get("X-Display-Token", "")
    if not given:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        given = token.strip() if scheme.lower() == "bearer" else ""
    return given[:100]


def has_display_token() -> bool:
    given = shown_token()
    return bool(given) and hmac.compare_digest(given.encode(), display_token().encode())


def allow_display(*roles: str) -> Callable[[F], F]:
    """Open to the display token, and to the signed-in ``roles`` as @allow."""

    def decorate(view: F) -> F:
        guarded = allow(*roles)(view)

        @wraps(view)
        def shown(*args: Any, **kwargs: Any) -> Any:
            if has_display_token():
                return view(*args, **kwargs)
            return guarded(*args, **kwargs)

        shown.allowed_roles = frozenset(roles)  # type: ignore[attr-defined]
        return shown  # type: ignore[return-value]

    return decorate
