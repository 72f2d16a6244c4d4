"""Lots tracked for real: transfers carry their lots, a reversal takes back its own lot, a
removal spanning lots is one movement per lot, and the item's history names them."""

from __future__ import annotations

from typing import Any

from tests.stock.lot_checks import assert_lots_add_up
from tests.stock.test_expiry import donate


def lots_at(api: Any, site: str) -> list[tuple[str, str, int]]:
    found = api.get(f"/api/v1/stock/lots?site={site}").get_json()
    return [(lot["sku"], lot["lot"], lot["quantity"]) for lot in found]


def test_a_transfer_carries_its_lots_and_what_went_missing_comes_off_the_first_expiring(
    api: Any, session: Any
) -> None:
    coordinator = api("coordinator")
    site = {"code": "P2", "name": "Point 2", "kind": "distribution"}
    assert coordinator.post("/api/v1/sites", json=site).status_code == 201
    donate(coordinator, ("FOOD", 5, "A", "2030-04-01"), ("FOOD", 5, "B", "2030-09-01"))
    sent = coordinator.post(
        "/api/v1/transfers", json={"sku": "FOOD", "quantity": 7, "to": "P2", "reason": "Monday"}
    ).get_json()
    assert lots_at(coordinator, "MAIN") == [("FOOD", "B", 3)]
    received = coordinator.post(f"/api/v1/transfers/{sent['id']}/receipt", json={"received": 6})
    assert received.status_code == 200
    assert lots_at(coordinator, "P2") == [("FOOD", "A", 4), ("FOOD", "B", 2)]
    # All that was sent comes in; the one missing is written off, from its lot, with a reason.
    moves = coordinator.get("/api/v1/stock/movements?kind=transfer_in").get_json()
    assert [(m["site"], m["lot"], m["quantity"]) for m in moves] == [
        ("P2", "A", 5),
        ("P2", "B", 2),
    ]
    lost = coordinator.get("/api/v1/stock/movements?kind=adjustment").get_json()
    assert [(m["site"], m["lot"], m["quantity"], m["reason"]) for m in lost] == [
        ("P2", "A", -1, f"missing on receipt of transfer {sent['id']}"),
    ]
    assert_lots_add_up(session)


def test_a_reversal_takes_back_its_own_lot_not_the_first_expiring(api: Any, session: Any) -> None:
    storekeeper = api("stock_manager")
    donate(storekeeper, ("FOOD", 5, "A", "2030-04-01"))
    donate(storekeeper, ("FOOD", 5, "B", "2030-09-01"))
    reversed_ = storekeeper.post("/api/v1/donations/2/reversal", json={"reason": "wrong box"})
    assert reversed_.status_code == 201
    assert lots_at(storekeeper, "MAIN") == [("FOOD", "A", 5)]
    assert_lots_add_up(session)


def test_a_reversal_is_refused_once_its_lot_has_been_handed_over(api: Any, session: Any) -> None:
    storekeeper = api("stock_manager")
    donate(storekeeper, ("FOOD", 5, "A", "2030-04-01"))
    donate(storekeeper, ("FOOD", 5, "B", "2030-09-01"))
    taken = storekeeper.post(
        "/api/v1/stock/adjustments", json={"sku": "FOOD", "quantity": -2, "reason": "torn"}
    )
    assert taken.status_code == 201
    refused = storekeeper.post("/api/v1/donations/1/reversal", json={"reason": "wrong"})
    assert refused.status_code == 409
    assert refused.get_json()["error"] == "insufficient_stock"
    assert lots_at(storekeeper, "MAIN") == [("FOOD", "A", 3), ("FOOD", "B", 5)]
    assert_lots_add_up(session)


def test_a_removal_across_two_lots_is_one_movement_per_lot_named_in_the_history(
    api: Any, login: Any
) -> None:
    storekeeper = api("stock_manager")
    donate(storekeeper, ("FOOD", 2, "A", "2030-04-01"), ("FOOD", 5, "B", "2030-09-01"))
    answer = storekeeper.post(
        "/api/v1/stock/adjustments", json={"sku": "FOOD", "quantity": -3, "reason": "wet"}
    ).get_json()
    assert answer["quantity"] == -3
    assert [(lot["lot"], lot["expires_on"], lot["quantity"]) for lot in answer["lots"]] == [
        ("A", "2030-04-01", -2),
        ("B", "2030-09-01", -1),
    ]
    moves = storekeeper.get("/api/v1/stock/movements?kind=adjustment").get_json()
    assert [(m["lot"], m["quantity"]) for m in moves] == [("A", -2), ("B", -1)]
    page = login("stock_manager").get("/stock/items/FOOD").text
    assert "A · 01.04.2030" in page and "B · 01.09.2030" in page
