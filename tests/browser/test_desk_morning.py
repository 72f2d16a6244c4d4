"""A desk morning in a real browser: thirty families in a row at one desk, with the mistakes
of a real queue (a forgotten card, a missed Enter, a refused handover, a wrong digit, a card
scanned twice, a family turned away, part of the morning on a phone), and a ledger kept by the
test of what should have happened. At the end the day's counts page, the API's daily report,
the day's Excel file and the stock on hand must all tell the ledger's story, to the unit.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
from flask import Flask
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import log_in
from tests.conftest import TZ, member

FAMILIES = 30
PHONE = {"width": 390, "height": 844}
# Stock for the morning: food for everyone, hygiene kits running out before the end.
FOOD, HYGIENE = 40, 20
SEXES = {"Female": "F", "Male": "M", "Other": "X"}  # as the counts page and the Excel say
Shot = Callable[[Page, str], Path]


def site_today() -> date:
    return datetime.now(ZoneInfo(TZ)).date()


@dataclass
class Family:
    id: int
    qr: str
    number: str
    head: str
    sexes: tuple[str, ...]  # of each member, as registered

    @property
    def people(self) -> int:
        return len(self.sexes)


@dataclass
class Ledger:
    """What the morning should have recorded, kept as the test plays it."""

    on_hand: dict[str, int]
    served: list[int] = field(default_factory=list)
    people: int = 0
    by_sex: Counter[str] = field(default_factory=Counter)
    without_card: int = 0
    declined: Counter[str] = field(default_factory=Counter)
    refused: set[int] = field(default_factory=set)
    items: Counter[str] = field(default_factory=Counter)

    def hand_over(self, family: Family, *, without_card: bool = False) -> None:
        assert family.id not in self.served, "the test itself serves a family twice"
        self.served.append(family.id)
        self.people += family.people
        self.by_sex.update(family.sexes)
        self.without_card += without_card
        for sku in ("FOOD", "HYGIENE"):  # one of each per household; none once it runs out
            if self.on_hand[sku] > 0:
                self.on_hand[sku] -= 1
                self.items[sku] += 1


# --- The desk, as a volunteer works it --------------------------------------------------------


def answer_after(page: Page, act: Callable[[], None]) -> Locator:
    """Do what the volunteer does, and return the answer that replaces the one on screen."""
    page.evaluate("() => document.querySelector('#panel .answer')?.setAttribute('data-old', '')")
    act()
    answer = page.locator("#panel .answer:not([data-old])")
    answer.wait_for()
    return answer


def scan(page: Page, text: str) -> Locator:
    """The USB scanner types the card's text and Enter, into whatever has the focus."""

    def type_it() -> None:
        page.keyboard.type(text)
        page.keyboard.press("Enter")

    return answer_after(page, type_it)


def key(page: Page, name: str) -> Locator:
    return answer_after(page, lambda: page.keyboard.press(name))


def eligible(page: Page, family: Family) -> Locator:
    answer = scan(page, family.qr)
    expect(answer).to_have_attribute("data-state", "eligible")
    expect(answer.locator(".who")).to_contain_text(family.head)
    return answer


def served(answer: Locator, family: Family, ledger: Ledger, *, without_card: bool = False) -> None:
    """HANDED OVER on screen, with what was there to give: then it goes into the ledger."""
    expect(answer).to_have_attribute("data-state", "served")
    expect(answer.locator(".who")).to_have_text(family.head)
    hygiene = "1 × Hygiene kit" if ledger.on_hand["HYGIENE"] > 0 else "none left"
    expect(answer.locator(".items li", has_text="Hygiene kit")).to_contain_text(hygiene)
    ledger.hand_over(family, without_card=without_card)


def serve(page: Page, family: Family, ledger: Ledger) -> None:
    """Scan, ELIGIBLE, Enter: handed over."""
    eligible(page, family)
    served(key(page, "Enter"), family, ledger)


