"""Every page on the desk laptop and on a 10-inch tablet both ways round, in each language:
no sideways scrolling, text contrast at WCAG 2.1 AA, controls large enough to hit, a visible
keyboard focus. A screenshot of each page in each language and size is saved for review
under test-artifacts/screenshots/.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import SCREENSHOTS, assert_fits_the_screen
from tests.conftest import PASSWORD, member

WCAG_CHECK = (Path(__file__).parent / "wcag.js").read_text()

SIZES = {
    "laptop": {"width": 1366, "height": 768},
    "tablet-portrait": {"width": 800, "height": 1280},
    "tablet-landscape": {"width": 1280, "height": 800},
}
LANGUAGES = ("en", "ro", "uk")


def pages(household_id: int) -> dict[str, str]:
    return {
        "desk": "/desk",
        "door": "/queue/door",
        "register": "/households/new",
        "household": f"/households/{household_id}",
        "search": "/households/search?q=Koval",
        "cards": "/cards",
        "stock": "/stock",
        "counts": "/reports/today",
    }


def log_in(page: Page, username: str) -> None:
    page.goto("/login")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("input[name=password]").press("Enter")
    expect(page.locator("header.top .who")).to_contain_text(username)


def check(page: Page, name: str) -> list[str]:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"layout-{name}.png", full_page=True)
    assert_fits_the_screen(page)
    return [f"{name}: {problem}" for problem in page.evaluate(WCAG_CHECK)]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_fits_reads_and_keeps_contrast_on_laptop_and_tablet(
    open_page: Callable[..., Page],
    make_user: Callable[..., str],
    register: Callable[..., dict[str, Any]],
    stock_up: Callable[..., None],
    language: str,
) -> None:
    stock_up()
    household = register(member(family="Koval"))
    coordinator = make_user("coordinator")
    problems: list[str] = []
    for size, viewport in SIZES.items():
        page = open_page(locale=language, viewport=viewport)
        log_in(page, coordinator)
        for name, path in pages(household["id"]).items():
            page.goto(path)
            problems += check(page, f"{language}-{size}-{name}")
        # The desk's answer fills the screen: check it too.
        page.goto("/desk")
        page.locator("#scan").fill(household["card"]["qr"])
        page.locator("#scan").press("Enter")
        page.locator("#panel .answer").wait_for()
        problems += check(page, f"{language}-{size}-desk-answer")
        page.context.close()
    assert problems == [], "\n".join(problems)


def test_the_keyboard_focus_is_always_visible(
    open_page: Callable[..., Page], make_user: Callable[..., str]
) -> None:
    page = open_page()
    log_in(page, make_user("coordinator"))
    unseen = []
    for path in ("/desk", "/households/new", "/stock"):
        page.goto(path)
        for _ in range(25):
            page.keyboard.press("Tab")
            outline = page.evaluate(
                """() => {
                    const el = document.activeElement;
                    if (!el || el === document.body) return null;
                    const s = getComputedStyle(el);
                    const ring = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
                    const what = el.name || el.textContent.trim().slice(0, 20);
                    return {ring: ring || s.boxShadow !== 'none', what: el.tagName + ' ' + what};
                }"""
            )
            if outline and not outline["ring"]:
                unseen.append(f"{path}: {outline['what']}")
    assert unseen == [], "\n".join(unseen)
