"""A desk closed during an outage opens again from its copy (issue 19, decision 0033): the
service worker answers a navigation to /desk with the page as last served when the server
cannot be reached; the copy serves from the snapshot, and once the server is back it loads
the live page, which sends the journal. After a logout the copy is gone.

The tests run on http://127.0.0.1, a secure context: over plain http on the LAN the browser
has no service worker, and the desk works as tests/browser/test_desk_offline.py shows.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect

from app.desk.models import Distribution
from app.desk.offline_models import OfflineHandover
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
    reopened.goto("/desk")  # no server: the worker's copy
    offline = reopened.locator("#offline")
    expect(offline).to_have_attribute("data-page", "copy")
    expect(offline).to_have_attribute("data-state", "offline")
    expect(reopened.locator("#offline-banner")).to_contain_text("OFFLINE")
    expect(reopened.locator("link[rel=stylesheet]")).to_have_count(1)
    colour = reopened.locator("#offline-banner").evaluate(
        "(el) => getComputedStyle(el).backgroundColor"
    )
    assert colour == "rgb(253, 226, 200)"  # app.css came from the copy too
    scan(reopened, qr, "eligible")
    hand_over(reopened)
    expect(offline).to_have_attribute("data-journaled", "1")
    assert total(app, OfflineHandover) == 0

    port = int(live_server.url.rsplit(":", 1)[1])
    server = start_server(database_url, port=port)
    try:
        # The copy gives way to the live page, which sends what the journal holds.
        expect(offline).to_have_attribute("data-page", "live")
        expect(offline).to_have_attribute("data-journaled", "0")
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
    finally:
        server.stop()
    assert not errors, errors


def test_after_a_logout_the_copy_is_gone(
    live_server: LiveServer,
    open_page: Callable[..., Page],
    make_user: Callable[..., str],
) -> None:
    page = open_desk(open_page, make_user("volunteer"), fake_clock=False)
    kept_copy(page)
    page.get_by_role("button", name="Log out").click()
    expect(page.locator("html")).to_have_attribute("data-desk-copy", "gone")
    # The worker stays: what is gone is the page it would give.
    assert page.evaluate("async () => (await navigator.serviceWorker.getRegistrations()).length")
    assert page.evaluate("async () => (await caches.keys()).length") == 0

    live_server.stop()
    with pytest.raises(PlaywrightError, match="net::ERR_"):
        page.goto("/desk")  # the browser's own error, not the old page
