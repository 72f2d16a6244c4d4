"""Printing cards in a real browser: choose today's households, watch the progress bar reach
the end, get the PDF."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in
from tests.cards.conftest import page_qr_codes, page_sizes_mm
from tests.conftest import member

Shot = Callable[[Page, str], Path]
A4 = (210.0, 297.0)


def test_a_sheet_of_today_s_households_is_made_and_downloaded(
    page: Page,
    make_user: Callable[..., str],
    register: Callable[..., dict[str, Any]],
    screenshot: Shot,
    tmp_path: Path,
) -> None:
    registered = [register(member()) for _ in range(12)]
    log_in(page, make_user("volunteer"))
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Cards").click()
    expect(page).to_have_url(re.compile(r"/cards$"))
    expect(page.get_by_role("radio", name="Households registered today")).to_be_checked()
    screenshot(page, "1-choose")

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Make the PDF").click()
        expect(page).to_have_url(re.compile(r"/cards/sheets/\d+$"))
        expect(page.locator("progress#sheet-progress")).to_be_visible()
    download = download_info.value

    bar = page.locator("progress#sheet-progress")
    expect(bar).to_have_js_property("max", 12)
    expect(bar).to_have_js_property("value", 12)
    expect(page.locator("#sheet-state")).to_have_text("Ready: 12 of 12 cards.")
    expect(page.get_by_role("link", name="Download the PDF")).to_be_visible()
    screenshot(page, "2-ready")

    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert re.fullmatch(r"aiddesk-cards-\d+\.pdf", download.suggested_filename)
    pdf = saved.read_bytes()
    assert page_sizes_mm(pdf) == [A4, A4]
    read = page_qr_codes(pdf)
    assert sorted(qr for p in read for qr in p) == sorted(h["card"]["qr"] for h in registered)


def test_typing_household_numbers_picks_them(
    page: Page,
    make_user: Callable[..., str],
    register: Callable[..., dict[str, Any]],
) -> None:
    chosen, _other = register(member()), register(member())
    log_in(page, make_user("coordinator"))
    page.goto("/cards")
    page.get_by_label("Household numbers").fill(str(chosen["id"]))
    expect(page.get_by_role("radio", name="These households")).to_be_checked()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Make the PDF").click()
    expect(page.locator("#sheet-state")).to_have_text("Ready: 1 of 1 cards.")
    pdf = Path(download_info.value.path()).read_bytes()
    assert page_qr_codes(pdf) == [[chosen["card"]["qr"]]]