def not_yet(page: Page, family: Family) -> None:
    answer = scan(page, family.qr)
    expect(answer).to_have_attribute("data-state", "not_yet")
    expect(answer.locator(".who")).to_have_text(family.head)


# --- The families -----------------------------------------------------------------------------


def register_families(register: Callable[..., dict[str, Any]]) -> list[Family]:
    families = []
    for n in range(FAMILIES):
        head = member(given="Solomiia", family="Yatsenko") if n == 12 else member()
        # One to three adults: no children or elders, whose vouchers are scanned by serial.
        others = [
            member(relationship=relationship, sex=sex)
            for relationship, sex in [("spouse", "M"), ("sibling", "X")][: n % 3]
        ]
        families.append(as_family(register(head, *others), [head, *others]))
    return families


def as_family(household: dict[str, Any], members: list[dict[str, Any]]) -> Family:
    card = household["card"]
    name = f"{members[0]['given_name']} {members[0]['family_name']}"
    sexes = tuple(m["sex"] for m in members)
    return Family(household["id"], card["qr"], card["number"], name, sexes)


def served_three_days_ago(
    app: Flask, register: Callable[..., dict[str, Any]], stock_up: Callable[..., None], api: Any
) -> Family:
    """A family registered and served three days ago, through the API, on the app's clock."""
    moment = datetime.combine(site_today() - timedelta(days=3), time(12), tzinfo=ZoneInfo(TZ))
    app.config["CLOCK"] = lambda: moment.astimezone(UTC)
    try:
        stock_up(FOOD=1, HYGIENE=1)
        head = member()
        family = as_family(register(head), [head])
        handed = api("volunteer").post("/api/v1/distributions", json={"qr": family.qr})
        assert handed.status_code == 201, handed.text
    finally:
        app.config.pop("CLOCK")
    return family


def stock(live_server: Any, token: str) -> dict[str, int]:
    answer = live_server.request("GET", "/api/v1/stock", token)
    assert answer.status == 200, answer.body
    return {row["sku"]: row["on_hand"] for row in answer.body}


# --- The morning ------------------------------------------------------------------------------


