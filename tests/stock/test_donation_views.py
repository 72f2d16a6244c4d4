"""Donations through the page: scanned boxes, unknown barcodes learned, donors, reversals."""

from __future__ import annotations

import re
from typing import Any


def quantity_of_line(page: str, line: int) -> str:
    found = re.search(rf'name="lines-{line}-quantity"[^>]*value="(\d*)"', page)
    assert found, page[:2000]
    return found.group(1)


def selected_item(page: str, line: int) -> str | None:
    field = re.search(rf'<input[^>]*name="lines-{line}-sku"[^>]*>', page)
    assert field, page[:2000]
    value = re.search(r'value="([^"]*)"', field.group(0))
    return value.group(1) if value and value.group(1) else None


def test_a_known_barcode_adds_its_pack_and_a_repeated_scan_adds_to_it(login: Any, api: Any) -> None:
    response = api("stock_manager").post(
        "/api/v1/items",
        json={
            "sku": "SOAP",
            "name": "Soap",
            "category": "hygiene",
            "barcodes": [{"code": "5901234123457", "pack_quantity": 12}],
        },
    )
    assert response.status_code == 201, response.text
    client = login("stock_manager")
    form = {"donor": "Dm", "action": "scan", "barcode": "5901234123457"}
    first = client.post("/stock", data=form)
    assert first.status_code == 200
    assert selected_item(first.text, 0) == "SOAP" and quantity_of_line(first.text, 0) == "12"
    second = client.post("/stock", data={**form, "lines-0-sku": "SOAP", "lines-0-quantity": "12"})
    assert quantity_of_line(second.text, 0) == "24"
    assert selected_item(second.text, 1) is None


def test_an_unknown_barcode_asks_for_its_item_and_is_remembered(login: Any) -> None:
    client = login("stock_manager")
    asked = client.post(
        "/stock", data={"donor": "Dm", "action": "scan", "barcode": "4006381333931"}
    )
    assert "The barcode 4006381333931 is not known yet." in asked.text
    assert 'name="learn_sku"' in asked.text
    learned = client.post(
        "/stock",
        data={
            "donor": "Dm",
            "action": "learn",
            "barcode": "4006381333931",
            "learn_sku": "HYGIENE",
            "learn_pack": "6",
        },
    )
    assert selected_item(learned.text, 0) == "HYGIENE" and quantity_of_line(learned.text, 0) == "6"
    again = client.post(
        "/stock", data={"donor": "Dm", "action": "scan", "barcode": "4006381333931"}
    )
    assert "not known yet" not in again.text and quantity_of_line(again.text, 0) == "6"


def test_a_donation_with_lots_joins_the_donors_list_with_its_kind(login: Any, api: Any) -> None:
    client = login("stock_manager")
    response = client.post(
        "/stock",
        data={
            "donor": "Kaufland",
            "donor_kind": "company",
            "lines-0-sku": "FOOD",
            "lines-0-quantity": "30",
            "lines-0-lot": "L-2026-11",
            "lines-0-expires_on": "2027-01-31",
            "note": "Pallet 3",
        },
    )
    assert response.status_code == 302
    donors = api("stock_manager").get("/api/v1/donors").get_json()
    assert donors == [
        {"id": donors[0]["id"], "name": "Kaufland", "kind": "company", "contact": None}
    ]
    page = client.get("/stock/donations").text
    assert "lot L-2026-11" in page and "Pallet 3" in page


def test_a_donation_received_in_the_future_is_refused(login: Any) -> None:
    response = login("stock_manager").post(
        "/stock",
        data={
            "donor": "X",
            "received_on": "2999-01-01",
            "lines-0-sku": "FOOD",
            "lines-0-quantity": "3",
        },
    )
    assert response.status_code == 422 and "not after today" in response.text


def test_a_wrong_donation_is_reversed_by_a_record_that_takes_it_back(
    login: Any, stock_up: Any, api: Any
) -> None:
    stock_up(FOOD=10)
    client = login("stock_manager")
    done = client.post("/stock/donations/1/reversal", data={"reason": "typed 10, was 1"})
    assert done.status_code == 302
    page = client.get("/stock/donations").text
    assert "Reverses donation 1" in page and "reversed" in page
    stock = {r["sku"]: r["on_hand"] for r in api("stock_manager").get("/api/v1/stock").get_json()}
    assert stock["FOOD"] == 0
    again = client.post(
        "/stock/donations/1/reversal", data={"reason": "again"}, follow_redirects=True
    )
    assert "reversed already" in again.text


def test_catalog_adds_an_item_with_unit_and_minimum(login: Any) -> None:
    client = login("stock_manager")
    response = client.post(
        "/stock/items",
        data={"sku": "tent", "name": "Tent", "category": "other", "unit": "piece", "minimum": "5"},
    )
    assert response.status_code == 302
    page = client.get("/stock/items").text
    assert "TENT" in page and '<td class="figure">5</td>' in page


def test_item_settings_and_barcodes_are_changed_on_the_item_page(login: Any) -> None:
    client = login("stock_manager")
    client.post(
        "/stock/items/FOOD/settings",
        data={"name": "Food parcel", "category": "food", "unit": "box", "minimum": "40"},
    )
    client.post(
        "/stock/items/FOOD/barcodes", data={"barcode": "5900000000001", "pack_quantity": "4"}
    )
    page = client.get("/stock/items").text
    assert '<td class="figure">40</td>' in page and "5900000000001 (×4)" in page
    taken = client.post(
        "/stock/items/HYGIENE/barcodes",
        data={"barcode": "5900000000001", "pack_quantity": "1"},
        follow_redirects=True,
    )
    assert "belongs to an item already" in taken.text


def test_donors_are_added_and_listed(login: Any) -> None:
    client = login("stock_manager")
    client.post("/stock/donors", data={"name": "Caritas", "kind": "ngo", "contact": "+40 700"})
    page = client.get("/stock/donors").text
    assert "Caritas" in page and "+40 700" in page
    twice = client.post("/stock/donors", data={"name": "caritas", "kind": "ngo"})
    assert twice.status_code == 422
