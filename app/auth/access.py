"""Who may use which route. Every view declares it with @allow(...) or @public.

The declaration is kept on the view function (``view.allowed_roles``) so a test can walk the
app's URL map and fail on a route that declares nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, g, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.auth.models import ROLES, User
from app.auth.services import Actor
from app.errors import is_api_request

F = TypeVar("F", bound=Callable[..., Any])
PUBLIC: frozenset[str] = frozenset({"anonymous"})


def current_actor() -> User | Actor | None:
    """The signed-in user of this request: by bearer token in the API, by session on pages."""
    if is_api_request():
        return g.get("api_user")
    return current_user._get_current_object() if current_user.is_authenticated else None


def actor_id() -> int | None:
    actor = current_actor()
    return actor.id if actor else None


def signed_in_id() -> int:
    """The acting user's id, in a view behind @allow (which lets no one else through)."""
    user_id = actor_id()
    if user_id is None:
        raise RuntimeError("signed_in_id() outside @allow")
    return user_id


def allow(*roles: str) -> Callable[[F], F]:
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {unknown}")

    def decorate(view: F) -> F:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            actor = current_actor()
            if actor is None:
                if is_api_request():
                    abort(401, "A valid 'Authorization: Bearer TOKEN' header is needed.")
                return redirect(url_for("auth.login", next=request.full_path))
            if actor.role not in roles:
                abort(403, _l("Your role may not do this."))
            return view(*args, **kwargs)

        guarded.allowed_roles = frozenset(roles)  # type: ignore[attr-defined]
        return guarded  # type: ignore[return-value]

    return decorate


def public(view: F) -> F:
    view.allowed_roles = PUBLIC  # type: ignore[attr-defined]
    return view


EVERYONE = ROLES
DESK = ("volunteer", "coordinator")
STOCK = ("stock_manager", "coordinator")
COORDINATOR = ("coordinator",)
