"""GET and POST /check: the family types its card number and reads its next date.

Public: no login. The form is a POST with Flask-WTF's CSRF token, so the number stays out of
addresses, histories and logs, and no other site can make a visitor's browser spend this
address's budget. The number typed is not shown back.
"""

from __future__ import annotations

from flask import Blueprint, Response, make_response, render_template, request

from app import context
from app.auth.access import public
from app.extensions import db
from app.names import name_in
from app.public.budget import TooManyChecks
from app.public.limits import limit_checks
from app.public.services import MAX_INPUT, PublicAnswer, next_visit
from app.public.words import PAGE_LANGUAGES, page_language, programme_line, words
from app.unit_of_work import page_writes

bp = Blueprint("public", __name__)

# On top of the headers every page gets (app/web.py): no address of this page leaves with a
# link, no search engine lists it, no camera, microphone or place is asked for.
HEADERS = {
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cache-Control": "no-store",
}


def _page(language: str, answer: PublicAnswer | None, status: int, wait: int = 0) -> Response:
    day = answer.on.strftime("%d.%m.%Y") if answer and answer.on else ""
    said = words(language, day=day, seconds=wait)
    # Programme names have no Russian: the Ukrainian name is the one the families read.
    named_in = "uk" if language == "ru" else language
    lines = [
        programme_line(
            language,
            name_in(name, names, named_in),
            on.strftime("%d.%m.%Y") if on else None,
            on == context.today(),
        )
        for name, names, on in (answer.programmes if answer else ())
    ]
    response = make_response(
        render_template(
            "public/check.html",
            language=language,
            languages=PAGE_LANGUAGES,
            words=said,
            answer=answer,
            programme_lines=lines,
            too_many=bool(wait),
        ),
        status,
    )
    response.headers.update(HEADERS)
    return response


@bp.get("/check")
@public
def check_page() -> Response:
    language = page_language(request.args.get("lang"), request.accept_languages)
    return _page(language, None, 200)


def _too_many(exc: TooManyChecks) -> Response:
    language = page_language(request.form.get("lang"), request.accept_languages)
    response = _page(language, None, 429, wait=exc.retry_after)
    response.headers.update(exc.http_headers())
    return response


@bp.post("/check")
@public
@limit_checks(_too_many)
@page_writes
def check() -> Response:
    """The check is spent from the address's budget first (@limit_checks), then the number is
    looked up, reading only; a known and an unknown number are both a 200, the same page with
    another line."""
    language = page_language(request.form.get("lang"), request.accept_languages)
    answer = next_visit(
        db.session,
        request.form.get("number", "")[: MAX_INPUT + 1],
        today=context.today(),
        days=context.eligibility_days(),
    )
    status = 422 if answer.kind in ("bad_number", "not_a_number") else 200
    return _page(language, answer, status)
