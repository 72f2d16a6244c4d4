"""The history page of one item: every movement, filterable by kind, site and days."""

from __future__ import annotations

from datetime import date
from typing import Any


def test_the_history_lists_an_items_movements_with_their_sign(
    login: Any, stock_up: Any, api: Any
) -> None:
    stock_up(FOOD=10)
    api("stock_manager").post(
        "/api/v1/stock/adjustments", json={"sku": "FOOD", "quantity": -2, "reason": "wet boxes"}
    )
    page = login("stock_manager").get("/stock/items/FOOD")
    assert page.status_code == 200
    assert page.text.count('data-kind="donation"') == 1
    assert page.text.count('data-kind="adjustment"') == 1
    assert "+10" in page.text and "-2" in page.text and "wet boxes" in page.text
    assert "+8" in page.text  # the total of what is shown


def test_the_history_filters_by_kind_site_and_days(login: Any, api: Any, set_today: Any) -> None:
    coordinator = api("coordinator")
    coordinator.post("/api/v1/sites", json={"code": "DEPOT", "name": "Depot", "kind": "warehouse"})
    set_today(date(2026, 3, 1))
    coordinator.post(
        "/api/v1/donations", json={"donor": "A", "items": [{"sku": "FOOD", "quantity": 9}]}
    )
    set_today(date(2026, 3, 4))
    coordinator.post(
        "/api/v1/transfers", json={"sku": "FOOD", "quantity": 4, "to": "DEPOT", "reason": "x"}
    )
    client = login("stock_manager")
    by_kind = client.get("/stock/items/FOOD?kind=transfer_out").text
    assert 'data-kind="transfer_out"' in by_kind and 'data-kind="donation"' not in by_kind
    by_day = client.get("/stock/items/FOOD?from=2026-03-02&to=2026-03-05").text
    assert 'data-kind="donation"' not in by_day and 'data-kind="transfer_out"' in by_day
    until = client.get("/stock/items/FOOD?to=2026-03-01").text
    assert 'data-kind="donation"' in until and 'data-kind="transfer_out"' not in until
    at_depot = client.get("/stock/items/FOOD?site=DEPOT").text
    assert "No movements match." in at_depot


def test_bad_filters_answer_422_with_a_message_and_an_unknown_item_404(login: Any) -> None:
    client = login("stock_manager")
    answer = client.get("/stock/items/FOOD?from=31.02.2026&kind=gift&site=MOON")
    assert answer.status_code == 422
    assert "there is no such date" in answer.text and "Choose a kind" in answer.text
    assert client.get("/stock/items/CAVIAR").status_code == 404


def test_a_volunteer_cannot_see_the_history(login: Any) -> None:
    assert login("volunteer").get("/stock/items/FOOD").status_code == 403
