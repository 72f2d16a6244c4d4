"""Vouchers at the desk in a real browser, by keyboard only: scan the card, scan the
voucher serials, Enter on the empty line hands over."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in
from tests.conftest import member


def test_scanning_a_card_then_its_vouchers_hands_them_over(
    page: Page, live_server: Any, token_for: Callable[[str], str], make_user: Any
) -> None:
    stock, desk = token_for("stock_manager"), token_for("volunteer")
    body = {"sku": "CHILD-VOUCHER", "donor": "SC", "first_serial": "SA-01", "last_serial": "SA-09"}
    assert live_server.request("POST", "/api/v1/voucher-batches", stock, body).status == 201
    family = {"members": [member(), member(born="2019-02-02", relationship="child")]}
    qr = live_server.request("POST", "/api/v1/households", desk, family).body["card"]["qr"]

    log_in(page, make_user("volunteer"))
    page.goto("/desk")
    page.keyboard.type(qr)
    page.keyboard.press("Enter")
    expect(page.locator("[data-state=eligible]")).to_be_visible()
    serials = page.locator("#vouchers")
    expect(serials).to_be_focused()
    page.keyboard.type("SA-99")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    expect(page.locator(".voucher-error")).to_contain_text("SA-99")
    expect(page.locator("#vouchers")).to_be_focused()
    page.keyboard.press("Control+a")
    page.keyboard.type("SA-03")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    expect(page.locator("[data-state=served]")).to_contain_text("SA-03")
    expect(page.locator("#scan")).to_be_focused()
