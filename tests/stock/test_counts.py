"""Stock counts and transfers through the pages and the API."""

from __future__ import annotations

from typing import Any


def on_hand(api: Any, site: str = "MAIN") -> dict[str, int]:
    rows = api.get(f"/api/v1/stock?site={site}").get_json()
    return {r["sku"]: r["on_hand"] for r in rows}


def test_a_count_corrects_counted_items_and_leaves_the_others(
    login: Any, stock_up: Any, api: Any
) -> None:
    stock_up(FOOD=10, HYGIENE=5, BABY=3)
    storekeeper = api("stock_manager")
    storekeeper.post(
        "/api/v1/items",
        json={
            "sku": "SOAP",
            "name": "Soap",
            "category": "hygiene",
            "barcodes": [{"code": "5901234123457", "pack_quantity": 12}],
        },
    )
    client = login("stock_manager")
    started = client.post("/stock/counts")
    assert started.status_code == 302
    page = started.headers["Location"]
    lines = page + "/lines"
    client.post(lines, data={"sku": "FOOD", "counted": "8"})
    client.post(lines, data={"barcode": "5901234123457"})
    client.post(lines, data={"barcode": "5901234123457"})
    client.post(lines, data={"sku": "HYGIENE", "counted": "5"})
    shown = client.get(page).text
    assert "Soap (SOAP)" in shown and '<td class="figure">24</td>' in shown
    done = client.post(page + "/finish", follow_redirects=True)
    assert "Count finished: 2 corrections." in done.text
    assert on_hand(storekeeper) == {
        "FOOD": 8,
        "HYGIENE": 5,
        "BABY": 3,
        "CHILD-VOUCHER": 0,
        "MEDICAL-VOUCHER": 0,
        "SOAP": 24,
    }
    moves = storekeeper.get("/api/v1/stock/movements?kind=count_correction").get_json()
    assert sorted((m["sku"], m["quantity"]) for m in moves) == [("FOOD", -2), ("SOAP", 24)]
    again = client.post(page + "/finish", follow_redirects=True)
    assert "finished already" in again.text


def test_an_unknown_barcode_in_a_count_asks_to_type_the_item(login: Any) -> None:
    client = login("stock_manager")
    page = client.post("/stock/counts").headers["Location"]
    answer = client.post(page + "/lines", data={"barcode": "4000000000000"}, follow_redirects=True)
    assert "is not known: choose the item" in answer.text


def test_one_open_count_per_site_over_the_api(api: Any, stock_up: Any) -> None:
    stock_up(FOOD=4)
    storekeeper = api("stock_manager")
    first = storekeeper.post("/api/v1/stock-counts")
    assert first.status_code == 201
    assert storekeeper.post("/api/v1/stock-counts").get_json()["error"] == "count_open"
    count_id = first.get_json()["id"]
    bad = storekeeper.post(
        f"/api/v1/stock-counts/{count_id}/lines", json={"sku": "FOOD", "counted": -1}
    )
    assert bad.status_code == 422
    storekeeper.post(f"/api/v1/stock-counts/{count_id}/lines", json={"sku": "FOOD", "counted": 6})
    done = storekeeper.post(f"/api/v1/stock-counts/{count_id}/finish").get_json()
    assert done["corrections"] == [{"sku": "FOOD", "expected": 4, "counted": 6, "difference": 2}]
    assert on_hand(storekeeper)["FOOD"] == 6
    late = storekeeper.post(
        f"/api/v1/stock-counts/{count_id}/lines", json={"sku": "FOOD", "counted": 1}
    )
    assert late.status_code == 409


def test_a_transfer_is_sent_and_received_through_the_pages(
    login: Any, stock_up: Any, api: Any
) -> None:
    stock_up(FOOD=20)
    api("coordinator").post(
        "/api/v1/sites", json={"code": "P2", "name": "Point 2", "kind": "distribution"}
    )
    client = login("stock_manager")
    sent = client.post(
        "/stock/transfers", data={"sku": "FOOD", "quantity": "8", "to": "P2", "reason": "Monday"}
    )
    assert sent.status_code == 302
    page = client.get("/stock/transfers").text
    assert 'name="received" value="8"' in page
    client.post("/stock/transfers/1/receipt", data={"received": "7"})
    page = client.get("/stock/transfers").text
    assert "1 missing" in page
    storekeeper = api("stock_manager")
    assert on_hand(storekeeper)["FOOD"] == 12 and on_hand(storekeeper, "P2")["FOOD"] == 7
    refused = client.post(
        "/stock/transfers", data={"sku": "FOOD", "quantity": "99", "to": "P2", "reason": "x"}
    )
    assert refused.status_code == 422 and "Only 12 on hand" in refused.text
