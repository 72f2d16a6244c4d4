"""The slip printed from the desk's answer, and the family's own check page on a phone."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in
from tests.conftest import member

Shot = Callable[[Page, str], Path]
PHONE = {"width": 390, "height": 844}
# Headless Chromium has no printer: the page's print() call is counted instead.
COUNT_PRINTS = "window.__prints = 0; window.print = () => { window.__prints += 1; };"
MM = 96 / 25.4  # CSS pixels in a millimetre


def _family(live_server: Any, token_for: Callable[[str], str]) -> dict[str, Any]:
    stock = token_for("stock_manager")
    donated = live_server.request(
        "POST",
        "/api/v1/donations",
        stock,
        {"donor": "WV", "items": [{"sku": "FOOD", "quantity": 5}]},
    )
    assert donated.status == 201
    desk = token_for("volunteer")
    body = {"members": [member(given="Oksana", family="Lysenko", doc="BRSLIP01")]}
    created = live_server.request("POST", "/api/v1/households", desk, body)
    assert created.status == 201, created.body
    return created.body


def test_the_desk_prints_a_slip_in_a_tab_of_its_own_at_80_then_58_mm(
    open_page: Callable[..., Page],
    live_server: Any,
    token_for: Callable[[str], str],
    make_user: Callable[..., str],
    screenshot: Shot,
) -> None:
    family = _family(live_server, token_for)
    desk = open_page()
    desk.context.add_init_script(COUNT_PRINTS)
    log_in(desk, make_user("volunteer"))
    desk.goto("/desk")
    desk.locator("#scan").fill(family["card"]["qr"])
    desk.locator("#scan").press("Enter")
    expect(desk.locator("#panel [data-state=eligible]")).to_be_visible()
    desk.locator("#scan").press("Enter")
    expect(desk.locator("#panel [data-state=served]")).to_be_visible()
    screenshot(desk, "1-served")

    with desk.context.expect_page() as opened:
        desk.keyboard.press("F4")  # the key of the answer's "Print slip" (static/keys.js)
    slip = opened.value
    slip.wait_for_load_state("load")
    expect(slip.locator("#slip .ref")).to_have_text(re.compile(r"^[0-9A-Z]{5}-[0-9A-Z]{5}$"))
    expect(slip.locator("#slip")).to_contain_text("Продуктовий набір")
    expect(slip.locator("#slip")).not_to_contain_text("Oksana")
    expect(slip.locator("#slip")).not_to_contain_text(family["card"]["number"])
    slip.wait_for_function("window.__prints === 1")  # the dialog asked for, once
    for width, height in ((1366, 768), (768, 1024), (390, 844)):
        slip.set_viewport_size({"width": width, "height": height})
        screenshot(slip, f"2-slip-screen-{width}")

    slip.emulate_media(media="print")
    expect(slip.locator(".slip-tools")).to_be_hidden()
    box = slip.locator("#slip").bounding_box()
    assert box is not None and abs(box["width"] - 80 * MM) < 2
    screenshot(slip, "3-slip-print-80")

    slip.emulate_media(media="screen")
    slip.get_by_role("link", name="58 mm roll").click()
    expect(slip).to_have_url(re.compile(r"paper=58"))
    slip.emulate_media(media="print")
    box = slip.locator("#slip").bounding_box()
    assert box is not None and abs(box["width"] - 58 * MM) < 2
    screenshot(slip, "4-slip-print-58")

    # The choice is remembered in this browser: the next slip opens at 58 mm by itself.
    again = desk.context.new_page()
    again.goto(slip.url.split("?")[0])
    expect(again).to_have_url(re.compile(r"paper=58"))
    expect(again.locator('link[href$="slip-58.css"]')).to_have_count(1)

    # The desk went on meanwhile: its scan field takes the next card.
    desk.bring_to_front()
    desk.locator("#scan").fill("0000000000")
    desk.locator("#scan").press("Enter")
    expect(desk.locator("#panel [data-state=unknown]")).to_be_visible()

    # The family quotes the reference in a complaint: the coordinator finds the handover.
    reference = slip.locator("#slip .ref").inner_text()
    office = open_page()
    log_in(office, make_user("coordinator"))
    office.get_by_role("link", name="Slips").click()
    office.get_by_label("The reference on the family's slip").fill(reference.lower())
    office.get_by_role("button", name="Find", exact=True).click()
    expect(office.locator("main")).to_contain_text("Handed over on")
    screenshot(office, "5-found-1366")
    office.get_by_role("link", name="Open the household").click()
    expect(office.locator("main")).to_contain_text("Lysenko")


def test_a_family_checks_its_date_on_its_phone_in_russian_and_ukrainian(
    open_page: Callable[..., Page],
    live_server: Any,
    token_for: Callable[[str], str],
    screenshot: Shot,
) -> None:
    family = _family(live_server, token_for)
    served = live_server.request(
        "POST", "/api/v1/distributions", token_for("volunteer"), {"qr": family["card"]["qr"]}
    )
    assert served.status == 201
    next_day = served.body["next_eligible_on"]
    shown = ".".join(reversed(next_day.split("-")))
    phone = open_page(viewport=PHONE, locale="ru-RU", is_mobile=True, has_touch=True)
    phone.goto("/check")
    expect(phone.locator("h1")).to_have_text("Когда можно прийти снова?")
    screenshot(phone, "1-ru-empty")
    phone.get_by_label("Номер на вашей карте").fill(family["card"]["number"])
    phone.get_by_role("button", name="Проверить").click()
    expect(phone.locator(".answer")).to_have_text(f"Можно прийти снова с {shown}")
    expect(phone.locator("body")).not_to_contain_text("Oksana")
    expect(phone.locator("#number")).to_have_value("")  # the number is not shown back
    screenshot(phone, "2-ru-date")

    phone.get_by_role("link", name="Українська").click()
    # (A barcode or garbage is a 422 with its line: tests/public/test_views.py.)
    phone.get_by_label("Номер на вашій картці").fill(family["card"]["number"])
    phone.get_by_role("button", name="Перевірити").click()
    expect(phone.locator(".answer")).to_have_text(f"Ви можете прийти знову з {shown}")
    screenshot(phone, "3-uk-date")
    for width, height in ((1366, 768), (768, 1024)):
        phone.set_viewport_size({"width": width, "height": height})
        screenshot(phone, f"4-uk-{width}")
