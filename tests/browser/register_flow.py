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
from datetime import date

from playwright.sync_api import Locator, Page, expect

from tests.documents.mrz_build import Doc, td1, td3

PASSPORT = td3(
    Doc("P", "UKR", "FE123456", "UKR", date(1987, 4, 12), "F", date(2031, 1, 1), "HORBACH", "IRYNA")
)
# The Romanian temporary-protection permit: a TD1 card issued by ROU to a Ukrainian.
PERMIT = td1(
    Doc(
        "IR", "ROU", "RX0012345", "UKR", date(1985, 9, 1), "M", date(2030, 3, 1), "HORBACH", "PETRO"
    )
)
CHILD_BORN = "14082019"  # typed as the volunteer reads it off the certificate: 14.08.2019
CHILD_CERTIFICATE = "I-БК 123456"


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
    page: Page, before_register: Callable[[Page], object] = lambda page: None
) -> Tally:
    """From the empty register page to the household page; the page is never reloaded
    until "Register" (a marker set on the page's window must survive every step)."""
    hands = Hands(page)
    page.evaluate("() => { window.sameRegisterPage = true; }")

    hands.press("F2")  # the head's zone
    expect(by_name(page, "members-0-mrz")).to_be_focused()
    hands.scan(PASSPORT)
    hands.press("Control+Enter")
    expect(by_name(page, "members-0-given_name")).to_have_value("Iryna")

    hands.press("F4")  # a member: the focus lands in its first field
    expect(by_name(page, "members-1-given_name")).to_be_focused()
    hands.press("F2")  # this member's zone
    expect(by_name(page, "members-1-mrz")).to_be_focused()
    hands.scan(PERMIT)
    hands.press("Control+Enter")
    expect(by_name(page, "members-1-given_name")).to_have_value("Petro")
    expect(by_name(page, "members-1-relationship")).to_have_value("spouse")

    hands.press("F4")
    expect(by_name(page, "members-2-given_name")).to_be_focused()
    hands.type("Sofiia", "given name")
    hands.press("Tab")
    hands.type("Horbach", "family name")
    hands.press("Tab")
    hands.type(CHILD_BORN, "birth date")
    hands.press("Tab")
    expect(by_name(page, "members-2-birth_date")).to_have_value("14.08.2019")
    hands.press("ArrowDown")  # the sex: the first choice after "—" (in every language)
    hands.tally.typed_fields.append("sex")
    expect(by_name(page, "members-2-sex")).to_have_value("F")
    hands.press("Tab")
    # Relationship, the two Cyrillic names and the document type keep what the age offers.
    hands.press("Tab", 4)
    expect(by_name(page, "members-2-relationship")).to_have_value("child")
    expect(by_name(page, "members-2-document_type")).to_have_value("birth_certificate")
    expect(by_name(page, "members-2-document_number")).to_be_focused()
    hands.type(CHILD_CERTIFICATE, "document number")
    assert page.evaluate("() => window.sameRegisterPage === true"), "the page was reloaded"
    before_register(page)
    hands.press("Enter")  # Enter in a field registers the household
    return hands.tally
