"""What views pass to services: the clock, the site, the card key and the acting user.

Services never read these themselves; they take them as arguments, so tests pass a date.
"""

from __future__ import annotations

from flask import current_app

from app.auth.access import actor_id, signed_in_id
from app.clock import local_now, now, today
from app.extensions import db
from app.sites.services import site_by_code

# The clock (app.clock) and the acting user (app.auth.access) are defined below; views read
# them here with the rest of what they pass to services.
__all__ = [
    "actor_id",
    "card_key",
    "eligibility_days",
    "local_now",
    "now",
    "photo_dir",
    "signed_in_id",
    "site_id",
    "today",
]


def eligibility_days() -> int:
    return int(current_app.config["ELIGIBILITY_DAYS"])


def site_id() -> int:
    """The id of this server's site (AID_SITE). Sites are never deleted, so it is looked up
    once per process."""
    known: dict[str, int] = current_app.extensions.setdefault("aid_site_ids", {})
    code = current_app.config["AID_SITE"]
    if code not in known:
        known[code] = site_by_code(db.session, code).id
    return known[code]


def card_key() -> str:
    return current_app.config["CARD_KEY"]


def photo_dir() -> str | None:
    """Where the heads' photos are, when the center takes photos (AID_PHOTOS=1)."""
    return current_app.config["AID_PHOTO_DIR"] if current_app.config.get("AID_PHOTOS") else None
