"""The flow that matters, in a real browser: register, stock up, scan, hand over, count."""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import log_in
from tests.conftest import TZ, member

CARD_NUMBER = re.compile(r"^(\d{4} \d{4} \d{2}) ·")
BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
SCAN_HANG_GUARD_S = 1.0  # not a speed target: a desk that takes a second is broken

Shot = Callable[[Page, str], Path]


def site_today() -> date:
    return datetime.now(ZoneInfo(TZ)).date()


def register_household(page: Page, screenshot: Shot) -> str:
    """Register a mother and her baby through the form; returns the new card's number."""
    page.goto("/households/new")
    head = page.locator("fieldset.member").nth(0)
    head.get_by_label("Given name", exact=True).fill("Olena")
    head.get_by_label("Family name", exact=True).fill("Koval")
    head.get_by_label("Birth date").fill("1991-04-17")
    head.get_by_role("combobox", name="Sex").select_option("F")
    expect(head.get_by_role("combobox", name="Relationship")).to_have_value("head")
    head.get_by_role("combobox", name="Document", exact=True).select_option("passport")
    head.get_by_label("Document number").fill("FA123456")

    page.get_by_role("button", name="Add a member").click()
    expect(page.locator("fieldset.member")).to_have_count(2)
    head = page.locator("fieldset.member").nth(0)
    expect(head.get_by_label("Given name", exact=True)).to_have_value(
        "Olena"
    )  # kept across the round trip
    baby = page.locator("fieldset.member").nth(1)
    expect(baby.get_by_label("Given name", exact=True)).to_be_focused()
    baby.get_by_label("Given name", exact=True).fill("Maksym")
    baby.get_by_label("Family name", exact=True).fill("Koval")
    baby.get_by_label("Birth date").fill((site_today() - timedelta(days=300)).isoformat())
    baby.get_by_role("combobox", name="Sex").select_option("M")
    baby.get_by_role("combobox", name="Relationship").select_option("child")
    baby.get_by_role("combobox", name="Document", exact=True).select_option("birth_certificate")
    baby.get_by_label("Document number").fill("I-ОД 654321")
    screenshot(page, "1-register-form")

    page.get_by_role("button", name="Register and issue the card").click()
    expect(page).to_have_url(re.compile(r"/households/\d+$"))
    expect(page.locator(".flash.ok")).to_contain_text("registered: print its card")
    members = page.locator("section.card").first  # the Members table, not changes or flags
    expect(members.locator("table tbody tr")).to_have_count(2)
    expect(page.get_by_text(re.compile(r"^Registered "))).to_contain_text(
        f"Registered {site_today():%d.%m.%Y}"
    )

    image = page.locator("img.card-image")
    image.wait_for()
    page.wait_for_function("() => document.querySelector('img.card-image').complete")
    assert image.evaluate("img => img.naturalWidth") > 0, "the card image did not load"

    card = page.locator("section.card", has=page.get_by_role("heading", name="Card", exact=True))
    issued = card.locator("ul li")
    expect(issued).to_have_count(1)
    expect(issued).to_contain_text(f"issued {site_today():%d.%m.%Y}")  # the site's date
    expect(issued).to_contain_text("in force")
    found = CARD_NUMBER.match(issued.inner_text())
    assert found, issued.inner_text()
    screenshot(page, "2-household")
    return found.group(1)


def on_hand(page: Page, sku: str) -> Locator:
    row = page.locator("table tbody tr", has=page.get_by_role("cell", name=sku, exact=True))
    return row.locator("td.num")


def record_donation(page: Page, screenshot: Shot) -> None:
    """A stock manager records ten food parcels from a donor."""
    expect(page).to_have_url(re.compile(r"/stock$"))  # the stock manager's home page
    expect(on_hand(page, "FOOD")).to_have_text("0")
    page.get_by_label("Donor").fill("World Vision")
    page.get_by_label("Item, line 1").fill("FOOD")
    page.get_by_label("Quantity, line 1").fill("10")
    page.get_by_role("button", name="Record the donation").click()
    expect(page.locator(".flash.ok")).to_contain_text("10 items on the shelves")
    expect(on_hand(page, "FOOD")).to_have_text("10")
    expect(on_hand(page, "HYGIENE")).to_have_text("0")
    screenshot(page, "3-stock")


def scan(page: Page, text: str) -> Locator:
    """Type into whatever has focus (the scan field, as a scanner would) and press Enter.

    Returns the answer panel that replaces the one on screen.
    """
    page.evaluate("() => document.querySelector('#panel .answer')?.setAttribute('data-old', '')")
    page.keyboard.type(text)
    page.keyboard.press("Enter")
    answer = page.locator("#panel .answer:not([data-old])")
    answer.wait_for()
    return answer


def unknown_qr_text() -> str:
    return "AD1-" + "".join(secrets.choice(BASE32) for _ in range(32))


