"""The app with a clock the test moves: a server restarted after an outage that finds itself
minutes later without the test waiting those minutes (tests/browser/test_desk_offline.py), or a
morning at the door played in seconds (tests/browser/test_queue_morning.py). Tests only: the
app's clock is its CLOCK setting.

- AID_TEST_CLOCK_SHIFT: seconds added to the real time, fixed for the process's life.
- AID_TEST_CLOCK_FILE: a file holding the moment (ISO 8601, with its offset); the clock stands
  still at it, and the test moves it by writing the file (FileClock).
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from pathlib import Path

from app import create_app
from app.db import utcnow
from tests.live import FileClock

app = create_app()
_SHIFT = timedelta(seconds=float(os.environ.get("AID_TEST_CLOCK_SHIFT", "0")))
_FILE = os.environ.get("AID_TEST_CLOCK_FILE", "")


def _shifted() -> datetime:
    return utcnow() + _SHIFT


app.config["CLOCK"] = FileClock(Path(_FILE)) if _FILE else _shifted
