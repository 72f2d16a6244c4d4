"""The request's clock: what time and which day it is at this site. Tests fix it with the
CLOCK setting instead of sleeping or patching.

Below app.auth and every domain (decision 0018): app.context hands it to views, and the sign-in
pages read it here without importing app.context, which names the acting user.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app

from app.db import local_date, utcnow


def now() -> datetime:
    clock = current_app.config.get("CLOCK") or utcnow  # tests may set a fixed clock
    return clock()


def today() -> date:
    return local_date(now(), current_app.config["AID_TIMEZONE"])


def local_now() -> datetime:
    return now().astimezone(ZoneInfo(current_app.config["AID_TIMEZONE"]))
