"""The key of a document number: what "the same document" compares, whatever the keyboard.

A number reaches the center typed on a Ukrainian, Romanian or phone keyboard, pasted from a
scan, or read from a spreadsheet: ``FA123456`` also arrives as ``FA１２３４５６`` (fullwidth),
``FA١٢٣٤٥٦`` (Arabic-Indic digits), ``FА123456`` (a Cyrillic А) or ``FA/123456``. Each must be
the one document, or the same person gets a second card. The key:

1. folds compatibility forms (Unicode NFKC: fullwidth letters and digits, ligatures),
2. writes every decimal digit of any script as its ASCII digit,
3. is upper case,
4. writes each Latin, Cyrillic or Greek letter that looks like another as the Latin one
   (``LOOK_ALIKES``), so ``FА`` and ``FA``, ``І-КІ`` and ``I-KI`` meet,
5. drops separators: spaces, dashes, ``/``, ``.`` and ``№``.

The key is never shown; the number is stored as typed, folded by ``plain`` (and for some
documents written in their own alphabet, documents.formats.stored_number), so what the
volunteer sees is what the key was made from. Pure: no database, no app.
"""

from __future__ import annotations

import re
import unicodedata

# Upper-case letters that look alike, the Latin one first: each is keyed as the Latin one.
LOOK_ALIKES: dict[str, str] = {
    "A": "АΑ",
    "B": "ВΒ",
    "C": "С",
    "E": "ЕΕ",
    "H": "НΗ",
    "I": "ІΙӀ",
    "J": "Ј",
    "K": "КΚ",
    "M": "МΜ",
    "N": "Ν",
    "O": "ОΟ",
    "P": "РΡ",
    "Q": "Ԛ",
    "S": "Ѕ",
    "T": "ТΤ",
    "W": "Ԝ",
    "X": "ХΧ",
    "Y": "УΥҮ",
    "Z": "Ζ",
    "Ï": "ЇΪ",
    "Ë": "Ё",
}
_TO_LATIN = str.maketrans({ch: latin for latin, others in LOOK_ALIKES.items() for ch in others})
# Letters of the Ukrainian alphabet, for a series that is always Cyrillic (birth certificates).
UKRAINIAN = "АБВГҐДЕЄЖЗИІЇЙКЛМНОПРСТУФХЦЧШЩЬЮЯ"
_TO_UKRAINIAN = str.maketrans(
    {latin: ch for latin, others in LOOK_ALIKES.items() for ch in others if ch in UKRAINIAN}
)
_SEPARATORS = re.compile(r"[\s\-‐-―−/⁄∕.]")
_NUMERO = "№"  # NFKC would make it "No": a mark, not part of the number


def _ascii_digit(ch: str) -> str:
    return str(unicodedata.decimal(ch)) if unicodedata.category(ch) == "Nd" else ch


def plain(number: str) -> str:
    """The number as it is stored and shown: compatibility forms folded (NFKC), every digit
    ASCII, upper case, without "№", spaces trimmed and single. Letters keep their alphabet."""
    text = unicodedata.normalize("NFKC", number.replace(_NUMERO, " "))
    text = "".join(_ascii_digit(ch) for ch in text)
    text = unicodedata.normalize("NFKC", text.upper())
    return " ".join(text.split())


def to_latin(letters: str) -> str:
    """Each look-alike letter as its Latin twin (upper case letters)."""
    return letters.translate(_TO_LATIN)


def to_ukrainian(letters: str) -> str:
    """Each Latin or Greek look-alike of a Ukrainian letter as the Ukrainian letter."""
    return to_latin(letters).translate(_TO_UKRAINIAN)


def compact(number: str) -> str:
    """``plain`` without separators: what format checks read."""
    return _SEPARATORS.sub("", plain(number))


def turned_cyrillic(typed: str, stored: str) -> bool:
    """Whether Latin letters typed are stored as their Cyrillic look-alikes (a birth
    certificate's series typed on a Latin keyboard, documents.formats.stored_number). The
    volunteer is then shown the stored number to compare with the document: a Latin ``I``
    typed for ``И`` is stored ``І``, another number, and must not pass unseen."""
    before, after = compact(typed), _SEPARATORS.sub("", stored)
    return any(
        a.isascii() and a.isalpha() and not b.isascii() for a, b in zip(before, after, strict=False)
    )


def document_key(number: str) -> str:
    """What "the same document" compares (see the module's docstring)."""
    return to_latin(compact(number))
