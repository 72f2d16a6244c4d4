"""The document key: one document, whatever the keyboard (pure, no app)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.documents.formats import stored_number
from app.documents.keys import LOOK_ALIKES, document_key, plain, turned_cyrillic

# Every script's zero, from Unicode itself: a digit of any of them is that ASCII digit.
ZEROS = [chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) == "Nd"][::10]


@pytest.mark.parametrize(
    "typed",
    [
        "FA123456",
        "FA１２３４５６",  # fullwidth digits
        "ＦＡ１２３４５６",  # fullwidth letters too
        "FA١٢٣٤٥٦",  # Arabic-Indic digits
        "FA۱۲۳۴۵۶",  # Extended Arabic-Indic (Persian) digits
        "FA१२३४५६",  # Devanagari digits
        "F\u0410123456",  # Cyrillic А
        "F\u0391123456",  # Greek Alpha
        "FA/123456",
        "FA.123.456",
        "FA-123 456",
        "fa 123–456",  # en dash
        " № FA 123456 ",
        "FA\u00a0123456",  # no-break space
        "ｆａ／１２３４５６",
    ],
)
def test_every_keyboard_gives_the_one_key(typed: str) -> None:
    assert document_key(typed) == "FA123456"


def test_every_decimal_digit_of_every_script_is_its_ascii_digit() -> None:
    for zero in ZEROS:
        digits = "".join(chr(ord(zero) + i) for i in range(10))
        assert document_key("X" + digits) == "X0123456789", hex(ord(zero))


@pytest.mark.parametrize(("latin", "others"), sorted(LOOK_ALIKES.items()))
def test_look_alike_letters_meet_on_the_latin_one_either_way(latin: str, others: str) -> None:
    for other in others:
        assert document_key(f"{other}1") == document_key(f"{latin}1") == f"{latin}1"
        assert document_key(f"{other.lower()}1") == f"{latin}1", other


def test_letters_that_only_sound_alike_stay_apart() -> None:
    assert document_key("І-КИ 123456") != document_key("I-KI 123456")
    assert document_key("БК123456") == "БK123456"  # Б looks like no Latin letter
    assert document_key("FA123456") != document_key("FA123457")


def test_nfkc_folds_compatibility_forms() -> None:
    assert document_key("ﬁ12") == "FI12"  # a ligature is its letters
    assert document_key("Ⅻ-БК 000001") == "XIIБK000001"  # a Roman numeral sign is its letters
    assert plain("ＦＡ１２ ３４") == "FA12 34"


def test_plain_keeps_letters_in_their_alphabet_and_shows_what_is_keyed() -> None:
    assert plain("  fа  123\t456 ") == "FА 123 456"  # the Cyrillic а stays Cyrillic
    assert plain("№ 123") == "123"


def test_a_latin_birth_certificate_series_is_stored_in_cyrillic_with_the_same_key() -> None:
    stored = stored_number("birth_certificate", "i-ki 123456", "UKR")
    assert stored == "I-КІ 123456"  # Cyrillic К and І, a Latin numeral
    assert document_key(stored) == document_key("І-КІ 123456") == document_key("I-KI 123456")
    assert stored_number("birth_certificate", "ІІ-ВК №１２３４５６", "ukr") == "II-ВК 123456"
    # Not a Ukrainian birth certificate, or not its format: only made plain.
    assert stored_number("birth_certificate", "i-ki 123456", "MDA") == "I-KI 123456"
    assert stored_number("passport", "me １２３４５６", "UKR") == "ME 123456"
    assert stored_number("birth_certificate", "I-QW 123456", "UKR") == "I-QW 123456"


number_text = st.text(
    alphabet=st.sampled_from(
        "FAMEKIXBCOPTHY0123456789АВЕКМНОРСТХІУБИ١٢٣０１ＡＦΑΚΜ -/.№ ІКИ" + "".join(LOOK_ALIKES)
    ),
    max_size=20,
)


@given(number_text, st.sampled_from(["passport", "birth_certificate", "other"]))
def test_the_stored_number_has_the_key_of_the_typed_one(number: str, type: str) -> None:
    stored = stored_number(type, number, "UKR")
    assert document_key(stored) == document_key(number)
    assert document_key(document_key(number)) == document_key(number)
    assert plain(stored) == stored


def test_latin_letters_stored_cyrillic_are_told_apart_from_a_numeral_or_digits() -> None:
    assert turned_cyrillic("i-ki 123456", "I-КІ 123456")
    assert not turned_cyrillic("І-КИ 123456", "I-КИ 123456")  # only the numeral: one convention
    assert not turned_cyrillic("FA١٢٣٤٥٦", "FA123456")
