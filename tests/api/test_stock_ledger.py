"""The ledger over the API: per-site stock, movements, adjustments, transfers, sites."""

from __future__ import annotations

from typing import Any

from tests.api.contract import Cases, assert_error, assert_validation, json_of

MOVEMENT_FIELDS = {"id", "kind", "sku", "site", "quantity", "at", "by"}


def donate(storekeeper: Any, sku: str = "FOOD", quantity: int = 10) -> int:
    body = {"donor": "UNHCR", "items": [{"sku": sku, "quantity": quantity}]}
    response = storekeeper.post("/api/v1/donations", json=body)
    assert response.status_code == 201
    return int(json_of(response)["id"])


def warehouse(coordinator: Any, code: str = "DEPOT") -> None:
    body = {"code": code, "name": "Warehouse", "kind": "warehouse"}
    response = coordinator.post("/api/v1/sites", json=body)
    assert response.status_code == 201, response.text


def stock_at(storekeeper: Any, site: str) -> dict[str, int]:
    rows = json_of(storekeeper.get(f"/api/v1/stock?site={site}"))
    return {row["sku"]: row["on_hand"] for row in rows}


def test_movements_list_every_change_signed_with_who_and_when(
    storekeeper: Any, desk: Any, register: Any
) -> None:
    donate(storekeeper, "FOOD", 5)
    qr = register()["card"]["qr"]
    assert desk.post("/api/v1/distributions", json={"qr": qr}).status_code == 201
    moves = json_of(storekeeper.get("/api/v1/stock/movements?sku=FOOD"))
    assert [(m["kind"], m["quantity"], m["site"]) for m in moves] == [
        ("donation", 5, "MAIN"),
        ("handover", -1, "MAIN"),
    ]
    for m in moves:
        assert set(m) >= MOVEMENT_FIELDS
        assert m["by"].startswith(("stock_manager", "volunteer"))
    assert sum(m["quantity"] for m in moves) == stock_at(storekeeper, "MAIN")["FOOD"] == 4


def test_movements_since_a_day_leave_out_earlier_ones(storekeeper: Any, set_today: Any) -> None:
    from datetime import date

    set_today(date(2026, 3, 1))
    donate(storekeeper, "FOOD", 5)
    set_today(date(2026, 3, 3))
    storekeeper.post(
        "/api/v1/stock/adjustments", json={"sku": "FOOD", "quantity": -2, "reason": "torn"}
    )
    moves = json_of(storekeeper.get("/api/v1/stock/movements?since=2026-03-02"))
    assert [(m["kind"], m["quantity"]) for m in moves] == [("adjustment", -2)]
    assert moves[0]["reason"] == "torn"


def test_bad_movement_queries_answer_422(storekeeper: Any) -> None:
    cases = Cases()
    for query, field in [
        ("sku=CAVIAR", "sku"),
        ("since=yesterday", "since"),
        ("since=2026-02-30", "since"),
        ("since=2026-03-01T10:00:00", "since"),
        ("site=NOWHERE", "site"),
        ("kind=gift", "kind"),
    ]:
        with cases.case(query):
            assert_validation(storekeeper.get(f"/api/v1/stock/movements?{query}"), field)
    cases.check()


def test_an_adjustment_answers_201_with_its_movement(storekeeper: Any) -> None:
    donate(storekeeper, "FOOD", 5)
    response = storekeeper.post(
        "/api/v1/stock/adjustments", json={"sku": "FOOD", "quantity": -3, "reason": "rats"}
    )
    assert response.status_code == 201, response.text
    body = json_of(response)
    assert (body["kind"], body["quantity"], body["sku"], body["site"]) == (
        "adjustment",
        -3,
        "FOOD",
        "MAIN",
    )
    assert stock_at(storekeeper, "MAIN")["FOOD"] == 2


