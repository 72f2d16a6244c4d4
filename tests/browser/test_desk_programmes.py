"""Programmes at the desk in a real browser (issue 17): one scan lists every programme the
family is in; a line the family does not take is unticked; Enter hands over the rest; the
family's lines in Ukrainian and Romanian give the next date per programme. At the desk's,
a tablet's and a phone's width."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in
from tests.browser.test_desk_morning import key, scan
from tests.conftest import member

Shot = Callable[[Page, str], Path]
CHILD = {
    "code": "CHILD",
    "name": "Child vouchers",
    "names": {"ro": "Vouchere pentru copii", "uk": "Ваучери на дітей"},
    "period": "month",
    "criteria": {"under_age": 18},
    "entitlements": [{"sku": "BABY", "per": "member", "quantity": 1, "under_age": 18}],
}


@pytest.mark.parametrize("width", [1366, 768, 390])
def test_one_scan_two_programmes_a_line_unticked_and_the_next_dates(
    width: int,
    open_page: Callable[..., Page],
    make_user: Callable[..., str],
    register: Callable[..., dict[str, Any]],
    stock_up: Callable[..., None],
    api: Any,
    screenshot: Shot,
) -> None:
    stock_up(FOOD=5, HYGIENE=5, BABY=5)
    assert api("coordinator").post("/api/v1/programmes", json=CHILD).status_code == 201
    family = register(
        member(given="Oksana", family="Melnyk"),
        member(relationship="child", born="2019-05-01"),
    )
    page = open_page(viewport={"width": width, "height": 900})
    log_in(page, make_user("volunteer"))
    page.goto("/desk")

    answer = scan(page, family["card"]["qr"])
    expect(answer).to_have_attribute("data-state", "eligible")
    expect(answer.locator('[data-programme="REGULAR"] h2')).to_contain_text("Regular visit")
    expect(answer.locator('[data-programme="CHILD"] h2')).to_contain_text("Child vouchers")
    hygiene = answer.locator('input[name=take][value="REGULAR:HYGIENE"]')
    expect(hygiene).to_be_checked()
    screenshot(page, f"eligible-{width}")
    hygiene.uncheck()  # the family has soap enough this time; then Enter, as ever

    done = key(page, "Enter")
    expect(done).to_have_attribute("data-state", "served")
    items = done.locator(".items")
    expect(items).to_contain_text("Food parcel")
    expect(items).not_to_contain_text("Hygiene kit")
    expect(done.locator('.programmes [data-programme="CHILD"]')).to_contain_text("next from")
    expect(done.locator('.beneficiary[lang="uk"]').first).to_contain_text("Звичайна видача")
    expect(done.locator('.beneficiary[lang="uk"]', has_text="Ваучери на дітей")).to_have_count(1)
    expect(done.locator('.beneficiary[lang="ro"]', has_text="Vouchere pentru copii")).to_have_count(
        1
    )
    screenshot(page, f"served-{width}")

    stock = {r["sku"]: r["on_hand"] for r in api("stock_manager").get("/api/v1/stock").get_json()}
    assert (stock["FOOD"], stock["HYGIENE"]) == (4, 5)
    assert stock["BABY"] == 4  # the CHILD programme's one per child (the starting rule: under 2)


@pytest.mark.parametrize("width", [1366, 390])
def test_a_coordinator_adds_a_manual_programme_and_enrols_a_family(
    width: int,
    open_page: Callable[..., Page],
    make_user: Callable[..., str],
    register: Callable[..., dict[str, Any]],
    screenshot: Shot,
) -> None:
    family = register(member(given="Iryna", single_parent=True))
    page = open_page(viewport={"width": width, "height": 900})
    log_in(page, make_user("coordinator"))
    page.goto("/programmes")
    page.get_by_label("Code").fill("single")
    page.get_by_label("Name in EN").fill("Single-parent support")
    page.get_by_label("Name in UK").fill("Підтримка одиноких батьків")
    page.get_by_label("How often").select_option("days")
    page.get_by_label("Days (for every N days)").fill("14")
    page.get_by_label("At most this many visits").fill("12")
    page.get_by_label("Who is in it").select_option("manual")
    page.get_by_role("button", name="Add the programme").click()
    expect(page.locator(".flash, .ok").first).to_contain_text("SINGLE")
    page.goto("/programmes")
    expect(page.locator("#programme-SINGLE")).to_contain_text("every 14 days")
    screenshot(page, f"programmes-{width}")

    page.goto(f"/households/{family['id']}")
    enrolments = page.locator("#enrolments")
    enrolments.get_by_label("Reason").fill("Social worker's assessment, 3 December")
    enrolments.get_by_role("button", name="Enrol").click()
    expect(page.locator("#enrolments")).to_contain_text("Social worker's assessment")
    screenshot(page, f"enrolled-{width}")
