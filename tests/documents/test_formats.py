"""Document numbers typed by hand: the formats of Ukrainian documents and the Romanian
permit, the CNP, and expiry. No app needed."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.documents.cnp import check_cnp
from app.documents.formats import (
    check_document_number,
    expiry_warning,
    is_expired,
    stored_number,
)

PROPERTY = settings(max_examples=300, deadline=None, database=None)


@pytest.mark.parametrize(
    ("type", "number"),
    [
        ("passport", "МЕ123456"),  # booklet, Cyrillic series
        ("passport", "ме 123456"),
        ("passport", "СН-654321"),
        ("passport", "FA123456"),  # for travel abroad, Latin series
        ("passport", "fa 123 456"),
        ("passport", "ME123456"),  # a booklet typed on a Latin keyboard
        ("id_card", "000123456"),
        ("id_card", "001 234 567"),
        ("birth_certificate", "I-БК 123456"),
        ("birth_certificate", "І-БК №123456"),  # Cyrillic І for the numeral
        ("birth_certificate", "II-КИ 654321"),
        ("birth_certificate", "IV-ЖС 000001"),
        ("birth_certificate", "XII-ЯЮ 000001"),
        ("birth_certificate", "i-bk 123456"),  # Latin look-alikes on a Latin keyboard
        ("temporary_protection", "RO0012345"),  # the card's own number
    ],
)
def test_real_looking_ukrainian_numbers_pass(type: str, number: str) -> None:
    assert (
        check_document_number(type, number, "UKR" if type != "temporary_protection" else "ROU")
        is None
    )


@pytest.mark.parametrize(
    ("type", "number", "problem"),
    [
        ("passport", "MЕ123456", "mix the Cyrillic and Latin"),  # Latin M, Cyrillic Е
        ("passport", "МЕ12345", "two letters and six digits"),
        ("passport", "МЕ1234567", "two letters and six digits"),
        ("passport", "М1234567", "two letters and six digits"),
        ("passport", "12345678", "two letters and six digits"),
        ("passport", "123456789", "Ukrainian ID card, not of a passport"),
        ("id_card", "12345678", "9 digits"),
        ("id_card", "1234567890", "9 digits"),
        ("id_card", "20000101-01234", "record number"),
        ("id_card", "FA123456", "of a passport, not of an ID card"),
        ("birth_certificate", "1-БК 123456", "Roman numeral (I, II, III, IV...), not 1"),
        ("birth_certificate", "IIII-БК 123456", "Roman numeral (I, II, III, IV...), not IIII"),
        ("birth_certificate", "БК 123456", "such as I-БК 123456"),
        ("birth_certificate", "I-BD 123456", "two Cyrillic letters"),
        ("birth_certificate", "I-БК 12345", "such as I-БК 123456"),
        ("birth_certificate", "I-Б 123456", "such as I-БК 123456"),
        ("birth_certificate", "123456", "such as I-БК 123456"),
    ],
)
def test_wrong_ukrainian_numbers_say_what_is_wrong(type: str, number: str, problem: str) -> None:
    found = check_document_number(type, number, "ukr")
    assert found is not None and problem in found, found


@pytest.mark.parametrize(
    ("type", "number", "country"),
    [
        ("passport", "AB 1234567", "POL"),
        ("passport", "C01X00T47", "DEU"),
        ("id_card", "RX 123456", "ROU"),
        ("birth_certificate", "III-ЖС 123456 / 2005", "MDA"),
        ("passport", "МЕ12345", "MDA"),
        ("other", "Довідка ВПО 1234-5678", "UKR"),
        ("other", "x", "XXA"),
    ],
)
def test_other_countries_and_other_documents_need_only_printable_text(
    type: str, number: str, country: str
) -> None:
    assert check_document_number(type, number, country) is None


@pytest.mark.parametrize(
    ("number", "problem"),
    [
        ("", "required"),
        ("  - ", "required"),
        ("AB\x00123", "not allowed"),
        ("AB\u200b123", "not allowed"),
        ("A" * 41, "at most 40"),
    ],
)
def test_any_number_must_be_printable_and_short(number: str, problem: str) -> None:
    for type, country in (("other", "UKR"), ("passport", "POL"), ("passport", "UKR")):
        found = check_document_number(type, number, country)
        assert found is not None and problem in found, (type, found)


def test_a_birth_certificate_typed_on_either_keyboard_is_stored_alike() -> None:
    cyrillic = stored_number("birth_certificate", "І-ВК №123456", "UKR")
    latin = stored_number("birth_certificate", "i-bk 123456", "ukr")
    assert cyrillic == latin == "I-ВК 123456"
    assert stored_number("birth_certificate", "ХІ-МО 000001", "UKR") == "XI-МО 000001"


def test_other_numbers_are_only_made_plain() -> None:
    assert stored_number("passport", " me 123-456 ", "UKR") == "ME 123-456"
    assert stored_number("birth_certificate", "i-bk 123456", "MDA") == "I-BK 123456"


# The CNP, written here from its definition, independently of app.documents.cnp.
KEY = "279146358279"
COUNTIES = [*range(1, 47), 51, 52]
FIRST_YEAR = {1: 1900, 2: 1900, 3: 1800, 4: 1800, 5: 2000, 6: 2000, 7: 1950, 8: 1950, 9: 1950}


def cnp_digit(twelve: str) -> str:
    remainder = sum(int(d) * int(k) for d, k in zip(twelve, KEY, strict=True)) % 11
    return "1" if remainder == 10 else str(remainder)


@st.composite
def cnps(draw: st.DrawFn) -> str:
    sex = draw(st.integers(1, 9))
    first = FIRST_YEAR[sex]
    born = draw(st.dates(date(first, 1, 1), date(first + 99, 12, 31)))
    county, serial = draw(st.sampled_from(COUNTIES)), draw(st.integers(1, 999))
    twelve = f"{sex}{born:%y%m%d}{county:02d}{serial:03d}"
    return twelve + cnp_digit(twelve)


@PROPERTY
@given(cnp=cnps())
def test_a_cnp_made_by_the_algorithm_passes(cnp: str) -> None:
    assert check_cnp(cnp) is None
    assert check_document_number("temporary_protection", cnp, "ROU") is None


@PROPERTY
@given(cnp=cnps(), at=st.integers(0, 12), shift=st.integers(1, 9))
def test_one_changed_digit_of_a_cnp_fails(cnp: str, at: int, shift: int) -> None:
    changed = cnp[:at] + str((int(cnp[at]) + shift) % 10) + cnp[at + 1 :]
    remainders = {
        sum(int(d) * int(k) for d, k in zip(number[:12], KEY, strict=True)) % 11
        for number in (cnp, changed)
    }
    # Remainders 1 and 10 are both written 1: the one change the check digit cannot see,
    # unless the change also breaks the date or the county.
    if remainders != {1, 10}:
        assert check_cnp(changed) is not None


def test_the_cnp_check_digit_cannot_tell_remainder_10_from_1() -> None:
    assert check_cnp("1800101420071") is None  # remainder 10, written 1
    assert check_cnp("1800101420061") is None  # one digit changed: remainder 1, also 1


@pytest.mark.parametrize(
    ("cnp", "problem"),
    [
        ("180010112345", "13 digits"),
        ("18001011234A0", "13 digits"),
        ("０８００１０１１２３４５０", "13 digits"),  # full-width digits
        ("0800101123450", "1 to 9, not 0"),
        ("1800231123450", "not a birth date"),
        ("1801301123450", "not a birth date"),
        ("1000229123450", "not a birth date"),  # 1900 was not a leap year
        ("1800101493450", "county code (01-48, 51, 52)"),
        ("1800101530000", "county code"),
        ("1800101120005", "serial number from 001"),
        ("1800101123456", "a digit is mistyped"),
    ],
)
def test_a_wrong_cnp_names_the_wrong_part(cnp: str, problem: str) -> None:
    found = check_cnp(cnp)
    assert found is not None and problem in found, found


def test_a_foreign_residents_cnp_may_be_of_either_century() -> None:
    for twelve in ("700022912345", "800010112345", "905123144001"):
        assert check_cnp(twelve + cnp_digit(twelve)) is None
    twelve = "701022912345"  # 29 February of 1901 or 2001: neither was a leap year
    assert "not a birth date" in (check_cnp(twelve + cnp_digit(twelve)) or "")


def test_the_romanian_permit_asks_for_thirteen_digits_when_only_digits_are_typed() -> None:
    found = check_document_number("temporary_protection", "180010112345", "ROU")
    assert found is not None and "13 digits" in found


def test_a_document_is_valid_through_its_expiry_day() -> None:
    expiry = date(2026, 3, 4)
    assert not is_expired(expiry, expiry - timedelta(days=1))
    assert not is_expired(expiry, expiry)
    assert is_expired(expiry, expiry + timedelta(days=1))
    assert not is_expired(None, date(2099, 1, 1))


def test_an_expired_document_gets_a_warning_naming_the_day() -> None:
    assert expiry_warning(date(2026, 3, 4), date(2026, 3, 4)) is None
    assert expiry_warning(None, date(2026, 3, 5)) is None
    warning = expiry_warning(date(2026, 3, 4), date(2026, 3, 5))
    assert warning is not None and "expired on 04.03.2026" in warning
