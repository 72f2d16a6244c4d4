"""Browser fixtures: the OS's Chromium, driven by Playwright, against the real server.

Playwright's own browser download is never used: the tests run the Chromium of the OS
package (or AID_CHROMIUM), and skip with the reason when there is none. CI installs
Chromium and fails on any skip, so there these tests always run.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    expect,
    sync_playwright,
)

from tests.conftest import PASSWORD
from tests.live import ROOT

HERE = Path(__file__).resolve().parent
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
VIEWPORT = {"width": 1366, "height": 768}  # the laptops the desks use
TIMEOUT_MS = 10_000


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder drives a browser against the real server."""
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.server)


def chromium_executable() -> str | None:
    candidates = (os.environ.get("AID_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser")
    return next((c for c in candidates if c and Path(c).is_file()), None)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    executable = chromium_executable()
    if executable is None:
        pytest.skip(
            "no Chromium: install the OS package (apt-get install chromium) "
            "or point AID_CHROMIUM at the executable"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def open_page(browser: Browser, live_server: Any) -> Iterator[Callable[..., Page]]:
    """A page in a fresh browser context on the live server: its own cookies, its own user.

    Keyword arguments go to the context (java_script_enabled=False, ...). JavaScript errors
    on any page fail the test: the desk must not break silently.
    """
    contexts: list[BrowserContext] = []
    errors: list[str] = []

    def open_(**options: Any) -> Page:
        context = browser.new_context(
            base_url=live_server.url, accept_downloads=True, **{"viewport": VIEWPORT, **options}
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
        page.on("console", lambda message: note_console_error(errors, page, message))
        return page

    yield open_
    for context in contexts:
        context.close()
    assert not errors, "errors in the browser console:\n" + "\n".join(errors)


def note_console_error(errors: list[str], page: Page, message: ConsoleMessage) -> None:
    # Chromium asks every site for /favicon.ico; the app has none, and that breaks nothing.
    # A request to a server that was stopped on purpose (the offline desk's tests) is logged
    # as refused: the network's word, not the page's error.
    refused = any(
        f"net::ERR_{why}" in message.text
        for why in (
            "CONNECTION_REFUSED",
            "CONNECTION_RESET",
            "EMPTY_RESPONSE",
            "SOCKET_NOT_CONNECTED",
        )
    )
    if (
        message.type == "error"
        and not refused
        and not message.location.get("url", "").endswith("/favicon.ico")
    ):
        errors.append(f"{page.url}: {message.text} ({message.location.get('url')})")


@pytest.fixture
def page(open_page: Callable[..., Page]) -> Page:
    return open_page()


@pytest.fixture
def screenshot(request: pytest.FixtureRequest) -> Callable[[Page, str], Path]:
    """Save the page as test-artifacts/screenshots/<test name>-<step>.png.

    Each step also checks that the page fits the desk laptop's width (after the picture is
    taken, so the picture shows what is wrong).
    """
    name = re.sub(r"[^\w.-]+", "_", request.node.name)

    def take(page: Page, step: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}-{step}.png"
        page.screenshot(path=path, full_page=True)
        assert_fits_the_screen(page)
        return path

    return take


def assert_fits_the_screen(page: Page) -> None:
    """No sideways scrolling: at a desk, what is off screen is not seen."""
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{page.url} is {overflow} px wider than the screen"


def log_in(page: Page, username: str) -> None:
    """Log in through the login form; lands on the role's home page."""
    page.goto("/login")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("header.top .who")).to_contain_text(username)
