"""Importing a register in a real browser: upload, map, the progress bar, preview, import."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in
from tests.households.test_import import as_csv, people


def test_a_coordinator_imports_a_register_watching_the_progress(  # type: ignore[no-untyped-def]
    page: Page, make_user, screenshot, tmp_path: Path
) -> None:
    register = tmp_path / "register.csv"
    register.write_bytes(as_csv(people(600)))
    log_in(page, make_user("coordinator"))
    page.goto("/households/new")
    page.get_by_role("link", name="Import a register from a spreadsheet").click()
    page.get_by_label("Register (.xlsx or .csv)").set_input_files(register)
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("combobox", name="Given name *", exact=True)).to_have_value("2")
    screenshot(page, "1-columns")
    page.get_by_role("button", name="Check every row").click()
    # static/import.js follows the check and reloads the page with the preview.
    expect(page.get_by_text("Every row is fine: 300 households are ready.")).to_be_visible(
        timeout=60_000
    )
    screenshot(page, "2-preview")
    page.get_by_role("button", name="Import all of it").click()
    expect(page.locator("#import-done")).to_contain_text("300 households imported", timeout=60_000)
    page.get_by_role("searchbox").fill("FA000002")
    page.keyboard.press("Enter")
    expect(page.locator("table")).to_contain_text("GivenC")
