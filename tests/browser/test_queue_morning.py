"""A short morning at the door (issue 18): families arrive, some not yet eligible, one with
no card; two desks call them with F8 and serve them; the hall screen shows the calls without
a sign-in; the coordinator's dashboard shows a sensible wait."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import log_in
from tests.browser.test_desk_morning import (
    PHONE,
    Family,
    as_family,
    key,
    scan,
    served_three_days_ago,
)
from tests.conftest import member

Shot = Callable[[Page, str], Path]


def at_the_door(page: Page, text: str) -> Any:
    page.locator("#scan").fill(text)
    page.locator("#scan").press("Enter")
    return page.locator("#panel .answer")


def call_next(desk: Page, name: str) -> str:
    desk.locator("#desk-name").fill(name)
    desk.locator("#scan").focus()
    desk.keyboard.press("F8")
    called = desk.locator(".queue-call .called[data-called]")
    called.wait_for()
    return called.get_attribute("data-called") or ""


def seen_whole(part: Locator, frame: Locator) -> None:
    """``part`` is drawn inside ``frame``, not cut off at its edge (the hall hides overflow)."""
    inner, outer = part.bounding_box(), frame.bounding_box()
    assert inner and outer
    assert inner["x"] + inner["width"] <= outer["x"] + outer["width"], (inner, outer)
    assert inner["y"] + inner["height"] <= outer["y"] + outer["height"], (inner, outer)


def test_a_short_morning_at_the_door_two_desks_and_the_hall_screen(
    app: Flask,
    open_page: Callable[..., Page],
    make_user: Callable[..., str],
    register: Callable[..., dict[str, Any]],
    stock_up: Callable[..., None],
    api: Any,
    screenshot: Shot,
) -> None:
    early = served_three_days_ago(app, register, stock_up, api)
    stock_up(FOOD=20, HYGIENE=20)
    heads = [member() for _ in range(5)]
    families: list[Family] = [as_family(register(head), [head]) for head in heads]

    # The door, on a phone: four families come in, one is told to come back, one has no card.
    door = open_page(viewport=PHONE)
    log_in(door, make_user("volunteer"))
    door.goto("/queue/door")
    tickets = []
    for family in families:
        answer = at_the_door(door, family.qr)
        expect(answer).to_have_attribute("data-state", "ticket")
        tickets.append(answer.get_attribute("data-ticket"))
    assert tickets == ["A-001", "A-002", "A-003", "A-004", "A-005"]
    screenshot(door, "door-ticket")
    again = at_the_door(door, families[0].number)  # the same card, typed: the same ticket
    expect(again).to_have_attribute("data-ticket", "A-001")
    no = at_the_door(door, early.qr)
    expect(no).to_have_attribute("data-state", "not_today")
    expect(no.locator("[lang=uk] h1")).to_have_text("Не сьогодні")
    expect(no.locator("[lang=ro] h1")).to_have_text("Nu astăzi")
    expect(no.locator("[lang=uk] .come-back")).to_contain_text(re.compile(r"\d\d\.\d\d\.\d{4}"))
    screenshot(door, "door-not-today")
    big = no.locator("[lang=ro] .come-back").evaluate(
        "e => parseFloat(getComputedStyle(e).fontSize)"
    )
    assert big >= 32
    garbage = at_the_door(door, "5901234123457")  # a product's barcode
    expect(garbage).to_have_attribute("data-state", "problem")
    door.get_by_role("button", name="No card: ticket for registration").click()
    expect(door.locator("#panel .answer")).to_have_attribute("data-ticket", "R-001")

    # The coordinator opens the hall screen's link on the TV: no sign-in there.
    board = open_page()
    log_in(board, make_user("coordinator"))
    board.goto("/reports/dashboard")
    hall_url = board.locator("#hall-link").get_attribute("href") or ""
    tv = open_page(viewport={"width": 1920, "height": 1080})
    tv.goto(hall_url)
    expect(tv.locator(".hall-line[data-line=distribution] .waiting")).to_have_text("5")

    # Two desks call with F8 and serve.
    desks = []
    for _ in range(2):
        desk = open_page()
        log_in(desk, make_user("volunteer"))
        desk.goto("/desk")
        desks.append(desk)
    assert call_next(desks[0], "1") == "A-001"
    assert call_next(desks[1], "2") == "A-002"
    expect(tv.locator(".hall-line[data-line=distribution] .hall-call.latest")).to_contain_text(
        "A-002"
    )
    expect(tv.locator(".hall-line[data-line=distribution]")).to_contain_text("A-001")
    screenshot(tv, "hall")
    hall_line = tv.locator(".hall-line[data-line=distribution]")
    seen_whole(hall_line.locator(".hall-call.latest .desk"), hall_line)

    desks[0].locator("#scan").focus()
    answer = scan(desks[0], families[0].qr)
    expect(answer).to_have_attribute("data-state", "eligible")
    done = key(desks[0], "Enter")
    expect(done).to_have_attribute("data-state", "served")
    expect(done.locator(".ticket-closed")).to_contain_text("A-001")
    # Desk 2 called A-002, but the family of A-003 comes: served, with a warning.
    desks[1].locator("#scan").focus()
    scan(desks[1], families[2].qr)
    done = key(desks[1], "Enter")
    expect(done).to_have_attribute("data-state", "served")
    expect(done.locator(".warning")).to_contain_text("A-002")
    screenshot(desks[1], "desk-other-card")
    assert call_next(desks[0], "1") == "A-004"  # A-002 stays called until it goes back
    desks[0].locator("#scan").focus()
    scan(desks[0], families[3].qr)
    expect(key(desks[0], "Enter").locator(".ticket-closed")).to_contain_text("A-004")

    # The hall follows; the dashboard's wait is sensible: one family waits, a few minutes.
    expect(tv.locator(".hall-line[data-line=distribution] .waiting")).to_have_text("1")
    board.reload()
    row = board.locator("#queue-board tr[data-line=distribution]")
    wait = int(row.locator("[data-wait]").inner_text())
    assert 0 <= wait <= 15, wait
    expect(board.locator("#queue-board tr[data-desk='1']")).to_be_visible()
    screenshot(board, "dashboard")