def test_a_bad_adjustment_answers_422_and_records_nothing(storekeeper: Any, saved: Any) -> None:
    donate(storekeeper, "FOOD", 5)
    before, cases = saved(), Cases()
    for name, body, field in [
        ("no_reason", {"sku": "FOOD", "quantity": 2}, "reason"),
        ("blank_reason", {"sku": "FOOD", "quantity": 2, "reason": " "}, "reason"),
        ("zero", {"sku": "FOOD", "quantity": 0, "reason": "x"}, "quantity"),
        ("text_quantity", {"sku": "FOOD", "quantity": "2", "reason": "x"}, "quantity"),
        ("huge", {"sku": "FOOD", "quantity": 10**12, "reason": "x"}, "quantity"),
        ("unknown_sku", {"sku": "CAVIAR", "quantity": 2, "reason": "x"}, "sku"),
        ("unknown_site", {"sku": "FOOD", "quantity": 2, "reason": "x", "site": "NOPE"}, "site"),
        ("long_reason", {"sku": "FOOD", "quantity": 2, "reason": "x" * 201}, "reason"),
    ]:
        with cases.case(name):
            assert_validation(storekeeper.post("/api/v1/stock/adjustments", json=body), field)
    cases.check()
    response = storekeeper.post(
        "/api/v1/stock/adjustments", json={"sku": "FOOD", "quantity": -6, "reason": "x"}
    )
    assert_error(response, 409, "insufficient_stock")
    assert saved() == before


def test_a_volunteer_cannot_adjust_stock(desk: Any) -> None:
    response = desk.post(
        "/api/v1/stock/adjustments", json={"sku": "FOOD", "quantity": 2, "reason": "x"}
    )
    assert_error(response, 403)


def test_a_transfer_is_sent_then_received_with_what_arrived(
    storekeeper: Any, coordinator: Any
) -> None:
    warehouse(coordinator)
    donate(storekeeper, "FOOD", 30)
    response = storekeeper.post(
        "/api/v1/transfers",
        json={"sku": "FOOD", "quantity": 12, "from": "MAIN", "to": "DEPOT", "reason": "rebalance"},
    )
    assert response.status_code == 201, response.text
    sent = json_of(response)
    assert (sent["status"], sent["sent"], sent["received"]) == ("sent", 12, None)
    assert stock_at(storekeeper, "MAIN")["FOOD"] == 18
    assert stock_at(storekeeper, "DEPOT")["FOOD"] == 0
    got = storekeeper.post(f"/api/v1/transfers/{sent['id']}/receipt", json={"received": 11})
    assert got.status_code == 200, got.text
    assert json_of(got)["status"] == "received"
    assert stock_at(storekeeper, "DEPOT")["FOOD"] == 11
    again = storekeeper.post(f"/api/v1/transfers/{sent['id']}/receipt", json={"received": 1})
    assert_error(again, 409, "transfer_received")
    rows = {r["sku"]: r for r in json_of(storekeeper.get("/api/v1/stock"))}
    assert rows["FOOD"]["sites"] == {"MAIN": 18, "DEPOT": 11}
    assert rows["FOOD"]["on_hand"] == 29


def test_a_bad_transfer_answers_422_and_records_nothing(
    storekeeper: Any, coordinator: Any, saved: Any
) -> None:
    warehouse(coordinator)
    donate(storekeeper, "FOOD", 5)
    before, cases = saved(), Cases()
    for name, body, field in [
        ("same_site", {"sku": "FOOD", "quantity": 1, "to": "MAIN", "reason": "x"}, "to"),
        ("no_reason", {"sku": "FOOD", "quantity": 1, "to": "DEPOT"}, "reason"),
        ("unknown_to", {"sku": "FOOD", "quantity": 1, "to": "MOON", "reason": "x"}, "to"),
        ("negative", {"sku": "FOOD", "quantity": -1, "to": "DEPOT", "reason": "x"}, "quantity"),
    ]:
        with cases.case(name):
            assert_validation(storekeeper.post("/api/v1/transfers", json=body), field)
    cases.check()
    too_many = {"sku": "FOOD", "quantity": 6, "to": "DEPOT", "reason": "x"}
    assert_error(storekeeper.post("/api/v1/transfers", json=too_many), 409, "insufficient_stock")
    assert_error(storekeeper.post("/api/v1/transfers/999/receipt", json={"received": 1}), 404)
    assert saved() == before


def test_a_receipt_of_more_than_was_sent_is_refused(storekeeper: Any, coordinator: Any) -> None:
    warehouse(coordinator)
    donate(storekeeper, "FOOD", 5)
    sent = json_of(
        storekeeper.post(
            "/api/v1/transfers", json={"sku": "FOOD", "quantity": 2, "to": "DEPOT", "reason": "x"}
        )
    )
    answer = storekeeper.post(f"/api/v1/transfers/{sent['id']}/receipt", json={"received": 3})
    assert_validation(answer, "received")
    assert stock_at(storekeeper, "DEPOT")["FOOD"] == 0


