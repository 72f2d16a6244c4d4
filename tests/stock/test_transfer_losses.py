"""Units missing on a transfer's receipt are written off at the receiving site with the
reason given, not left to vanish."""

from __future__ import annotations

from typing import Any


def test_units_missing_on_receipt_are_written_off_with_the_reason_given(
    login: Any, api: Any
) -> None:
    coordinator = api("coordinator")
    site = {"code": "P2", "name": "Point 2", "kind": "distribution"}
    assert coordinator.post("/api/v1/sites", json=site).status_code == 201
    given = {"donor": "WV", "items": [{"sku": "FOOD", "quantity": 10}]}
    assert coordinator.post("/api/v1/donations", json=given).status_code == 201
    sent = coordinator.post(
        "/api/v1/transfers", json={"sku": "FOOD", "quantity": 6, "to": "P2", "reason": "Monday"}
    ).get_json()

    client = login("stock_manager")
    answer = client.post(
        f"/stock/transfers/{sent['id']}/receipt",
        data={"received": "4", "missing_reason": "two boxes torn"},
        follow_redirects=True,
    )
    assert "2 missing, written off at this site with the reason given." in answer.text
    lost = coordinator.get("/api/v1/stock/movements?kind=adjustment").get_json()
    assert [(m["site"], m["quantity"], m["reason"]) for m in lost] == [
        ("P2", -2, f"missing on receipt of transfer {sent['id']}: two boxes torn")
    ]
    stock = {r["sku"]: r for r in coordinator.get("/api/v1/stock").get_json()}
    assert stock["FOOD"]["sites"] == {"MAIN": 4, "P2": 4}


def test_a_receipt_with_a_bad_reason_records_nothing(api: Any) -> None:
    coordinator = api("coordinator")
    site = {"code": "P2", "name": "Point 2", "kind": "distribution"}
    assert coordinator.post("/api/v1/sites", json=site).status_code == 201
    given = {"donor": "WV", "items": [{"sku": "FOOD", "quantity": 10}]}
    assert coordinator.post("/api/v1/donations", json=given).status_code == 201
    sent = coordinator.post(
        "/api/v1/transfers", json={"sku": "FOOD", "quantity": 6, "to": "P2", "reason": "Monday"}
    ).get_json()
    receipt = f"/api/v1/transfers/{sent['id']}/receipt"
    refused = coordinator.post(receipt, json={"received": 4, "missing_reason": "x" * 151})
    assert refused.status_code == 422
    assert coordinator.post(receipt, json={"received": 4}).status_code == 200
