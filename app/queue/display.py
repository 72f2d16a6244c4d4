"""The hall screen's access: a display token, not a session (decision 0031).

The token is derived from AID_DISPLAY_KEY (or SECRET_KEY) and the site's code, so every
process and every restart agrees on it with nothing stored; changing the key retires every
hall screen's link. It opens the hall screen and ``GET /api/v1/queue`` and nothing else:
numbers, desks and waits, which name no one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import current_app, request

from app.auth.access import allow

F = TypeVar("F", bound=Callable[..., Any])


def display_token() -> str:
    key = current_app.config.get("AID_DISPLAY_KEY") or current_app.config["SECRET_KEY"]
    site = current_app.config["AID_SITE"]
    digest = hmac.new(str(key).encode(), f"hall-screen:{site}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()[:15]).decode()


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
