"""The stock manager's flow in a real browser, keyboard first: a scanned donation of five
items, a count, a transfer to a distribution point, and the forecast on the stock page."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in

BOXES = {
    "5901234123457": ("SOAP", 12),
    "4006381333931": ("PASTA", 20),
    "4015400000001": ("DIAPERS", 6),
    "5000112548167": ("OIL", 10),
}


def test_scanned_donation_count_transfer_and_forecast(
    page: Page, live_server: Any, token_for: Callable[[str], str], make_user: Any
) -> None:
    coordinator = token_for("coordinator")
    for code, (sku, pack) in BOXES.items():
        body = {
            "sku": sku,
            "name": sku.title(),
            "category": "other",
            "barcodes": [{"code": code, "pack_quantity": pack}],
        }
        assert live_server.request("POST", "/api/v1/items", coordinator, body).status == 201
    site = {"code": "P2", "name": "Point 2", "kind": "distribution"}
    assert live_server.request("POST", "/api/v1/sites", coordinator, site).status == 201

    log_in(page, make_user("stock_manager"))
    started = time.perf_counter()
    page.goto("/stock")
    page.get_by_label("Donor", exact=True).fill("Kaufland")
    page.keyboard.press("Enter")  # Enter in the donor field moves on to the scanner's field
    scan = page.get_by_label("Scan a box")
    expect(scan).to_be_focused()
    for code in [*BOXES, "5901234123457"]:  # the soap box twice
        page.keyboard.type(code)
        # Each box is a form sent: wait for the page that counts it, or the next code is typed
        # into the page on its way out (the old field still has the focus until it goes).
        with page.expect_navigation():
            page.keyboard.press("Enter")
        expect(page.get_by_label("Scan a box")).to_be_focused()
    page.keyboard.type("8000000000001")  # a box the catalog does not know
    page.keyboard.press("Enter")
    expect(page.locator("fieldset.learn")).to_contain_text("8000000000001")
    expect(page.get_by_label("Which item is it?")).to_be_focused()
    page.keyboard.type("FOOD")
    page.get_by_label("How many in one box").fill("4")
    page.keyboard.press("Enter")
    expect(page.get_by_label("Quantity, line 1")).to_have_value("24")
    expect(page.get_by_label("Item, line 5")).to_have_value("FOOD")
    page.get_by_role("button", name="Record the donation").click()
    expect(page.locator(".flash.ok")).to_contain_text("64 items on the shelves")
    elapsed = time.perf_counter() - started
    assert elapsed < 60, f"the scanned donation took {elapsed:.0f} s"

    page.goto("/stock/counts")
    page.get_by_role("button", name="Start a count of this site").click()
    page.get_by_label("Scan a box").fill("5901234123457")
    page.keyboard.press("Enter")
    expect(page.locator(".flash.ok")).to_contain_text("counted 12")
    page.get_by_role("button", name="Finish the count").click()
    expect(page.locator(".flash.ok")).to_contain_text("1 correction.")

    page.goto("/stock/transfers")
    page.get_by_label("Item").select_option("PASTA")
    page.get_by_label("Quantity").fill("5")
    page.get_by_label("Why").fill("Monday delivery")
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".flash.ok")).to_contain_text("5 × Pasta to Point 2")

    page.goto("/stock")
    expect(page.locator("section.low-stock")).to_be_visible()
    rows = live_server.request("GET", "/api/v1/stock?site=MAIN", coordinator).body
    on_hand = {r["sku"]: r["on_hand"] for r in rows}
    assert (on_hand["SOAP"], on_hand["PASTA"], on_hand["FOOD"]) == (12, 15, 4)
