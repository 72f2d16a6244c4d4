"""The donation form takes an item by its name (in any language), its SKU or a box barcode,
and says so at the field."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.stock.models import Donation


def on_hand(api: Any, sku: str) -> int:
    rows = api("stock_manager").get("/api/v1/stock").get_json()
    return next(r["on_hand"] for r in rows if r["sku"] == sku)


def test_a_donation_recorded_by_name_sku_and_barcode(login: Any, api: Any) -> None:
    made = api("stock_manager").post(
        "/api/v1/items",
        json={
            "sku": "SOAP",
            "name": "Soap",
            "category": "hygiene",
            "barcodes": [{"code": "5901234123457", "pack_quantity": 12}],
        },
    )
    assert made.status_code == 201
    client = login("stock_manager")
    page = client.get("/stock").text
    assert 'placeholder="name, SKU or barcode"' in page
    recorded = client.post(
        "/stock",
        data={
            "donor": "World Vision",
            "lines-0-sku": "Food parcel",
            "lines-0-quantity": "40",
            "lines-1-sku": "гігієнічний набір",
            "lines-1-quantity": "25",
            "lines-2-sku": "5901234123457",
            "lines-2-quantity": "3",
            "lines-3-sku": "baby",
            "lines-3-quantity": "2",
        },
    )
    assert recorded.status_code == 302, recorded.text
    assert (on_hand(api, "FOOD"), on_hand(api, "HYGIENE")) == (40, 25)
    assert (on_hand(api, "SOAP"), on_hand(api, "BABY")) == (3, 2)


def test_an_unknown_or_shared_name_records_nothing_and_says_what_to_type(
    login: Any, api: Any, session: Any
) -> None:
    twin = api("stock_manager").post(
        "/api/v1/items", json={"sku": "FOOD-2", "name": "Food parcel", "category": "food"}
    )
    assert twin.status_code == 201
    client = login("stock_manager")
    answer = client.post(
        "/stock",
        data={
            "donor": "X",
            "lines-0-sku": "Food parcel",
            "lines-0-quantity": "1",
            "lines-1-sku": "Rice",
            "lines-1-quantity": "1",
        },
    )
    assert answer.status_code == 422
    assert "is the name of several items: type the SKU (FOOD, FOOD-2)" in answer.text
    assert "no item &#39;Rice&#39;: type its name, SKU or barcode" in answer.text
    assert session.scalar(select(Donation.id)) is None