def test_a_desk_morning_of_thirty_families_adds_up_in_the_counts_the_api_and_the_excel(
    app: Flask,
    live_server: Any,
    open_page: Callable[..., Page],
    make_user: Callable[..., str],
    register: Callable[..., dict[str, Any]],
    stock_up: Callable[..., None],
    api: Any,
    token_for: Callable[[str], str],
    screenshot: Shot,
    tmp_path: Path,
) -> None:
    early = served_three_days_ago(app, register, stock_up, api)
    families = register_families(register)
    stock_up(FOOD=FOOD, HYGIENE=HYGIENE)
    stock_token = token_for("stock_manager")
    before = stock(live_server, stock_token)
    assert (before["FOOD"], before["HYGIENE"]) == (FOOD, HYGIENE)
    ledger = Ledger(on_hand=dict(before))
    f = families

    volunteer = make_user("volunteer")
    desk = open_page()
    log_in(desk, volunteer)
    desk.goto("/desk")
    expect(desk.locator("#scan")).to_be_focused()

    serve(desk, f[0], ledger)
    serve(desk, f[1], ledger)
    # Served three days ago: turned away at the desk, and counted as refused.
    not_yet(desk, early)
    ledger.refused.add(early.id)
    serve(desk, f[2], ledger)

    # A missed Enter: the bag is handed over and the next card scanned straight away.
    eligible(desk, f[3])
    answer = scan(desk, f[4].qr)
    expect(answer).to_have_attribute("data-state", "confirm")
    expect(answer.locator("h1")).to_have_text(f"Was {f[3].head} served?")
    screenshot(desk, "1-was-it-served")
    answer = key(desk, "Enter")  # yes
    ledger.hand_over(f[3])
    expect(answer.locator(".resolved")).to_have_text(f"{f[3].head}: handed over.")
    expect(answer).to_have_attribute("data-state", "eligible")
    expect(answer.locator(".who")).to_contain_text(f[4].head)
    served(key(desk, "Enter"), f[4], ledger)

    serve(desk, f[5], ledger)
    # A refused handover: ELIGIBLE, and the family leaves without its parcel.
    eligible(desk, f[6])
    answer = answer_after(
        desk, lambda: desk.locator("#panel form.decline button[value=family_left]").click()
    )
    expect(answer).to_have_attribute("data-state", "declined")
    ledger.declined["family_left"] += 1
    serve(desk, f[7], ledger)

    # A wrong digit: the number stays in the field, one digit is mended, not all retyped.
    last = f[8].number[-1]
    answer = scan(desk, f[8].number[:-1] + str((int(last) + 1) % 10))
    expect(answer).to_have_attribute("data-state", "bad_number")
    expect(desk.locator("#scan")).to_have_value(f[8].number[:-1] + str((int(last) + 1) % 10))
    screenshot(desk, "2-check-the-number")
    desk.keyboard.press("Backspace")
    answer = scan(desk, last)
    expect(answer).to_have_attribute("data-state", "eligible")
    expect(answer.locator(".who")).to_contain_text(f[8].head)
    served(key(desk, "Enter"), f[8], ledger)

    serve(desk, f[9], ledger)
    serve(desk, f[10], ledger)
    # The same card scanned again on the way out: no second parcel, no refusal.
    answer = scan(desk, f[10].qr)
    expect(answer).to_have_attribute("data-state", "just_served")
    serve(desk, f[11], ledger)

    # A forgotten card: found by name in the search box, checked at the desk, Enter.
    desk.locator("header form.search input[name=q]").click()
    desk.keyboard.type("Yatsenko")
    desk.keyboard.press("Enter")
    results = desk.locator("form.desk-check")
    expect(results).to_have_count(1)
    results.get_by_role("button", name="Check at the desk").click()
    answer = desk.locator("#panel .answer")
    expect(answer).to_have_attribute("data-state", "eligible")
    expect(answer.locator(".without-card")).to_be_visible()
    expect(desk.locator("#handover-form button[type=submit]")).to_be_focused()
    screenshot(desk, "3-without-the-card")
    served(key(desk, "Enter"), f[12], ledger, without_card=True)

    serve(desk, f[13], ledger)
    # Another missed Enter, and this time the family had left: Esc.
    eligible(desk, f[14])
    answer = scan(desk, f[15].qr)
    expect(answer.locator("h1")).to_have_text(f"Was {f[14].head} served?")
    answer = key(desk, "Escape")
    ledger.declined["family_left"] += 1
    expect(answer.locator(".resolved")).to_have_text(
        f"{f[14].head}: not handed over (the family left)."
    )
    expect(answer.locator(".who")).to_contain_text(f[15].head)
    served(key(desk, "Enter"), f[15], ledger)

    serve(desk, f[16], ledger)
    # An item missing: not handed over; the family waits and is served at the end.
    eligible(desk, f[17])
    answer = answer_after(
        desk, lambda: desk.locator("#panel form.decline button[value=item_missing]").click()
    )
    expect(answer).to_have_attribute("data-state", "declined")
    ledger.declined["item_missing"] += 1
    serve(desk, f[18], ledger)
    # The family turned away comes back to the queue: still not yet, refused once for the day.
    not_yet(desk, early)
    serve(desk, f[19], ledger)

    # The laptop's battery: the same volunteer goes on with a phone.
    phone = open_page(viewport=PHONE)
    log_in(phone, volunteer)
    phone.goto("/desk")
    for family in f[20:24]:
        serve(phone, family, ledger)
    answer = scan(phone, f[23].qr)
    expect(answer).to_have_attribute("data-state", "just_served")
    screenshot(phone, "4-phone")
    serve(phone, f[24], ledger)
    phone.context.close()

    for family in (*f[25:], f[17]):
        serve(desk, family, ledger)
    # Every card was settled: nothing pending, nothing asked when the desk is left.
    expect(desk.locator("#panel .answer")).to_have_attribute("data-state", "served")

    assert len(ledger.served) == FAMILIES - 2  # f[6] and f[14] left without their parcels
    assert ledger.on_hand["HYGIENE"] == 0  # the kits ran out during the morning
    check_the_day(live_server, open_page, make_user, token_for, ledger, screenshot, tmp_path)
    after = stock(live_server, stock_token)
    assert {sku: before[sku] - after[sku] for sku in before} == {
        sku: ledger.items[sku] for sku in before
    }


