"""A family of three registered by keyboard only, counted: the browser test and
scripts/bench_register_browser.py run the same steps.

The head and the spouse are read from their documents' zones (a passport, a Romanian
temporary-protection permit), as a desk reader types them; the child is typed by hand from a
birth certificate. Fields are found by their names, not their labels, so the same steps run
in every language.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from playwright.sync_api import Locator, Page, expect

from tests.documents.mrz_build import Doc, td1, td3


@dataclass(frozen=True)
class Family:
    """The documents of the family: two zones and a birth certificate typed by hand."""

    passport: str
    permit: str
    child_born: date
    certificate: str


def family(run: int = 0) -> Family:
    """The family of run ``run``: its own numbers and days, so runs on one database meet
    neither a registered document nor a likely duplicate."""
    later = timedelta(days=run)
    return Family(
        passport=td3(
            Doc(
                "P",
                "UKR",
                f"FE{123456 + run:06d}",
                "UKR",
                date(1987, 4, 12) + later,
                "F",
                date(2031, 1, 1),
                "HORBACH",
                "IRYNA",
            )
        ),
        # The Romanian temporary-protection permit: a TD1 card issued by ROU to a Ukrainian.
        permit=td1(
            Doc(
                "IR",
                "ROU",
                f"RX{12345 + run:07d}",
                "UKR",
                date(1985, 9, 1) + later,
                "M",
                date(2030, 3, 1),
                "HORBACH",
                "PETRO",
            )
        ),
        child_born=date(2019, 8, 14) + later,
        certificate=f"I-БК {123456 + run:06d}",
    )


@dataclass
class Tally:
    """What the volunteer did: keys pressed by hand, the fields typed by hand, and the
    characters the document reader typed (not the volunteer's work)."""

    keys: int = 0
    typed_fields: list[str] = field(default_factory=list)
    scanned: int = 0


class Hands:
    """The volunteer's keyboard (and the document reader's), counting each key."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.tally = Tally()

    def press(self, key: str, times: int = 1) -> None:
        for _ in range(times):
            self.page.keyboard.press(key)
            self.tally.keys += 1

    def type(self, text: str, name: str) -> None:
        self.page.keyboard.type(text)
        self.tally.keys += len(text)
        self.tally.typed_fields.append(name)

    def scan(self, zone: str) -> None:
        """The reader types each line and an Enter, as a keyboard would."""
        for line in zone.split("\n"):
            self.page.keyboard.type(line)
            self.page.keyboard.press("Enter")
            self.tally.scanned += len(line) + 1


def member(page: Page, index: int) -> Locator:
    return page.locator(f'fieldset.member[data-member="{index}"]')


def by_name(page: Page, name: str) -> Locator:
    return page.locator(f'[name="{name}"]')


def register_family_of_three(
    page: Page,
    documents: Family | None = None,
    before_register: Callable[[Page], object] = lambda page: None,
) -> Tally:
    """From the empty register page to the household page; the page is never reloaded
    until "Register" (a marker set on the page's window must survive every step)."""
    documents = documents or family()
    hands = Hands(page)
    page.evaluate("() => { window.sameRegisterPage = true; }")

    hands.press("F2")  # the head's zone
    expect(by_name(page, "members-0-mrz")).to_be_focused()
    hands.scan(documents.passport)
    hands.press("Control+Enter")
    expect(by_name(page, "members-0-given_name")).to_have_value("Iryna")

    hands.press("F4")  # a member: the focus lands in its first field
    expect(by_name(page, "members-1-given_name")).to_be_focused()
    hands.press("F2")  # this member's zone
    expect(by_name(page, "members-1-mrz")).to_be_focused()
    hands.scan(documents.permit)
    hands.press("Control+Enter")
    expect(by_name(page, "members-1-given_name")).to_have_value("Petro")
    expect(by_name(page, "members-1-relationship")).to_have_value("spouse")

    hands.press("F4")
    expect(by_name(page, "members-2-given_name")).to_be_focused()
    hands.type("Sofiia", "given name")
    hands.press("Tab")
    hands.type("Horbach", "family name")
    hands.press("Tab")
    # Typed as read off the certificate, day first: 14082019 for 14.08.2019.
    hands.type(documents.child_born.strftime("%d%m%Y"), "birth date")
    hands.press("Tab")
    shown = documents.child_born.strftime("%d.%m.%Y")
    expect(by_name(page, "members-2-birth_date")).to_have_value(shown)
    hands.press("ArrowDown")  # the sex: the first choice after "—" (in every language)
    hands.tally.typed_fields.append("sex")
    expect(by_name(page, "members-2-sex")).to_have_value("F")
    hands.press("Tab")
    # Relationship, the two Cyrillic names and the document type keep what the age offers.
    hands.press("Tab", 4)
    expect(by_name(page, "members-2-relationship")).to_have_value("child")
    expect(by_name(page, "members-2-document_type")).to_have_value("birth_certificate")
    expect(by_name(page, "members-2-document_number")).to_be_focused()
    hands.type(documents.certificate, "document number")
    assert page.evaluate("() => window.sameRegisterPage === true"), "the page was reloaded"
    before_register(page)
    hands.press("Enter")  # Enter in a field registers the household
    return hands.tally
