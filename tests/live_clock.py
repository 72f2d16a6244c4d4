"""The app with its clock moved forward by AID_TEST_CLOCK_SHIFT seconds: a server restarted
after an outage that finds itself minutes later without the test waiting those minutes
(tests/browser/test_desk_offline.py). Tests only: the app's clock is its CLOCK setting."""

from __future__ import annotations

import os
from datetime import datetime, timedelta

from app import create_app
from app.db import utcnow

app = create_app()
_SHIFT = timedelta(seconds=float(os.environ.get("AID_TEST_CLOCK_SHIFT", "0")))


def _shifted() -> datetime:
    return utcnow() + _SHIFT


app.config["CLOCK"] = _shifted
