"""Every desk task without a mouse: the keys each page shows on screen do what they say."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in
from tests.conftest import member
from tests.households.test_mrz_form import td3


def leave_the_field(page: Page) -> None:
    """Put the focus on the page itself, as after a click on an empty spot."""
    page.evaluate("() => document.activeElement && document.activeElement.blur()")


def test_the_desk_shows_its_keys_and_f2_finds_the_scan_field(
    page: Page, make_user: Callable[..., str]
) -> None:
    log_in(page, make_user("volunteer"))
    page.goto("/desk")
    keys = page.locator("p.keys")
    expect(keys).to_be_visible()
    expect(keys.locator("kbd")).to_have_text(["Enter", "Esc", "F2", "F4", "F8"])
    leave_the_field(page)
    page.keyboard.press("F2")
    expect(page.locator("#scan")).to_be_focused()


def test_f8_calls_the_next_ticket_to_the_desk(
    page: Page, make_user: Callable[..., str], api: Any
) -> None:
    door = api("volunteer")
    assert door.post("/api/v1/queue/tickets", json={"line": "registration"}).status_code == 201
    log_in(page, make_user("volunteer"))
    page.goto("/desk")
    page.locator("#desk-name").fill("4")
    page.locator("select[name=line]").select_option("registration")
    page.locator("#scan").focus()
    page.keyboard.press("F8")
    expect(page.locator(".queue-call .called")).to_have_text("Called: R-001")
    expect(page.locator("#desk-name")).to_have_value("4")  # the desk keeps its name


def test_registration_reads_the_zone_and_adds_a_member_from_the_keyboard(
    page: Page, make_user: Callable[..., str]
) -> None:
    log_in(page, make_user("volunteer"))
    page.goto("/households/new")
    expect(page.locator("p.keys kbd")).to_have_text(["F2", "Ctrl+Enter", "F4", "Enter"])
    leave_the_field(page)
    page.keyboard.press("F2")
    zone = page.locator("fieldset.member").nth(0).locator("textarea")
    expect(zone).to_be_focused()
    for line in td3().split("\n"):  # as a document reader types it: a line, then Enter
        page.keyboard.type(line)
        page.keyboard.press("Enter")
    page.keyboard.press("Control+Enter")
    head = page.locator("fieldset.member").nth(0)
    expect(head.get_by_label("Given name", exact=True)).to_have_value("Olena")
    expect(head.get_by_label("Document number")).to_have_value("FE123456")

    page.keyboard.press("F4")
    expect(page.locator("fieldset.member")).to_have_count(2)
    expect(
        page.locator("fieldset.member").nth(0).get_by_label("Family name", exact=True)
    ).to_have_value("Kovalenko")


def test_a_donation_is_recorded_from_the_keyboard(
    page: Page, make_user: Callable[..., str]
) -> None:
    log_in(page, make_user("stock_manager"))
    page.goto("/stock")
    expect(page.locator("p.keys kbd")).to_have_text(["F2", "Enter", "Ctrl+Enter"])
    page.keyboard.type("World Vision")  # the donor field has the focus
    page.get_by_label("Item, line 1").focus()
    page.keyboard.type("FOOD")
    page.keyboard.press("Tab")
    page.keyboard.type("12")
    page.keyboard.press("F2")
    expect(page.locator("input[name=barcode]")).to_be_focused()
    page.keyboard.press("Control+Enter")
    expect(page.locator(".flash.ok")).to_contain_text("12 items on the shelves")


def test_a_name_typed_into_the_search_box_on_the_desk_page_searches_and_a_scan_still_lands(
    page: Page, make_user: Callable[..., str], register: Callable[..., dict[str, Any]]
) -> None:
    household = register(member("Solomiia", "Yatsenko"))
    log_in(page, make_user("volunteer"))
    page.goto("/desk")
    # The family forgot its card: the volunteer clicks the search box and types the name.
    page.locator("header form.search input[name=q]").click()
    page.keyboard.type("Yatsenko")
    expect(page.locator("header form.search input[name=q]")).to_have_value("Yatsenko")
    expect(page.locator("#scan")).to_have_value("")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/households/search\?q=Yatsenko$"))
    expect(page.locator("form.desk-check")).to_have_count(1)
    # A click on the page itself, then a card scanned: the scan field still gets it.
    page.goto("/desk")
    leave_the_field(page)
    page.keyboard.type(household["card"]["qr"])
    page.keyboard.press("Enter")
    expect(page.locator("#panel .answer")).to_have_attribute("data-state", "eligible")