# --- The coordinator's view of the day --------------------------------------------------------


def check_the_day(
    live_server: Any,
    open_page: Callable[..., Page],
    make_user: Callable[..., str],
    token_for: Callable[[str], str],
    ledger: Ledger,
    screenshot: Shot,
    tmp_path: Path,
) -> None:
    today = site_today()
    figures = {
        "Households served": len(ledger.served),
        "People served": ledger.people,
        "New households": FAMILIES,
        "Households refused": len(ledger.refused),
        "Served without the card": ledger.without_card,
        "Not handed over: the family left": ledger.declined["family_left"],
        "Not handed over: an item was missing": ledger.declined["item_missing"],
    }
    items = dict(sorted((sku, n) for sku, n in ledger.items.items() if n))
    sexes = {sex: ledger.by_sex[sex] for sex in SEXES.values()}

    report = live_server.request("GET", "/api/v1/reports/daily", token_for("coordinator"))
    assert report.status == 200, report.body
    body = report.body
    assert body["date"] == today.isoformat()
    assert {
        "Households served": body["households_served"],
        "People served": body["people_served"],
        "New households": body["new_households"],
        "Households refused": body["households_refused"],
        "Served without the card": body["served_without_card"],
        "Not handed over: the family left": body["households_declined"]["family_left"],
        "Not handed over: an item was missing": body["households_declined"]["item_missing"],
    } == figures
    assert {line["sku"]: line["quantity"] for line in body["items"]} == items
    by_sex: Counter[str] = Counter()
    for line in body["by_sex_age"]:
        by_sex[line["sex"]] += line["people"]
    assert +by_sex == ledger.by_sex

    page = open_page()
    log_in(page, make_user("coordinator"))
    page.goto("/reports/today")
    # The double services' row (a link to their list, decision 0029) is the offline desk's.
    shown = page.locator("table.figures tr:not(:has(a))")
    expect(shown).to_have_count(len(figures))
    on_page = {
        row.locator("th").inner_text(): int(row.locator("td").inner_text()) for row in shown.all()
    }
    assert on_page == figures
    item_rows = page.locator("h2:has-text('Items handed over') + table tbody tr")
    assert {  # item name, SKU, quantity
        row.locator("td").nth(1).inner_text(): int(row.locator("td").nth(2).inner_text())
        for row in item_rows.all()
    } == items
    sex_rows = page.locator("h2:has-text('People served by sex and age') + table tbody tr")
    assert {
        SEXES[row.locator("th").inner_text()]: int(row.locator("td").last.inner_text())
        for row in sex_rows.all()
    } == sexes
    screenshot(page, "5-counts")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download Excel").click()
    saved = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(saved)
    rows = sheet_rows(saved)
    cells = {row[0]: row[1] for row in reversed(rows) if len(row) > 1}  # label: its value
    assert {label: cells[label] for label in figures} == figures
    assert {sku: cells[sku] for sku in items} == items
    totals = {row[0]: row[-1] for row in rows if row[0] in SEXES}  # the Total column
    assert {SEXES[label]: total for label, total in totals.items()} == sexes
    assert cells["Date"] == datetime.combine(today, time())  # a date cell, read back


def sheet_rows(xlsx: Path) -> list[list[Any]]:
    """The sheet's rows, each the values of its cells up to its last filled one."""
    workbook = openpyxl.load_workbook(xlsx)
    try:
        sheet = workbook.active
        assert sheet is not None
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        return [
            row[: max(i for i, v in enumerate(row) if v is not None) + 1]
            for row in rows
            if any(v is not None for v in row)
        ]
    finally:
        workbook.close()
