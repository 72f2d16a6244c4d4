"""Names in each language and sites from the pages, in a real browser: a Ukrainian desk reads
the items in Ukrainian, a coordinator adds and renames a site, a donation is typed by name."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, Response, expect

from tests.browser.test_flow_languages import log_in, scan

Shot = Callable[[Page, str], Path]


def no_missing_files(page: Page) -> list[str]:
    """Every answer the page gets that is a 404 (a favicon, a script), to assert none."""
    missing: list[str] = []
    page.on("response", lambda r: missing.append(r.url) if _missing(r) else None)
    return missing


def _missing(response: Response) -> bool:
    return response.status == 404


def test_a_ukrainian_desk_reads_the_item_names_in_ukrainian(
    open_page: Callable[..., Page],
    make_user: Callable[..., str],
    register: Callable[..., dict[str, Any]],
    stock_up: Callable[..., None],
    screenshot: Shot,
) -> None:
    stock_up(FOOD=5, HYGIENE=5)
    household = register()
    desk = open_page(locale="uk")
    missing = no_missing_files(desk)
    log_in(desk, make_user("volunteer"))
    desk.goto("/desk")
    answer = scan(desk, household["card"]["number"])
    expect(answer).to_have_attribute("data-state", "eligible")
    expect(answer.locator("ul.items")).to_contain_text("1 × Продуктовий набір")
    expect(answer.locator("ul.items")).to_contain_text("1 × Гігієнічний набір")
    expect(answer.locator("ul.items")).not_to_contain_text("Food parcel")
    screenshot(desk, "uk-eligible")
    answer = scan(desk, "")
    expect(answer).to_have_attribute("data-state", "served")
    expect(answer.locator("ul.items")).to_contain_text("1 × Продуктовий набір")
    icon = desk.locator("link[rel=icon]").get_attribute("href") or ""
    assert desk.request.get(icon).ok
    assert missing == []


def test_a_coordinator_creates_and_renames_a_site_on_the_page(
    page: Page, make_user: Callable[..., str], screenshot: Shot
) -> None:
    log_in(page, make_user("coordinator"))
    page.goto("/stock/transfers")
    page.get_by_role("link", name="Add a site on the Sites page").click()
    page.get_by_label("Code").fill("WH-NORTH")
    page.get_by_label("Kind").select_option("warehouse")
    page.get_by_label("Name in English").fill("North warehouse")
    page.get_by_label("Name in Ukrainian").fill("Північний склад")
    page.get_by_role("button", name="Add the site").click()
    expect(page.locator(".flash.ok")).to_contain_text("Site WH-NORTH added.")
    row = page.locator("#site-WH-NORTH")
    row.get_by_label("Name of WH-NORTH in English").fill("North depot")
    row.get_by_label("Name of WH-NORTH in Română").fill("Depozitul nord")
    row.get_by_role("button", name="Rename").click()
    expect(page.locator(".flash.ok")).to_contain_text("Site WH-NORTH renamed.")
    expect(page.locator("#site-WH-NORTH input[name=name]")).to_have_value("North depot")
    screenshot(page, "sites")
    page.goto("/stock/transfers")
    expect(page.locator("select[name=to] option[value=WH-NORTH]")).to_have_text("North depot")


def test_a_donation_recorded_by_the_items_name(
    page: Page, make_user: Callable[..., str], screenshot: Shot
) -> None:
    log_in(page, make_user("stock_manager"))
    page.goto("/stock")
    page.get_by_label("Donor", exact=True).fill("World Vision")
    first = page.get_by_label("Item, line 1")
    expect(first).to_have_attribute("placeholder", "name, SKU or barcode")
    first.fill("Food parcel")
    page.get_by_label("Quantity, line 1").fill("40")
    page.get_by_label("Item, line 2").fill("Hygiene kit")
    page.get_by_label("Quantity, line 2").fill("25")
    page.get_by_role("button", name="Record the donation").click()
    expect(page.locator(".flash.ok")).to_contain_text("65 items on the shelves")
    screenshot(page, "donation-by-name")
