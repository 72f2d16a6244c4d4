"""Donations, handovers and adjustments at the same moment against the real server: no update
is lost, on hand never goes below zero, the ledger sums to on hand, and so do the lots."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from flask import Flask

from app.extensions import db
from tests.conftest import member
from tests.server.test_concurrency import all_at_once
from tests.stock.lot_checks import assert_lots_add_up

pytestmark = pytest.mark.server

EACH = 8


def test_concurrent_donations_handovers_and_adjustments_add_up(
    live_server: Any, token_for: Any, app: Flask
) -> None:
    desk, stock = token_for("volunteer"), token_for("stock_manager")
    start = {
        "donor": "WV",
        "items": [{"sku": "FOOD", "quantity": 4}, {"sku": "HYGIENE", "quantity": 4}],
    }
    assert live_server.request("POST", "/api/v1/donations", stock, start).status == 201
    cards = [
        live_server.request("POST", "/api/v1/households", desk, {"members": [member()]}).body[
            "card"
        ]["qr"]
        for _ in range(EACH)
    ]

    def act(i: int) -> tuple[str, Any]:
        kind, n = divmod(i, EACH)
        if kind == 0:
            line = {"sku": "FOOD", "quantity": n + 1, "lot": f"L{n % 3}"}
            body = {"donor": "WV", "items": [{**line, "expires_on": f"2030-0{n % 3 + 1}-01"}]}
            return "donation", live_server.request("POST", "/api/v1/donations", stock, body)
        if kind == 1:
            return "handover", live_server.request(
                "POST", "/api/v1/distributions", desk, {"qr": cards[n]}
            )
        sku = "FOOD" if n % 2 else "HYGIENE"
        body = {"sku": sku, "quantity": -3 if n % 3 else 2, "reason": "race"}
        return "adjustment", live_server.request("POST", "/api/v1/stock/adjustments", stock, body)

    answers = all_at_once(3 * EACH, act)

    expected = Counter({"FOOD": 4, "HYGIENE": 4})
    for kind, answer in answers:
        if kind == "donation":
            assert answer.status == 201, answer.body
            expected["FOOD"] += answer.body and sum(line["quantity"] for line in [{"quantity": 0}])
        elif kind == "handover":
            assert answer.status == 201, answer.body
            for line in answer.body["items"]:
                expected[line["sku"]] -= line["quantity"]
        else:
            assert answer.status in (201, 409), answer.body
            if answer.status == 201:
                expected[answer.body["sku"]] += answer.body["quantity"]
            else:
                assert answer.body["error"] == "insufficient_stock"
    expected["FOOD"] += sum(n + 1 for n in range(EACH))

    rows = live_server.request("GET", "/api/v1/stock?site=MAIN", stock).body
    on_hand = {row["sku"]: row["on_hand"] for row in rows}
    moves = live_server.request("GET", "/api/v1/stock/movements", stock).body
    sums: Counter[str] = Counter()
    for move in moves:
        sums[move["sku"]] += move["quantity"]
    for sku in ("FOOD", "HYGIENE"):
        assert on_hand[sku] >= 0
        assert on_hand[sku] == sums[sku] == expected[sku], (sku, live_server.log_tail())
    with app.app_context():
        assert_lots_add_up(db.session)
        db.session.remove()
