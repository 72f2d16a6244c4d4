"""What views pass to services: the clock, the site, the card key and the acting user.

Services never read these themselves; they take them as arguments, so tests pass a date.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app

from app.auth.access import current_actor
from app.db import local_date, utcnow
from app.extensions import db
from app.stock.services import site_by_code


def now() -> datetime:
    clock = current_app.config.get("CLOCK") or utcnow  # tests may set a fixed clock
    return clock()


def today() -> date:
    return local_date(now(), current_app.config["AID_TIMEZONE"])


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


def actor_id() -> int | None:
    actor = current_actor()
    return actor.id if actor else None


def local_now() -> datetime:
    return now().astimezone(ZoneInfo(current_app.config["AID_TIMEZONE"]))
