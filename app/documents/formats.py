"""Document numbers typed by hand, for documents without a machine-readable zone (a Ukrainian
booklet passport, a birth certificate) or read without the reader. Pure: no database.

Only the formats this center sees are checked, each for its issuing country:

=====================  =======  ==========================================================
type                   country  number
=====================  =======  ==========================================================
passport               UKR      2 Cyrillic letters + 6 digits (booklet, МЕ123456) or
                                2 Latin letters + 6 digits (for travel abroad, FA123456)
id_card                UKR      9 digits
birth_certificate      UKR      Roman numeral, dash, 2 Cyrillic letters, 6 digits (I-БК 123456)
temporary_protection   ROU      the holder's CNP (13 digits, checked), or the card's number
anything else                   any printable text: a real document of another country is
                                never refused for its format
=====================  =======  ==========================================================

Spaces, dashes, "/", "." and a "№" are ignored; case does not matter; fullwidth letters and
digits of any script are read as the plain ones (documents.keys.plain).

Latin look-alike letters: on a Ukrainian passport, a series typed on a Latin keyboard
(``ME123456``) is stored as it is typed and not turned Cyrillic, because two Latin letters
are also the form of the passport for travel abroad, and nothing says which of the two the
volunteer holds; the document key (documents.keys) makes both one document either way. A
series mixing the two alphabets (Latin M, Cyrillic Е) is refused at the desk: it can only be
a slip. A birth certificate's series is always Cyrillic, so its Latin look-alikes (``I-KI``)
are accepted and stored_number writes them Cyrillic (``I-КІ 123456``), with the same table of
look-alikes as the key: the volunteer sees what is stored, and ``І-КИ`` typed as ``I-KI`` shows
as the different number ``I-КІ`` instead of passing silently.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date
from typing import Literal

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from app.days import show_day
from app.documents.cnp import check_cnp
from app.documents.keys import compact, plain, to_latin, to_ukrainian

MAX_LENGTH = 40
_CYRILLIC = re.compile(r"[А-ЯЁЄІЇҐ]")
_LATIN = re.compile(r"[A-Z]")
_ROMAN = re.compile(r"^X{0,3}(IX|IV|V?I{0,3})$")
_SERIES_AND_NUMBER = re.compile(r"^(\D{2})(\d{6})$")


def _unprintable(value: str) -> bool:
    return any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn") for ch in value)


def _alphabet(letters: str) -> Literal["cyrillic", "latin"] | None:
    """The alphabet of every letter, cyrillic or latin; None when they mix."""
    if all(_CYRILLIC.fullmatch(ch) for ch in letters):
        return "cyrillic"
    if all(_LATIN.fullmatch(ch) for ch in letters):
        return "latin"
    return None


def _ukrainian_passport(key: str) -> LazyString | None:
    if key.isdigit() and len(key) == 9:
        return _l("nine digits is the number of a Ukrainian ID card, not of a passport")
    match = _SERIES_AND_NUMBER.match(key)
    if match is None or not match.group(1).isalpha():
        return _l(
            "a Ukrainian passport number is two letters and six digits: %(booklet)s (booklet) "
            "or %(abroad)s (passport for travel abroad)",
            booklet="МЕ123456",
            abroad="FA123456",
        )
    if _alphabet(match.group(1)) is None:
        return _l(
            "the two letters of the series mix the Cyrillic and Latin alphabets: type both "
            "in one (%(booklet)s on a booklet, %(abroad)s on a passport for travel abroad)",
            booklet="МЕ",
            abroad="FA",
        )
    return None


def _ukrainian_id_card(key: str) -> LazyString | None:
    if key.isdigit() and len(key) == 9:
        return None
    if key.isdigit() and len(key) == 13:
        return _l(
            "this is the record number (%(record)s, 13 digits); the document number is the "
            "9 digits marked 'Document No.'",
            record="УНЗР",
        )
    if _SERIES_AND_NUMBER.match(key):
        return _l("two letters and six digits is the number of a passport, not of an ID card")
    return _l("a Ukrainian ID card number has 9 digits")


def _ukrainian_birth_certificate(key: str) -> LazyString | None:
    numeral, letters, digits = key[:-8], key[-8:-6], key[-6:]
    if len(key) < 9 or not digits.isdigit() or not letters.isalpha():
        return _l(
            "a birth certificate number is a series (a Roman numeral, a dash and two "
            "Cyrillic letters) and six digits, such as %(example)s",
            example="I-БК 123456",
        )
    if not _ROMAN.match(to_latin(numeral)):
        return _l(
            "the series of a birth certificate begins with a Roman numeral "
            "(I, II, III, IV...), not %(numeral)s",
            numeral=numeral,
        )
    if not _ukrainian(letters):
        return _l("the series of a birth certificate has two Cyrillic letters after the numeral")
    return None


def _romanian_permit(key: str) -> LazyString | None:
    # The CNP stays the same when the permit is renewed, the card's number does not. The
    # card's own number format could not be confirmed, so letters and digits pass as it.
    return check_cnp(key) if key.isdigit() else None


_CHECKS: dict[tuple[str, str], Callable[[str], LazyString | None]] = {
    ("passport", "UKR"): _ukrainian_passport,
    ("id_card", "UKR"): _ukrainian_id_card,
    ("birth_certificate", "UKR"): _ukrainian_birth_certificate,
    ("temporary_protection", "ROU"): _romanian_permit,
}


def check_document_number(type: str, number: str, country: str) -> LazyString | None:
    """What is wrong with a document number typed by hand, or None when it may be saved.

    Every number must be printable text of at most 40 characters; the formats of the table
    above apply only to their type and issuing country (a three-letter code, any case)."""
    if not compact(number):
        return _l("the document number is required")
    if len(plain(number)) > MAX_LENGTH:
        return _l("a document number has at most %(n)s characters", n=MAX_LENGTH)
    if _unprintable(number):
        return _l("the document number contains characters that are not allowed")
    check = _CHECKS.get((type, country.strip().upper()))
    return check(compact(number)) if check else None


def _ukrainian(letters: str) -> bool:
    """Cyrillic letters, once Latin or Greek look-alikes are written as Ukrainian ones."""
    return _alphabet(to_ukrainian(letters)) == "cyrillic"


def stored_number(type: str, number: str, country: str) -> str:
    """The number as it is stored and shown: ``plain`` (digits ASCII, upper case), and for a
    Ukrainian birth certificate the series written as printed, a Latin numeral and Cyrillic
    letters (``i-ki 123456`` → ``I-КІ 123456``), with the key's table of look-alikes, so
    the number shown has the key of the number typed. Others keep their letters as typed."""
    text = plain(number)
    if (type, country.strip().upper()) != ("birth_certificate", "UKR"):
        return text
    key = compact(number)
    numeral, letters, digits = key[:-8], key[-8:-6], key[-6:]
    well_formed = len(key) >= 9 and digits.isdigit() and letters.isalpha()
    if not (well_formed and _ROMAN.match(to_latin(numeral)) and _ukrainian(letters)):
        return text
    return f"{to_latin(numeral)}-{to_ukrainian(letters)} {digits}"


def is_expired(expires_on: date | None, day: date) -> bool:
    """Whether a document has expired on ``day``: it is valid through its expiry date and
    expired from the next day. One without an expiry date (a birth certificate) never is.
    An expired document is still accepted, with a warning (expiry_warning)."""
    return expires_on is not None and day > expires_on


def expiry_warning(expires_on: date | None, day: date) -> LazyString | None:
    """The warning the form shows beside an expired document, or None."""
    if expires_on is None or not is_expired(expires_on, day):
        return None
    return _l(
        "expired on %(day)s: accepted, but ask for a valid document", day=show_day(expires_on)
    )
