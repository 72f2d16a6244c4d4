"""A voucher serial is issued once, even when desks scan it at the same moment."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import member
from tests.server.test_concurrency import all_at_once

pytestmark = pytest.mark.server

DESKS = 8
ROUNDS = 10


def families(live_server: Any, desk: str, count: int) -> list[str]:
    cards = []
    for _ in range(count):
        body = {"members": [member(), member(born="2019-01-01", relationship="child")]}
        answer = live_server.request("POST", "/api/v1/households", desk, body)
        assert answer.status == 201, answer.body
        cards.append(answer.body["card"]["qr"])
    return cards


def test_desks_scanning_one_serial_for_different_households_issue_it_once(
    live_server: Any, token_for: Any
) -> None:
    desk, stock = token_for("volunteer"), token_for("stock_manager")
    body = {"sku": "CHILD-VOUCHER", "donor": "SC", "first_serial": "SA-01", "last_serial": "SA-99"}
    assert live_server.request("POST", "/api/v1/voucher-batches", stock, body).status == 201
    cards = families(live_server, desk, DESKS * ROUNDS)

    for round_no in range(ROUNDS):
        serial = f"SA-{round_no + 1:02d}"
        vouchers = [{"sku": "CHILD-VOUCHER", "serial": serial}]
        answers = all_at_once(
            DESKS,
            lambda i, r=round_no, v=vouchers: live_server.request(
                "POST", "/api/v1/distributions", desk, {"qr": cards[r * DESKS + i], "vouchers": v}
            ),
        )
        statuses = sorted(a.status for a in answers)
        assert statuses == [201] + [422] * (DESKS - 1), [a.body for a in answers]
        assert all(
            a.body["error"] == "voucher_invalid" and a.body["serial"] == serial
            for a in answers
            if a.status == 422
        )

    rows = live_server.request("GET", "/api/v1/stock", stock).body
    assert {r["sku"]: r["on_hand"] for r in rows}["CHILD-VOUCHER"] == 99 - ROUNDS
    report = live_server.request("GET", "/api/v1/reports/daily", token_for("coordinator")).body
    assert report["households_served"] == ROUNDS  # the refused handovers recorded nothing