def test_sites_are_listed_and_only_a_coordinator_adds_one(
    storekeeper: Any, coordinator: Any
) -> None:
    assert_error(
        storekeeper.post("/api/v1/sites", json={"code": "X", "name": "X", "kind": "warehouse"}),
        403,
    )
    warehouse(coordinator)
    codes = {s["code"]: s["kind"] for s in json_of(storekeeper.get("/api/v1/sites"))}
    assert codes == {"MAIN": "distribution", "DEPOT": "warehouse"}
    assert_error(
        coordinator.post("/api/v1/sites", json={"code": "depot", "name": "X", "kind": "warehouse"}),
        409,
        "site_exists",
    )
    assert_validation(
        coordinator.post("/api/v1/sites", json={"code": "Y", "name": "Y", "kind": "shop"}), "kind"
    )


def test_stock_of_an_unknown_site_answers_422(storekeeper: Any) -> None:
    assert_validation(storekeeper.get("/api/v1/stock?site=NOWHERE"), "site")


def test_a_donation_is_reversed_once_and_its_stock_taken_back(storekeeper: Any) -> None:
    given = donate(storekeeper, "FOOD", 7)
    reversal = f"/api/v1/donations/{given}/reversal"
    response = storekeeper.post(reversal, json={"reason": "wrong pallet"})
    assert response.status_code == 201, response.text
    assert json_of(response)["reverses"] == given
    assert stock_at(storekeeper, "MAIN")["FOOD"] == 0
    again = storekeeper.post(reversal, json={"reason": "again"})
    assert_error(again, 409, "donation_reversed")
    of_reversal = storekeeper.post(
        f"/api/v1/donations/{json_of(response)['id']}/reversal", json={"reason": "x"}
    )
    assert_error(of_reversal, 409, "donation_reversed")
    unknown = f"/api/v1/donations/{given + 1000}/reversal"
    assert_error(storekeeper.post(unknown, json={"reason": "x"}), 404)
    assert_validation(storekeeper.post(reversal, json={}), "reason")


def test_a_reversal_of_stock_already_handed_over_is_refused_whole(
    storekeeper: Any, desk: Any, register: Any, saved: Any
) -> None:
    body = {"donor": "A", "items": [{"sku": "FOOD", "quantity": 1}, {"sku": "BABY", "quantity": 3}]}
    given = json_of(storekeeper.post("/api/v1/donations", json=body))["id"]
    assert (
        desk.post("/api/v1/distributions", json={"qr": register()["card"]["qr"]}).status_code == 201
    )
    before = saved()
    answer = storekeeper.post(f"/api/v1/donations/{given}/reversal", json={"reason": "x"})
    assert_error(answer, 409, "insufficient_stock")
    assert saved() == before


def test_items_carry_unit_minimum_and_barcodes_and_a_donation_its_lots(
    storekeeper: Any,
) -> None:
    item = {
        "sku": "DIAPERS-4",
        "name": "Diapers size 4",
        "category": "baby",
        "unit": "pack",
        "minimum": 20,
        "barcodes": [{"code": "4015400000001", "pack_quantity": 6}],
    }
    created = json_of(storekeeper.post("/api/v1/items", json=item))
    assert (created["unit"], created["minimum"], created["barcodes"]) == (
        "pack",
        20,
        [{"code": "4015400000001", "pack_quantity": 6}],
    )
    taken = {**item, "sku": "OTHER"}
    assert_error(storekeeper.post("/api/v1/items", json=taken), 409, "barcode_exists")
    row = {r["sku"]: r for r in json_of(storekeeper.get("/api/v1/stock"))}["DIAPERS-4"]
    assert (row["unit"], row["minimum"]) == ("pack", 20)
    body = {
        "donor": "Caritas",
        "donor_kind": "ngo",
        "items": [{"sku": "DIAPERS-4", "quantity": 12, "lot": "B77", "expires_on": "2028-01-01"}],
    }
    assert storekeeper.post("/api/v1/donations", json=body).status_code == 201
    donors = json_of(storekeeper.get("/api/v1/donors"))
    assert [(d["name"], d["kind"]) for d in donors] == [("Caritas", "ngo")]
    bad = {**body, "donor_kind": "bank"}
    assert_validation(storekeeper.post("/api/v1/donations", json=bad), "donor_kind")
