"""What a desk request looks up by a card's number: the predicates the desk's views give
@limit_lookups (app.auth.limits). A QR token cannot be guessed, so a scan of one is free; a
number typed by hand spends from the caller's lookup budget. The request is read here, not in
the views' code."""

from __future__ import annotations

import json

from flask import request

from app.cards.tokens import read_scan


def typed_card(text: object) -> bool:
    """A card number typed by hand (right or with a wrong check digit), not a QR token."""
    return isinstance(text, str) and read_scan(text).kind in ("number", "bad_number")


def card_in_query() -> bool:
    """GET /api/v1/eligibility: ``card`` is a number; ``qr`` may be one too."""
    return "card" in request.args or typed_card(request.args.get("qr"))


def card_in_body() -> bool:
    """POST /api/v1/distributions: the same two fields, in the JSON body. A body that is not
    a JSON object is left to the view to refuse (400 or 422)."""
    try:
        body = json.loads(request.get_data(cache=True))
    except (ValueError, RecursionError):
        return False
    return isinstance(body, dict) and ("card" in body or typed_card(body.get("qr")))


def card_in_form() -> bool:
    """The desk page's scan field."""
    return typed_card(request.form.get("scan"))
