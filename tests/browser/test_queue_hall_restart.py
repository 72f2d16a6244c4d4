"""The hall screen keeps its numbers through a server restart, and follows again after it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in
from tests.live import start_server


def test_the_hall_screen_keeps_its_numbers_through_a_restart(
    open_page: Callable[..., Page],
    make_user: Callable[..., str],
    live_server: Any,
    database_url: str,
    token_for: Callable[[str], str],
) -> None:
    desk = token_for("volunteer")
    for _ in range(2):
        live_server.request("POST", "/api/v1/queue/tickets", desk, {"line": "registration"})
    live_server.request("POST", "/api/v1/queue/calls", desk, {"line": "registration", "desk": "5"})
    board = open_page()
    log_in(board, make_user("coordinator"))
    board.goto("/reports/dashboard")
    hall_url = board.locator("#hall-link").get_attribute("href") or ""
    board.close()
    tv = open_page(viewport={"width": 1280, "height": 720})
    tv.goto(hall_url)
    line = tv.locator(".hall-line[data-line=registration]")
    expect(line.locator(".hall-call.latest")).to_contain_text("R-001")

    port = int(live_server.url.rsplit(":", 1)[1])
    live_server.stop()
    expect(tv.locator("#hall-offline")).to_be_visible()
    expect(line.locator(".hall-call.latest")).to_contain_text("R-001")  # still on screen

    server = start_server(database_url, port=port)
    try:
        server.request("POST", "/api/v1/queue/calls", desk, {"line": "registration", "desk": "6"})
        expect(line.locator(".hall-call.latest")).to_contain_text("R-002")
        expect(tv.locator("#hall-offline")).to_be_hidden()
    finally:
        server.stop()
