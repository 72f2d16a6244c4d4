"""What every page shares: security headers and the template helpers."""

from __future__ import annotations

import secrets
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import Flask, Response, abort, current_app, request
from flask_babel import lazy_gettext as _l
from werkzeug.routing import IntegerConverter, Map

from app.auth.access import current_actor
from app.days import day_input
from app.db import local_date

NAV = (
    ("desk.index", _l("Desk"), ("volunteer", "coordinator")),
    ("queue.door", _l("Door"), ("volunteer", "coordinator")),
    ("households.register", _l("Register"), ("volunteer", "coordinator")),
    ("cards.index", _l("Cards"), ("volunteer", "coordinator")),
    ("stock.index", _l("Stock"), ("stock_manager", "coordinator")),
    ("reports.today", _l("Today's counts"), ("coordinator",)),
    ("reports.dashboard", _l("Dashboard"), ("coordinator",)),
    ("reports.period_page", _l("Reports"), ("coordinator",)),
    ("programmes.index", _l("Programmes"), ("coordinator",)),
    ("slips.find", _l("Slips"), ("coordinator",)),
    ("accounts.index", _l("Accounts"), ("coordinator",)),
    ("audit.index", _l("Audit"), ("coordinator",)),
    ("privacy.processing", _l("Privacy"), ("coordinator",)),
)
ROLE_NAMES = {
    "volunteer": _l("volunteer"),
    "stock_manager": _l("stock manager"),
    "coordinator": _l("coordinator"),
}


# 1 to 2**31 - 1 (2147483647) spelled out, leading zeros allowed as int() reads them.
_POSITIVE_INT32 = (
    r"0*(?:[1-9]\d{0,8}|1\d{9}|20\d{8}|21[0-3]\d{7}|214[0-6]\d{6}|2147[0-3]\d{5}"
    r"|21474[0-7]\d{4}|214748[0-2]\d{3}|2147483[0-5]\d{2}|21474836[0-3]\d|214748364[0-7])"
)


class IdConverter(IntegerConverter):
    """A database id in a URL: a positive 32-bit integer, so a huge number is a 404, not a 500.

    The pattern itself holds the range: a value the rule's pattern takes but the converter
    then refused would make werkzeug answer 405 for a path that has other methods."""

    regex = _POSITIVE_INT32

    def __init__(self, url_map: Map) -> None:
        super().__init__(url_map, min=1, max=2**31 - 1)


def _headers(response: Response) -> Response:
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "worker-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    )
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    if not request.path.startswith("/static/"):
        # Pages and API answers carry people's data: no copies in caches.
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def _refuse_nul() -> None:
    """A NUL character has no place in any field, and PostgreSQL cannot store or compare one:
    refuse it in the query string and in form fields before any view runs. (JSON bodies are
    checked field by field by the API's models.)"""
    values = [*request.args.values()]
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        values += request.form.values()
    if any("\x00" in value for value in values):
        abort(400, "The input contains a NUL character.")


def _template_helpers() -> dict[str, object]:
    actor = current_actor()
    nav = [(endpoint, label) for endpoint, label, roles in NAV if actor and actor.role in roles]
    return {
        "nav": nav,
        "actor": actor,
        "roles": ROLE_NAMES,
        "new_key": lambda: secrets.token_urlsafe(16),
    }


def format_day(value: date | datetime | str | None) -> str:
    """A date as the desk reads it; a moment is shown as its date at the site."""
    if not value:
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime):
        value = local_date(value, current_app.config["AID_TIMEZONE"])
    return value.strftime("%d.%m.%Y")


def format_clock(value: datetime) -> str:
    """A moment as the time of day at the site, e.g. 14:05."""
    return value.astimezone(ZoneInfo(current_app.config["AID_TIMEZONE"])).strftime("%H:%M")


def register_web(app: Flask) -> None:
    app.before_request(_refuse_nul)
    app.after_request(_headers)
    app.context_processor(_template_helpers)
    app.add_template_filter(format_day, "day")
    app.add_template_filter(format_clock, "clock")
    app.jinja_env.globals["day_input"] = day_input
