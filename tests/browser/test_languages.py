"""The language: the browser's first, then the one the volunteer picks in the header."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in
from tests.conftest import PASSWORD, member


def test_a_ukrainian_browser_gets_ukrainian_and_the_volunteer_switches_to_romanian(
    open_page: Callable[..., Page],
    make_user: Callable[..., str],
    register: Callable[..., dict[str, Any]],
) -> None:
    household = register(member())
    page = open_page(locale="uk-UA")
    page.goto("/login")
    expect(page.locator("html")).to_have_attribute("lang", "uk")
    expect(page.get_by_role("heading", name="Увійти")).to_be_visible()

    page.get_by_label("Ім'я користувача").fill(make_user("volunteer"))
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Увійти").click()
    expect(page.get_by_label("Скануйте картку або введіть номер, потім Enter")).to_be_focused()

    page.get_by_label("Мова").select_option("ro")
    page.get_by_role("button", name="Змінити").click()
    expect(page.locator("html")).to_have_attribute("lang", "ro")
    page.get_by_label("Scanați cardul sau scrieți numărul, apoi Enter").fill(
        household["card"]["qr"]
    )
    page.keyboard.press("Enter")
    expect(page.locator("#panel .answer h1")).to_have_text("ARE DREPT")


def test_the_language_form_keeps_an_english_browser_in_english(
    page: Page, make_user: Callable[..., str]
) -> None:
    log_in(page, make_user("volunteer"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_label("Language")).to_have_value("en")
