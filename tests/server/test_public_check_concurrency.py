"""The public check page's budget per address, spent by real concurrent requests against the
real server: the conditional UPDATE lets exactly BURST checks through, never more."""

from __future__ import annotations

import re
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

import pytest

from app.public.budget import BURST
from tests.server.test_concurrency import all_at_once

pytestmark = pytest.mark.server

CALLERS = BURST + 12


def test_callers_at_once_from_one_address_get_the_burst_and_then_429(live_server: Any) -> None:
    with urllib.request.urlopen(live_server.url + "/check?lang=en", timeout=30) as page:
        cookie = page.headers["Set-Cookie"].split(";")[0]
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.read().decode()).group(1)  # type: ignore[union-attr]
    body = urllib.parse.urlencode({"csrf_token": token, "number": "0000000000"}).encode()

    def check(_: int) -> int:
        request = urllib.request.Request(
            live_server.url + "/check", data=body, method="POST", headers={"Cookie": cookie}
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:
                return answer.status
        except urllib.error.HTTPError as error:
            return error.code

    statuses = sorted(all_at_once(CALLERS, check))
    assert statuses == [200] * BURST + [429] * (CALLERS - BURST), live_server.log_tail()
