"""The desk's camera in a real browser: Chromium's fake camera plays a video of a card."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.browser.conftest import CHROMIUM_ARGS, VIEWPORT, chromium_executable, log_in
from tests.conftest import member
from tests.desk.test_camera import photo_of


@pytest.fixture
def camera_browser(
    tmp_path: Path, live_server: Any, register: Any
) -> Iterator[tuple[Browser, Any]]:
    """Chromium whose camera shows a card (MJPEG frames of a photo of its QR)."""
    executable = chromium_executable()
    if executable is None:
        pytest.skip("no Chromium: install the OS package (apt-get install chromium)")
    household = register(member())
    video = tmp_path / "card.mjpeg"
    video.write_bytes(photo_of(household["card"]["qr"]) * 30)
    args = [
        *CHROMIUM_ARGS,
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    ]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=args)
        yield browser, household
        browser.close()


def test_the_camera_reads_a_card_and_the_desk_answers(
    camera_browser: tuple[Browser, Any], live_server: Any, make_user: Callable[..., str]
) -> None:
    browser, household = camera_browser
    context = browser.new_context(base_url=live_server.url, viewport=VIEWPORT)
    context.grant_permissions(["camera"])
    page: Page = context.new_page()
    log_in(page, make_user("volunteer"))
    page.goto("/desk")
    page.get_by_role("button", name="Scan with the camera").click()
    answer = page.locator("#panel .answer")
    expect(answer).to_have_attribute("data-state", "eligible", timeout=15_000)
    expect(answer).to_contain_text(household["members"][0]["given_name"])
    context.close()
