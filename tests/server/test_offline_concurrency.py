"""Journals replayed all at once against the real server: each family is served once, every
other handover of it is a double service, and no journal deadlocks with another."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta
from typing import Any

import pytest

from tests.conftest import member
from tests.server.test_concurrency import all_at_once

pytestmark = pytest.mark.server

DESKS = 6
FAMILIES = 8


def test_six_desks_replaying_overlapping_journals_serve_each_family_once(
    live_server: Any, token_for: Any
) -> None:
    stock = token_for("stock_manager")
    donation = {"donor": "WV", "items": [{"sku": "FOOD", "quantity": 1000}]}
    assert live_server.request("POST", "/api/v1/donations", stock, donation).status == 201
    registrar = token_for("volunteer")
    qrs = []
    for _ in range(FAMILIES):
        created = live_server.request(
            "POST", "/api/v1/households", registrar, {"members": [member()]}
        )
        assert created.status == 201, created.body
        qrs.append(created.body["card"]["qr"])
    desks = [token_for("volunteer") for _ in range(DESKS)]
    snapshots = [live_server.request("GET", "/api/v1/desk/snapshot", d).body for d in desks]
    key = bytes.fromhex(snapshots[0]["key"])
    by_hash = {c["hash"]: c for c in snapshots[0]["cards"]}

    def card(qr: str) -> dict[str, Any]:
        token_hash = hashlib.sha256(qr.removeprefix("AD1-").encode()).hexdigest()
        return by_hash[hmac.new(key, token_hash.encode(), hashlib.sha256).hexdigest()]

    at = datetime.fromisoformat(snapshots[0]["snapshot_at"]) + timedelta(seconds=30)
    # Every desk served every family during the outage, each in its own order.
    journals = [
        {
            "grant": snap["grant"],
            "entries": [
                {
                    "key": f"desk{d}-family{f}",
                    "card": card(qrs[f])["card"],
                    "served_at": (at + timedelta(seconds=d)).isoformat(),
                    "items": [{"sku": "FOOD", "quantity": 1}],
                }
                for f in (range(FAMILIES) if d % 2 else reversed(range(FAMILIES)))
            ],
        }
        for d, snap in enumerate(snapshots)
    ]

    answers = all_at_once(
        DESKS,
        lambda d: live_server.request("POST", "/api/v1/desk/journal", desks[d], journals[d]),
    )

    assert [a.status for a in answers] == [200] * DESKS, live_server.log_tail()
    assert sum(a.body["served"] for a in answers) == FAMILIES
    assert sum(a.body["double"] for a in answers) == FAMILIES * (DESKS - 1)
    coordinator = token_for("coordinator")
    day = snapshots[0]["today"]  # the site's day, not the UTC date of snapshot_at
    report = live_server.request("GET", f"/api/v1/reports/daily?date={day}", coordinator).body
    assert report["households_served"] == FAMILIES
    assert report["double_services"] == FAMILIES * (DESKS - 1)
    levels = live_server.request("GET", "/api/v1/stock", stock).body
    food = next(i for i in levels if i["sku"] == "FOOD")
    assert food["on_hand"] == 1000 - FAMILIES * DESKS
