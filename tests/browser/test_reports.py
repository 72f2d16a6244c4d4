"""The coordinator's dashboard and charts in a real browser: the figures update by themselves
while a desk hands over, and every chart is drawn with its table of numbers."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in
from tests.conftest import member

Shot = Callable[[Page, str], Path]


def test_the_dashboard_updates_without_a_reload_and_the_charts_draw(
    page: Page,
    make_user: Callable[..., str],
    register: Callable[..., dict[str, Any]],
    api: Callable[[str], Any],
    stock_up: Callable[..., None],
    screenshot: Shot,
) -> None:
    stock_up()
    desk = api("volunteer")
    family = register(member(), member(relationship="child", born="2020-02-02", sex="M"))
    single = register(member(given="Iryna", born="1950-05-05"))
    assert desk.post("/api/v1/distributions", json={"qr": family["card"]["qr"]}).status_code == 201

    log_in(page, make_user("coordinator"))
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    expect(page).to_have_url(re.compile(r"/reports/dashboard$"))
    page.goto("/reports/dashboard?poll=2")
    served = page.locator('[data-live="households_served"]')
    people = page.locator('[data-live="people_served"]')
    expect(served).to_have_text("1")
    expect(people).to_have_text("2")
    expect(page.locator('[data-live="new_households"]')).to_have_text("2")
    expect(page.locator('[data-live="cards_issued"]')).to_have_text("2")
    page.evaluate("() => { window.__notReloaded = true; }")
    screenshot(page, "1-dashboard")

    # A desk hands over while the coordinator watches: the page follows within a poll.
    assert desk.post("/api/v1/distributions", json={"qr": single["card"]["qr"]}).status_code == 201
    expect(served).to_have_text("2", timeout=8000)
    expect(people).to_have_text("3")
    assert page.evaluate("() => window.__notReloaded === true"), "the page was reloaded"
    desks = page.locator('[data-live-rows="per_desk"] tr')
    expect(desks).to_have_count(1)
    expect(desks.first.locator("td.num")).to_have_text("2")
    screenshot(page, "2-dashboard-updated")

    page.get_by_role("link", name="Charts").first.click()
    expect(page).to_have_url(re.compile(r"/reports/charts"))
    charts = page.locator("svg.chart")
    expect(charts).to_have_count(4)
    served_chart = page.locator("#chart-served")
    expect(served_chart.locator("svg rect").first).to_be_visible()
    expect(served_chart.locator("table tbody tr")).to_have_count(30)
    # The numbers start folded; households and people are not added up (no "Total").
    expect(served_chart.locator("table")).to_be_hidden()
    served_chart.locator("summary").click()
    assert served_chart.locator("table tbody tr").last.locator("td").all_inner_texts() == [
        "2",
        "3",
    ]
    screenshot(page, "3-charts")
    page.get_by_label("Days").select_option("90")
    page.get_by_role("button", name="Show").click()
    expect(served_chart.locator("table tbody tr")).to_have_count(90)
    screenshot(page, "4-charts-90-days")


def test_the_period_report_page_shows_the_figures_and_downloads_the_workbook(
    page: Page,
    make_user: Callable[..., str],
    register: Callable[..., dict[str, Any]],
    api: Callable[[str], Any],
    screenshot: Shot,
    tmp_path: Path,
) -> None:
    desk = api("volunteer")
    for given in ("Olena", "Iryna", "Oksana"):
        household = register(member(given=given))
        assert (
            desk.post("/api/v1/distributions", json={"qr": household["card"]["qr"]}).status_code
            == 201
        )
    log_in(page, make_user("coordinator"))
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Reports").click()
    expect(page).to_have_url(re.compile(r"/reports/period$"))
    page.get_by_role("button", name="Show").click()
    figures = page.locator("table.figures")
    expect(figures.locator("tr", has_text="Visits").locator("td")).to_have_text("3")
    expect(figures.locator("tr", has_text="Distinct people").locator("td")).to_have_text("3")
    screenshot(page, "1-period")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download Excel").click()
    download = download_info.value
    assert re.fullmatch(
        r"aiddesk-period-all-\d{4}-\d\d-01-\d{4}-\d\d-\d\d\.xlsx", download.suggested_filename
    )
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    summary = {
        r[0]: r[1] for r in openpyxl.load_workbook(saved)["Summary"].iter_rows(values_only=True)
    }
    assert summary["Visits"] == 3
