"""The stock page draws a page of the catalog: on hand here and in all, every site side by
side on request, filtered by SKU, name or category."""

from __future__ import annotations

from typing import Any

from app.stock.catalog import create_item


def test_the_catalog_is_shown_a_hundred_items_a_page_and_found_by_sku_or_name(
    login: Any, session: Any
) -> None:
    for n in range(120):
        create_item(session, f"EXTRA-{n:03d}", f"Extra item {n}", "other")
    session.commit()
    client = login("stock_manager")
    first = client.get("/stock").text
    total = first.count('href="/stock/items/')
    assert total == 100
    assert "Items 1-100 of" in first and 'rel="next"' in first
    second = client.get("/stock?page=2").text
    assert 'rel="prev"' in second and 'items/EXTRA-119"' in second
    assert 'items/EXTRA-000"' not in second
    found = client.get("/stock?q=item 11").text  # Extra item 11, 110-119
    assert found.count('href="/stock/items/EXTRA-') == 11
    food = client.get("/stock?category=food").text
    assert "items/EXTRA-" not in food and 'href="/stock/items/FOOD"' in food
    assert "No item matches." in client.get("/stock?q=nothing-like-it").text


def test_one_site_with_the_total_by_default_and_every_site_on_request(login: Any, api: Any) -> None:
    coordinator = api("coordinator")
    site = {"code": "P2", "name": "Point 2", "kind": "distribution"}
    assert coordinator.post("/api/v1/sites", json=site).status_code == 201
    for where, quantity in (("MAIN", 40), ("P2", 7)):
        body = {"donor": "WV", "site": where, "items": [{"sku": "FOOD", "quantity": quantity}]}
        assert coordinator.post("/api/v1/donations", json=body).status_code == 201
    client = login("stock_manager")
    page = " ".join(client.get("/stock").text.split())
    assert "All sites" in page and ">P2</th>" not in page
    assert '<td class="num">40</td><td class="figure">47</td>' in page
    every = " ".join(client.get("/stock?view=all").text.split())
    assert ">P2</th>" in every
    assert '<td class="num">40</td><td class="figure">7</td><td class="figure">47</td>' in every