def test_register_stock_scan_hand_over_and_count(
    open_page: Callable[..., Page],
    make_user: Callable[..., str],
    screenshot: Shot,
    tmp_path: Path,
) -> None:
    desk = open_page()
    log_in(desk, make_user("coordinator"))
    number = register_household(desk, screenshot)

    stock = open_page()
    log_in(stock, make_user("stock_manager"))
    record_donation(stock, screenshot)

    desk.goto("/desk")
    field = desk.locator("#scan")
    expect(field).to_be_focused()
    desk.keyboard.type(number)
    started = time.perf_counter()
    desk.keyboard.press("Enter")
    desk.wait_for_selector("#panel .answer")
    elapsed = time.perf_counter() - started
    print(f"\nscan → decision in the browser: {elapsed * 1000:.0f} ms")
    assert elapsed < SCAN_HANG_GUARD_S, f"the answer took {elapsed:.2f} s"
    answer = desk.locator("#panel .answer")
    expect(answer).to_have_attribute("data-state", "eligible")
    expect(answer.locator("h1")).to_have_text("ELIGIBLE")
    expect(answer.locator(".who")).to_have_text("Olena Koval · 2 people")
    expect(answer.locator(".items li", has_text="Food parcel")).to_have_text("1 × Food parcel")
    expect(answer.locator(".items li", has_text="Baby pack")).to_contain_text("none in stock")
    expect(field).to_be_focused()
    expect(field).to_have_value("")
    screenshot(desk, "4-eligible")

    answer = scan(desk, "")  # Enter in the empty field hands over
    expect(answer).to_have_attribute("data-state", "served")
    expect(answer.locator("h1")).to_have_text("HANDED OVER")
    expect(answer.locator(".items li", has_text="Food parcel")).to_have_text("1 × Food parcel")
    expect(answer.locator(".items li", has_text="Baby pack")).to_contain_text("none left")
    expect(field).to_be_focused()
    screenshot(desk, "5-handed-over")

    # Scanned again right after the handover: the family is leaving with its parcel.
    answer = scan(desk, number)
    expect(answer).to_have_attribute("data-state", "just_served")
    expect(answer.locator("h1")).to_have_text("SERVED JUST NOW")
    expect(answer).to_contain_text("at this desk")
    expect(field).to_be_focused()
    screenshot(desk, "6-served-just-now")

    answer = scan(desk, "5901234123457")  # a product's barcode
    expect(answer).to_have_attribute("data-state", "not_a_card")
    expect(answer.locator("h1")).to_have_text("NOT A CARD")
    screenshot(desk, "7-not-a-card")

    answer = scan(desk, unknown_qr_text())
    expect(answer).to_have_attribute("data-state", "unknown")
    expect(answer.locator("h1")).to_have_text("UNKNOWN CARD")
    expect(field).to_be_focused()
    screenshot(desk, "8-unknown")

    stock.reload()
    expect(on_hand(stock, "FOOD")).to_have_text("9")

    desk.goto("/reports/today")
    figures = desk.locator("table.figures")
    expect(figures.locator("tr", has_text="Households served").locator("td")).to_have_text("1")
    expect(figures.locator("tr", has_text="People served").locator("td")).to_have_text("2")
    screenshot(desk, "9-report")
    with desk.expect_download() as download_info:
        desk.get_by_role("link", name="Download Excel").click()
    download = download_info.value
    assert download.suggested_filename == f"aiddesk-daily-{site_today().isoformat()}.xlsx"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert value_right_of(saved, "Households served") == 1


def value_right_of(xlsx: Path, label: str) -> Any:
    workbook = openpyxl.load_workbook(xlsx)
    try:
        sheet = workbook.active
        assert sheet is not None
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value == label:
                    return sheet.cell(row=cell.row, column=cell.column + 1).value
        raise AssertionError(f"no cell reads {label!r}")
    finally:
        workbook.close()


def test_the_desk_works_without_javascript(
    open_page: Callable[..., Page],
    make_user: Callable[..., str],
    register: Callable[..., dict[str, Any]],
    stock_up: Callable[..., None],
    screenshot: Shot,
) -> None:
    stock_up(FOOD=5)
    household = register(member())
    page = open_page(java_script_enabled=False)
    log_in(page, make_user("volunteer"))

    expect(page).to_have_url(re.compile(r"/desk$"))
    page.locator("#scan").fill(household["card"]["qr"])
    page.locator("#scan").press("Enter")
    answer = page.locator("#panel .answer")
    expect(answer).to_have_attribute("data-state", "eligible")
    expect(answer.locator("h1")).to_have_text("ELIGIBLE")
    screenshot(page, "1-eligible")

    page.get_by_role("button", name="Handed over").click()
    expect(answer).to_have_attribute("data-state", "served")
    expect(answer.locator("h1")).to_have_text("HANDED OVER")
    expect(answer.locator(".items li", has_text="Food parcel")).to_have_text("1 × Food parcel")
    screenshot(page, "2-handed-over")


def test_without_javascript_enter_after_eligible_hands_over(
    open_page: Callable[..., Page],
    make_user: Callable[..., str],
    register: Callable[..., dict[str, Any]],
    screenshot: Shot,
) -> None:
    household = register(member())
    page = open_page(java_script_enabled=False)
    log_in(page, make_user("volunteer"))
    page.locator("#scan").fill(household["card"]["qr"])
    page.locator("#scan").press("Enter")
    expect(page.locator("#panel .answer")).to_have_attribute("data-state", "eligible")
    # The page's autofocus lands once it has loaded; Enter before that goes nowhere.
    expect(page.locator("#handover-form button")).to_be_focused()

    with page.expect_navigation():
        page.keyboard.press("Enter")  # as the hint under the scan field says
    screenshot(page, "after-enter")
    expect(page.locator("#panel .answer")).to_have_attribute("data-state", "served")


def test_enter_in_the_registration_form_registers(
    page: Page, make_user: Callable[..., str], screenshot: Shot
) -> None:
    log_in(page, make_user("coordinator"))
    page.goto("/households/new")
    head = page.locator("fieldset.member").nth(0)
    head.get_by_label("Given name", exact=True).fill("Olena")
    head.get_by_label("Family name", exact=True).fill("Koval")
    head.get_by_label("Birth date").fill("1991-04-17")
    head.get_by_role("combobox", name="Sex").select_option("F")
    head.get_by_label("Document number").fill("FA123456")

    with page.expect_navigation():
        head.get_by_label("Document number").press("Enter")
    screenshot(page, "after-enter")
    expect(page).to_have_url(re.compile(r"/households/\d+$"))
