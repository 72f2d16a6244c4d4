"""A day on the floor without silent mistakes, in a real browser: a family told ELIGIBLE is
never dropped by the next scan, a forgotten card is served in one step, a mistyped number is
mended, and the volunteer's pages fit a phone, a small tablet and the laptop in each language.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.desk.models import DeclinedHandover, Distribution
from app.extensions import db
from tests.browser.conftest import SCREENSHOTS, assert_fits_the_screen, log_in
from tests.conftest import member

LANGUAGES = ("en", "ro", "uk")
SIZES = {
    "phone": {"width": 360, "height": 740},
    "phone-390": {"width": 390, "height": 844},
    "tablet": {"width": 768, "height": 1024},
    "laptop": {"width": 1366, "height": 768},
}
# What the volunteer reads, in each language, to check the page speaks it.
ASKED = {
    "en": "Was Olena Koval served?",
    "ro": "A fost servit(ă) Olena Koval?",
    "uk": "Чи обслужено Olena Koval?",
}
HANDED = {
    "en": "Olena Koval: handed over.",
    "ro": "Olena Koval: predat.",
    "uk": "Olena Koval: видано.",
}
LEFT = {
    "en": "Olena Koval: not handed over (the family left).",
    "ro": "Olena Koval: nepredat (familia a plecat).",
    "uk": "Olena Koval: не видано (родина пішла).",
}


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"floor-{name}.png", full_page=True)


def scan(page: Page, text: str) -> None:
    page.locator("#scan").fill(text)
    page.locator("#scan").press("Enter")


def rows(app: Any, model: type) -> list[Any]:
    with app.app_context():
        return list(db.session.scalars(select(model)))


@pytest.fixture
def families(register: Callable[..., dict[str, Any]]) -> tuple[dict[str, Any], dict[str, Any]]:
    return register(member("Olena", "Koval")), register(
        member("Iryna", "Melnyk", born="1975-02-03")
    )


# Each flow in each language, and each at a phone, a small tablet and the laptop.
SPREAD = [("en", "laptop"), ("ro", "tablet"), ("uk", "phone-390"), ("uk", "phone")]


def on_first_screen(page: Page, selector: str, size: str) -> None:
    """Seen without scrolling, down or sideways."""
    box = page.locator(selector).bounding_box()
    viewport = SIZES[size]
    assert box and box["y"] + box["height"] <= viewport["height"], (selector, size, box)
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], (selector, size, box)
    assert_fits_the_screen(page)


@pytest.mark.parametrize(("language", "size"), SPREAD)
def test_the_next_card_waits_until_the_desk_says_whether_the_eligible_family_was_served(
    app, open_page, make_user, families, language, size
) -> None:  # type: ignore[no-untyped-def]
    first, second = families
    page = open_page(locale=language, viewport=SIZES[size])
    log_in_as(page, make_user("volunteer"), language)
    page.goto("/desk")
    scan(page, first["card"]["qr"])
    expect(page.locator("#panel .answer")).to_have_attribute("data-state", "eligible")
    # The bag is handed over, and the next card scanned without Enter: the desk asks first.
    scan(page, second["card"]["qr"])
    expect(page.locator("#panel .answer")).to_have_attribute("data-state", "confirm")
    expect(page.locator("#panel h1")).to_have_text(ASKED[language])
    shot(page, f"{language}-{size}-asked")
    on_first_screen(page, "#confirm-yes button", size)
    on_first_screen(page, "#confirm-no button[value=family_left]", size)
    assert rows(app, Distribution) == []
    page.keyboard.press("Enter")  # yes
    expect(page.locator("#panel .resolved")).to_have_text(HANDED[language])
    expect(page.locator("#panel .answer")).to_have_attribute("data-state", "eligible")
    expect(page.locator("#panel .who")).to_contain_text("Iryna Melnyk")
    assert [d.household_id for d in rows(app, Distribution)] == [first["id"]]
    # This time the family left: the next card (the first family's, again) asks, Esc = no.
    scan(page, first["card"]["qr"])
    expect(page.locator("#panel h1")).to_contain_text("Iryna Melnyk")
    page.keyboard.press("Escape")
    expect(page.locator("#panel .answer")).to_have_attribute("data-state", "just_served")
    assert [(d.household_id, d.reason) for d in rows(app, DeclinedHandover)] == [
        (second["id"], "family_left")
    ]
    assert len(rows(app, Distribution)) == 1


def test_no_is_recorded_with_its_reason_and_the_next_card_answered(
    app, open_page, make_user, families
) -> None:  # type: ignore[no-untyped-def]
    first, second = families
    page = open_page(locale="uk")
    log_in_as(page, make_user("volunteer"), "uk")
    page.goto("/desk")
    scan(page, first["card"]["qr"])
    expect(page.locator("#panel .answer")).to_have_attribute("data-state", "eligible")
    scan(page, second["card"]["qr"])
    expect(page.locator("#panel .answer")).to_have_attribute("data-state", "confirm")
    page.keyboard.press("Escape")
    expect(page.locator("#panel .resolved")).to_have_text(LEFT["uk"])
    expect(page.locator("#panel .who")).to_contain_text("Iryna Melnyk")
    # An item missing, said on the answer itself.
    page.locator("#panel form.decline button[value=item_missing]").click()
    expect(page.locator("#panel .answer")).to_have_attribute("data-state", "declined")
    reasons = sorted((d.household_id, d.reason) for d in rows(app, DeclinedHandover))
    assert reasons == sorted([(first["id"], "family_left"), (second["id"], "item_missing")])
    assert rows(app, Distribution) == []


def test_leaving_the_desk_with_an_answer_pending_asks_first(open_page, make_user, families) -> None:  # type: ignore[no-untyped-def]
    first, _ = families
    page = open_page()
    log_in(page, make_user("volunteer"))
    page.goto("/desk")
    scan(page, first["card"]["qr"])
    expect(page.locator("#panel .answer")).to_have_attribute("data-state", "eligible")
    asked: list[str] = []

    def answer(dialog: Any) -> None:
        asked.append(dialog.type)
        dialog.dismiss()  # stay

    page.on("dialog", answer)
    page.get_by_role("link", name="Register", exact=True).click()
    page.wait_for_timeout(300)
    assert asked == ["beforeunload"]
    expect(page).to_have_url(re.compile(r"/desk$"))


@pytest.mark.parametrize(
    ("language", "size"), [("en", "phone"), ("uk", "tablet"), ("ro", "laptop")]
)
def test_a_family_without_its_card_is_served_from_the_search_in_one_click_and_enter(
    app, open_page, make_user, families, language, size
) -> None:  # type: ignore[no-untyped-def]
    first, _ = families
    page = open_page(locale=language, viewport=SIZES[size])
    log_in_as(page, make_user("volunteer"), language)
    page.goto("/households/search?q=Koval")
    assert_fits_the_screen(page)
    page.locator("form.desk-check button").first.click()
    expect(page.locator("#panel .answer")).to_have_attribute("data-state", "eligible")
    expect(page.locator("#panel .without-card")).to_be_visible()
    shot(page, f"{language}-{size}-without-card")
    on_first_screen(page, "#handover-form button[type=submit]", size)
    page.keyboard.press("Enter")
    expect(page.locator("#panel .answer")).to_have_attribute("data-state", "served")
    (served,) = rows(app, Distribution)
    assert served.household_id == first["id"] and served.without_card


@pytest.mark.parametrize(
    ("language", "size"), [("ro", "phone-390"), ("en", "tablet"), ("uk", "laptop")]
)
def test_check_the_number_keeps_what_was_typed_to_mend_one_digit(
    open_page, make_user, register, language, size
) -> None:  # type: ignore[no-untyped-def]
    number = register()["card"]["number"]
    typo = number[:-1] + str((int(number[-1]) + 1) % 10)
    page = open_page(locale=language, viewport=SIZES[size])
    log_in_as(page, make_user("volunteer"), language)
    page.goto("/desk")
    scan(page, typo)
    expect(page.locator("#panel .answer")).to_have_attribute("data-state", "bad_number")
    expect(page.locator("#scan")).to_have_value(typo)
    expect(page.locator("#scan")).to_be_focused()
    shot(page, f"{language}-{size}-check-the-number")
    on_first_screen(page, "#panel h1", size)
    page.locator("#scan").press("Backspace")
    page.locator("#scan").type(number[-1])
    page.locator("#scan").press("Enter")
    expect(page.locator("#panel .answer")).to_have_attribute("data-state", "eligible")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_volunteers_pages_fit_a_phone_a_small_tablet_and_the_laptop(
    open_page, make_user, families, stock_up, language
) -> None:  # type: ignore[no-untyped-def]
    stock_up()
    first, _ = families
    volunteer = make_user("volunteer")
    wide = []
    for size, viewport in SIZES.items():
        page = open_page(locale=language, viewport=viewport)
        log_in_as(page, volunteer, language)
        for name, path in {
            "desk": "/desk",
            "register": "/households/new",
            "household": f"/households/{first['id']}",
            "search": "/households/search?q=Koval",
            "cards": "/cards",
            "add-member": f"/households/{first['id']}/members/new",
            "password": "/account/password",
            "privacy": "/privacy",
        }.items():
            page.goto(path)
            shot(page, f"{language}-{size}-{name}")
            wide += overflow(page, f"{size} {name}")
        page.goto("/desk")
        scan(page, first["card"]["qr"])
        expect(page.locator("#panel .answer")).to_have_attribute("data-state", "eligible")
        shot(page, f"{language}-{size}-desk-eligible")
        wide += overflow(page, f"{size} desk-eligible")
        # The answer and its action on the first screen, without scrolling.
        button = page.locator("#handover-form button[type=submit]").bounding_box()
        heading = page.locator("#panel h1")
        assert button and button["y"] + button["height"] <= viewport["height"], (size, button)
        assert button["x"] + button["width"] <= viewport["width"], (size, button)
        assert heading.evaluate("h => h.scrollWidth <= h.clientWidth"), size
        page.context.close()
    assert wide == [], "\n".join(wide)


def overflow(page: Page, name: str) -> list[str]:
    try:
        assert_fits_the_screen(page)
    except AssertionError as problem:
        return [f"{name}: {problem}"]
    return []


def log_in_as(page: Page, username: str, language: str) -> None:
    log_in(page, username) if language == "en" else log_in_localised(page, username)


def log_in_localised(page: Page, username: str) -> None:
    from tests.conftest import PASSWORD

    page.goto("/login")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("input[name=password]").press("Enter")
    expect(page.locator("header.top .who")).to_contain_text(username)


def test_without_the_pages_script_the_desk_asks_too(app, open_page, make_user, families) -> None:  # type: ignore[no-untyped-def]
    first, second = families
    page = open_page(java_script_enabled=False)
    log_in(page, make_user("volunteer"))
    page.goto("/desk")
    scan(page, first["card"]["qr"])
    expect(page.locator("#panel .answer")).to_have_attribute("data-state", "eligible")
    scan(page, second["card"]["qr"])
    expect(page.locator("#panel h1")).to_have_text(ASKED["en"])
    # The focus is on "Yes, handed over" (autofocus): wait for it, as the volunteer sees it,
    # before Enter (pressed before the page had focused it, Enter once went nowhere).
    expect(page.locator("#panel button.primary.big")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#panel .resolved")).to_have_text(HANDED["en"])
    expect(page.locator("#panel .who")).to_contain_text("Iryna Melnyk")
    assert [d.household_id for d in rows(app, Distribution)] == [first["id"]]
