"""A desk closed during an outage opens again from its copy (issue 19, decision 0033): the
service worker answers a navigation to /desk with the page as last served when the server
cannot be reached; the copy serves from the snapshot, and once the server is back it loads
the live page, which sends the journal. After a logout the copy is gone.

The tests run on http://127.0.0.1, a secure context: over plain http on the LAN the browser
has no service worker, and the desk works as tests/browser/test_desk_offline.py shows.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect
from playwright.sync_api import Error as PlaywrightError

from app.desk.models import Distribution
from app.desk.offline_models import OfflineHandover
from tests.browser.conftest import CHROMIUM_ARGS, chromium_executable, log_in
from tests.browser.test_desk_offline import hand_over, open_desk, scan, total, wait_for_snapshot
from tests.live import LiveServer, start_server


def kept_copy(page: Page) -> None:
    """The worker has the desk page and its files."""
    expect(page.locator("#offline")).to_have_attribute("data-copy", "kept")
    expect(page.locator("#offline")).to_have_attribute("data-page", "live")


def test_a_desk_closed_while_the_server_is_down_opens_from_its_copy_and_sends_its_journal(
    app: Flask,
    database_url: str,
    live_server: LiveServer,
    open_page: Callable[..., Page],
    make_user: Callable[..., str],
    register: Callable[..., dict[str, Any]],
    stock_up: Callable[..., None],
) -> None:
    stock_up(FOOD=50, HYGIENE=50)
    qr = register()["card"]["qr"]
    page = open_desk(open_page, make_user("volunteer"), fake_clock=False)
    wait_for_snapshot(page, 1)
    kept_copy(page)
    context = page.context

    live_server.stop()
    page.close()  # the tab is closed (or the browser, or the laptop) during the outage
    reopened = context.new_page()
    errors: list[str] = []
    reopened.on("pageerror", lambda error: errors.append(str(error)))
    started = time.monotonic()
    reopened.goto("/desk")  # no server: the worker's copy
    offline = reopened.locator("#offline")
    expect(offline).to_have_attribute("data-page", "copy")
    expect(offline).to_have_attribute("data-state", "offline")
    took = time.monotonic() - started
    expect(reopened.locator("#offline-banner")).to_contain_text("OFFLINE")
    # Every stylesheet of the page came from the worker's copies, none is missing.
    assert reopened.evaluate(
        "[...document.querySelectorAll('link[rel=stylesheet]')]"
        ".every((l) => l.sheet && l.sheet.cssRules.length > 0)"
    )
    colour = reopened.locator("#offline-banner").evaluate(
        "(el) => getComputedStyle(el).backgroundColor"
    )
    assert colour == "rgb(253, 226, 200)"  # app.css came from the copy too
    scan(reopened, qr, "eligible")
    hand_over(reopened)
    expect(offline).to_have_attribute("data-journaled", "1")
    print(f"reopened from the copy: OFFLINE after {took:.2f} s")
    assert total(app, OfflineHandover) == 0

    port = int(live_server.url.rsplit(":", 1)[1])
    server = start_server(database_url, port=port)
    try:
        # The copy gives way to the live page, which sends what the journal holds.
        restarted = time.monotonic()
        expect(offline).to_have_attribute("data-page", "live")
        expect(offline).to_have_attribute("data-journaled", "0")
        print(f"server back: live page and journal sent after {time.monotonic() - restarted:.2f} s")
        expect(offline).to_have_attribute("data-cards", "1")
        assert total(app, OfflineHandover) == 1
        assert total(app, OfflineHandover, OfflineHandover.outcome == "served") == 1
        assert total(app, Distribution) == 1
        # Opened once more: nothing is sent twice, and the card is served for this window.
        reopened.reload()
        expect(offline).to_have_attribute("data-copy", "kept")
        reopened.locator("#scan").fill(qr)
        reopened.locator("#scan").press("Enter")
        answer = reopened.locator("#panel section[data-state]")
        expect(answer).to_have_attribute("data-state", re.compile("^(just_served|not_yet)$"))
        assert total(app, OfflineHandover) == 1
        assert total(app, Distribution) == 1
        # Kept: the desk page and the static files, never the snapshot, the journal, an answer.
        kept = reopened.evaluate(
            """async () => {
                const cache = await caches.open("aiddesk-desk-v1");
                return (await cache.keys()).map((r) => new URL(r.url).pathname);
            }"""
        )
        assert "/desk" in kept and "/static/desk-offline.js" in kept and "/static/app.css" in kept
        assert all(path == "/desk" or path.startswith("/static/") for path in kept), kept
    finally:
        server.stop()
    assert not errors, errors


def test_after_a_logout_the_copy_is_gone_and_the_next_account_has_its_own(
    live_server: LiveServer,
    open_page: Callable[..., Page],
    make_user: Callable[..., str],
) -> None:
    first, second = make_user("volunteer"), make_user("volunteer")
    page = open_desk(open_page, first, fake_clock=False)
    kept_copy(page)
    page.get_by_role("button", name="Log out").click()
    expect(page.locator("html")).to_have_attribute("data-desk-copy", "gone")
    # The worker stays: what is gone is the page it would give.
    assert page.evaluate("async () => (await navigator.serviceWorker.getRegistrations()).length")
    assert page.evaluate("async () => (await caches.keys()).length") == 0

    # Another account on the same browser: the copy is its page, not the first one's.
    log_in(page, second)
    page.goto("/desk")
    kept_copy(page)
    copied = page.evaluate("async () => (await (await caches.match(location.pathname)).text())")
    assert f"{second} ·" in copied and f"{first} ·" not in copied

    page.get_by_role("button", name="Log out").click()
    expect(page.locator("html")).to_have_attribute("data-desk-copy", "gone")
    page.wait_for_load_state("networkidle")  # the login page's icon, before the server stops
    live_server.stop()
    with pytest.raises(PlaywrightError, match="net::ERR_"):
        page.goto("/desk")  # the browser's own error, not the old page


def test_over_plain_http_on_the_lan_the_desk_works_as_before_without_a_copy(
    browser: Browser,
    live_server: LiveServer,
    make_user: Callable[..., str],
    register: Callable[..., dict[str, Any]],
) -> None:
    """aiddesk.lan is the server's address as a desk on the LAN sees it: plain http on a name
    that is not localhost, so no secure context: no worker, no Cache API, no WebCrypto."""
    qr = register()["card"]["qr"]
    port = live_server.url.rsplit(":", 1)[1]
    lan = browser.browser_type.launch(
        executable_path=chromium_executable(),  # the same Chromium, in a process of its own
        headless=True,
        args=[*CHROMIUM_ARGS, "--host-resolver-rules=MAP aiddesk.lan 127.0.0.1"],
    )
    try:
        context = lan.new_context(base_url=f"http://aiddesk.lan:{port}")
        context.set_default_timeout(10_000)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        log_in(page, make_user("volunteer"))
        page.goto("/desk")
        assert page.evaluate("() => window.isSecureContext") is False
        assert page.evaluate("() => 'serviceWorker' in navigator") is False
        wait_for_snapshot(page, 1)
        expect(page.locator("#offline")).not_to_have_attribute("data-copy", re.compile(".*"))

        live_server.stop()
        expect(page.locator("#offline")).to_have_attribute("data-state", "offline")
        scan(page, qr, "eligible")  # the keyed hash in plain script: no crypto.subtle here
        hand_over(page)
        page.close()
        with pytest.raises(PlaywrightError, match="net::ERR_"):
            context.new_page().goto("/desk")  # no copy: the desk waits for the server
        assert not errors, errors
    finally:
        lan.close()
