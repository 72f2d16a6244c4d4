"""The desk's whole day in each language of the interface, in a real browser: log in, record a
donation, register a family from a passport's zone, print its card, scan it, hand over, see a
repeat scan and a refusal, download the day's export and open it. Labels are looked up in the
same catalogs the app uses, so the test reads the page as a Romanian or Ukrainian volunteer
would; a screenshot of each step in each language lands in test-artifacts/screenshots/.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from babel.support import Translations
from flask import Flask
from playwright.sync_api import Page, expect

from app.extensions import db
from app.households.models import Household
from tests.browser.test_desk_flow import CARD_NUMBER, site_today
from tests.conftest import PASSWORD, member
from tests.households.test_mrz_form import td3
from tests.live import ROOT

Shot = Callable[[Page, str], Path]


def translator(language: str) -> Callable[..., str]:
    catalog = Translations.load(str(ROOT / "translations"), [language])

    def t(text: str, **values: Any) -> str:
        found = catalog.gettext(text)
        return found % values if values else found

    return t


def log_in(page: Page, username: str) -> None:
    page.goto("/login")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("input[name=password]").press("Enter")
    expect(page.locator("header.top .who")).to_contain_text(username)


def scan(page: Page, text: str) -> Any:
    page.evaluate("() => document.querySelector('#panel .answer')?.setAttribute('data-old', '')")
    page.locator("#scan").focus()
    page.keyboard.type(text)
    page.keyboard.press("Enter")
    answer = page.locator("#panel .answer:not([data-old])")
    answer.wait_for()
    return answer


@pytest.mark.parametrize("language", ["en", "ro", "uk"])
def test_a_day_at_the_desk_in_each_language(
    app: Flask,
    open_page: Callable[..., Page],
    make_user: Callable[..., str],
    register: Callable[..., dict[str, Any]],
    screenshot: Shot,
    tmp_path: Path,
    language: str,
) -> None:
    t = translator(language)

    stock = open_page(locale=language)
    log_in(stock, make_user("stock_manager"))
    expect(stock.locator("html")).to_have_attribute("lang", language)
    stock.keyboard.type("World Vision")  # the donor field has the focus
    stock.get_by_label(t("Item, line %(number)s", number=1)).fill("FOOD")
    stock.get_by_label(t("Quantity, line %(number)s", number=1)).fill("10")
    stock.keyboard.press("Control+Enter")
    expect(stock.locator(".flash.ok")).to_be_visible()
    screenshot(stock, f"{language}-1-donation")

    desk = open_page(locale=language)
    log_in(desk, make_user("volunteer"))
    desk.goto("/households/new")
    desk.keyboard.press("F2")
    for line in td3().split("\n"):
        desk.keyboard.type(line)
        desk.keyboard.press("Enter")
    desk.keyboard.press("Control+Enter")  # read the zone
    head = desk.locator("fieldset.member").nth(0)
    expect(head.get_by_label(t("Given name"), exact=True)).to_have_value("Olena")
    screenshot(desk, f"{language}-2-register")
    head.get_by_label(t("Given name"), exact=True).press("Enter")
    expect(desk).to_have_url(re.compile(r"/households/\d+$"))
    expect(desk.locator(".flash.ok")).to_be_visible()
    issued = desk.locator("section.card ul li").first
    expect(issued).to_contain_text(t("in force"))
    number = CARD_NUMBER.match(issued.inner_text())
    assert number, issued.inner_text()
    pdf = desk.get_by_role("link", name=t("Print the card (PDF, card size)"))
    printed = desk.request.get(pdf.get_attribute("href") or "")
    assert printed.ok and printed.body().startswith(b"%PDF")
    screenshot(desk, f"{language}-3-household")

    desk.goto("/desk")
    answer = scan(desk, number.group(1))
    expect(answer).to_have_attribute("data-state", "eligible")
    expect(answer.locator("h1")).to_have_text(t("ELIGIBLE"))
    screenshot(desk, f"{language}-4-eligible")
    answer = scan(desk, "")
    expect(answer).to_have_attribute("data-state", "served")
    expect(answer.locator("h1")).to_have_text(t("HANDED OVER"))
    answer = scan(desk, number.group(1))
    expect(answer).to_have_attribute("data-state", "just_served")
    expect(answer.locator("h1")).to_have_text(t("SERVED JUST NOW"))

    # A family served three days ago comes back: refused, with the day to come again.
    earlier = register(member(given="Ivan", family="Melnyk", born="1970-05-05"))
    with app.app_context():
        db.session.get(Household, earlier["id"]).last_served_on = site_today() - timedelta(days=3)  # type: ignore[union-attr]
        db.session.commit()
    answer = scan(desk, earlier["card"]["number"])
    expect(answer).to_have_attribute("data-state", "not_yet")
    expect(answer.locator("h1")).to_have_text(t("NOT YET"))
    again = site_today() + timedelta(days=7)
    expect(answer).to_contain_text(again.strftime("%d.%m.%Y"))
    screenshot(desk, f"{language}-5-not-yet")

    coordinator = open_page(locale=language)
    log_in(coordinator, make_user("coordinator"))
    coordinator.goto("/reports/today")
    with coordinator.expect_download() as download_info:
        coordinator.get_by_role("link", name=t("Download Excel")).click()
    saved = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(saved)
    workbook = openpyxl.load_workbook(saved)
    try:
        figures = {
            row[0]: row[1]
            for row in workbook.active.iter_rows(values_only=True)
            if row  # type: ignore[union-attr]
        }
    finally:
        workbook.close()
    assert figures[t("Households served")] == 1  # the labels in the page's language
    screenshot(coordinator, f"{language}-6-counts")
