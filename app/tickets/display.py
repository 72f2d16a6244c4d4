"""The hall screen's display token (decision 0031).

The token is derived from AID_DISPLAY_KEY (or SECRET_KEY) and the site's code, so every
process and every restart agrees on it with nothing stored; changing the key retires every
hall screen's link. It opens the hall screen and ``GET /api/v1/queue`` and nothing else:
numbers, desks and waits, which name no one. Here, below the desk, so the coordinator's
dashboard (app.reports) can show the hall screen's link, and app.queue can check it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from flask import current_app


def display_token() -> str:
    key = current_app.config.get("AID_DISPLAY_KEY") or current_app.config["SECRET_KEY"]
    site = current_app.config["AID_SITE"]
    digest = hmac.new(str(key).encode(), f"hall-screen:{site}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()[:15]).decode()
