"""Reading the machine-readable zone (MRZ) of a passport, ID card or visa, as a desk document
reader types it or as a volunteer pastes it. Pure: no database, no clock (``today`` is given).

Formats (ICAO 9303 parts 4 to 7), told apart by their shape and first letter:

- TD1, 3 lines of 30: ID cards and residence permits (the Romanian permit);
- TD2, 2 lines of 36: older ID cards;
- TD3, 2 lines of 44: passports;
- MRV-A, 2 lines of 44, and MRV-B, 2 lines of 36: visas, whose document code begins with V.

The text may come with its lines separated by CR, LF, CRLF or TAB, or run together in one
line (split by the total length: 90, 72 or 88), in lower case, with stray spaces (``<`` is
the filler, a space is never part of an MRZ). A reader set to a Ukrainian or Russian keyboard
layout types the Cyrillic letter on each key: those are read back as the Latin letter of the
key (``Б``, the key of ``<``, as the filler), since an MRZ never holds Cyrillic.

A text that is not an MRZ at all raises NotMrz with the reason. A wrong check digit does not
raise: it is reported in ``checks``, so the volunteer can look at the document again.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from app.documents.mrz_fields import (
    FILLER,
    check_passes,
    read_birth_date,
    read_expiry_date,
    read_names,
    read_sex,
    read_state,
)


class NotMrz(ValueError):
    """The text is not a machine-readable zone; ``reason`` says why, for the volunteer."""

    def __init__(self, reason: str | LazyString) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class MrzReading:
    """What an MRZ says. ``checks`` maps each check digit the format has to whether it
    holds: document_number, birth_date, expires_on, optional_data (TD3 only) and composite
    (not on visas, which have none). ``birth_date`` is None unless the whole date is known;
    ``birth_date_partial`` then holds the known part (see read_birth_date)."""

    format: str
    document_code: str
    document_type: str
    document_number: str
    country: str | None
    nationality: str | None
    family_name: str
    given_name: str
    birth_date: date | None
    birth_date_partial: str | None
    sex: str | None
    expires_on: date | None
    optional_data: tuple[str, ...]
    checks: Mapping[str, bool]

    @property
    def all_checks_pass(self) -> bool:
        return all(self.checks.values())


# Line lengths of each shape: (lines, characters per line).
SHAPES = {90: (3, 30), 72: (2, 36), 88: (2, 44)}
_ALPHABET = re.compile(r"[A-Z0-9<]")
_LINE_BREAKS = re.compile(r"[\r\n\t]+")
_SPACES = re.compile(r"\s+")

_LATIN_KEYS = "QWERTYUIOPASDFGHJKLZXCVBNM"
_CYRILLIC_KEYS = ("ЙЦУКЕНГШЩЗФІВАПРОЛДЯЧСМИТЬ", "ЙЦУКЕНГШЩЗФЫВАПРОЛДЯЧСМИТЬ")  # uk, ru
_TYPED = {ord(ch): ch.upper() for ch in "abcdefghijklmnopqrstuvwxyz"} | {
    ord(ch): latin
    for layout in _CYRILLIC_KEYS
    for upper, latin in zip(layout, _LATIN_KEYS, strict=True)
    for ch in (upper, upper.lower())
}
_TYPED |= {ord("Б"): FILLER, ord("б"): FILLER}


def mrz_lines(text: str) -> list[str]:
    """The MRZ's lines, upper case, without spaces; NotMrz when the text cannot be one."""
    lines = [_SPACES.sub("", line) for line in _LINE_BREAKS.split(text.translate(_TYPED))]
    lines = [line for line in lines if line]
    if not lines:
        raise NotMrz(_l("The text is empty."))
    for line in lines:
        stray = _ALPHABET.sub("", line)
        if stray:
            raise NotMrz(
                _l(
                    "%(character)s is not used in a machine-readable zone, which has only the "
                    "letters A-Z, digits and <.",
                    character=repr(stray[0]),
                )
            )
    if len(lines) == 1:
        shape = SHAPES.get(len(lines[0]))
        if shape is None:
            raise NotMrz(
                _l(
                    "%(n)s characters in one line: a machine-readable zone run together has "
                    "90 (3 lines of 30), 72 (2 of 36) or 88 (2 of 44).",
                    n=len(lines[0]),
                )
            )
        count, width = shape
        lines = [lines[0][i * width : (i + 1) * width] for i in range(count)]
    elif (len(lines), len(lines[0])) not in SHAPES.values() or len(set(map(len, lines))) > 1:
        lengths = ", ".join(str(len(line)) for line in lines)
        raise NotMrz(
            _l(
                "%(n)s lines of %(lengths)s characters: a machine-readable zone has 3 lines of "
                "30, or 2 lines of 36 or 44.",
                n=len(lines),
                lengths=lengths,
            )
        )
    if not lines[0][0].isalpha():
        raise NotMrz(_l("The first line does not begin with a document code (P, I, A, C or V)."))
    return lines


def read_mrz(text: str, today: date) -> MrzReading:
    """Read an MRZ: every field, and every check digit verified (see the module's doc)."""
    lines = mrz_lines(text)
    zone = _zone(lines)
    return _reading(zone, today)


@dataclass(frozen=True)
class _Zone:
    """The raw fields of one MRZ, cut at the positions of its format."""

    format: str
    code: str
    state: str
    name: str
    number: str
    number_check: str
    nationality: str
    birth: str
    birth_check: str
    sex: str
    expiry: str
    expiry_check: str
    optional: tuple[str, ...]
    optional_check: str | None
    composite: str | None
    composite_data: str


def _zone(lines: list[str]) -> _Zone:
    first = lines[0]
    if len(lines) == 3:
        second, third = lines[1], lines[2]
        return _Zone(
            format="TD1",
            code=first[0:2],
            state=first[2:5],
            name=third,
            number=first[5:14],
            number_check=first[14],
            nationality=second[15:18],
            birth=second[0:6],
            birth_check=second[6],
            sex=second[7],
            expiry=second[8:14],
            expiry_check=second[14],
            optional=(first[15:30], second[18:29]),
            optional_check=None,
            composite=second[29],
            composite_data=first[5:30] + second[0:7] + second[8:15] + second[18:29],
        )
    second = lines[1]
    wide, visa = len(first) == 44, first[0] == "V"
    if visa:  # no optional-data check digit and no composite
        optional, optional_check, composite = second[28:], None, None
    elif wide:
        optional, optional_check, composite = second[28:42], second[42], second[43]
    else:
        optional, optional_check, composite = second[28:35], None, second[35]
    return _Zone(
        format=("MRV-A" if wide else "MRV-B") if visa else ("TD3" if wide else "TD2"),
        code=first[0:2],
        state=first[2:5],
        name=first[5:],
        number=second[0:9],
        number_check=second[9],
        nationality=second[10:13],
        birth=second[13:19],
        birth_check=second[19],
        sex=second[20],
        expiry=second[21:27],
        expiry_check=second[27],
        optional=(optional,),
        optional_check=optional_check,
        composite=composite,
        composite_data=second[0:10] + second[13:20] + second[21:-1],
    )


def _full_number(zone: _Zone) -> tuple[str, str, tuple[str, ...]]:
    """The document number, its check digit and the optional data that follows it.

    A TD1 or TD2 document number longer than 9 characters (9303 parts 5 and 6):
    its first 9 characters fill the number field, a filler stands where the check digit
    goes, and the rest of the number, then its check digit, then a filler open the optional
    data. The check digit covers the whole number."""
    optional = zone.optional
    if zone.format in ("TD1", "TD2") and zone.number_check == FILLER:
        tail = optional[0].split(FILLER, 1)[0]
        if tail:
            rest = optional[0][len(tail) + 1 :]
            return zone.number + tail[:-1], tail[-1], (rest, *optional[1:])
    return zone.number, zone.number_check, optional


def _reading(zone: _Zone, today: date) -> MrzReading:
    number, number_check, optional = _full_number(zone)
    checks = {
        "document_number": check_passes(number, number_check),
        "birth_date": check_passes(zone.birth, zone.birth_check),
        "expires_on": check_passes(zone.expiry, zone.expiry_check),
    }
    if zone.optional_check is not None:
        checks["optional_data"] = check_passes(zone.optional[0], zone.optional_check)
    if zone.composite is not None:
        checks["composite"] = check_passes(zone.composite_data, zone.composite)
    family_name, given_name = read_names(zone.name)
    birth_date, birth_date_partial = read_birth_date(zone.birth, today)
    country, nationality = read_state(zone.state), read_state(zone.nationality)
    return MrzReading(
        format=zone.format,
        document_code=zone.code.rstrip(FILLER),
        document_type=document_type(zone.code, country, nationality),
        document_number=number.replace(FILLER, ""),
        country=country,
        nationality=nationality,
        family_name=family_name,
        given_name=given_name,
        birth_date=birth_date,
        birth_date_partial=birth_date_partial,
        sex=read_sex(zone.sex),
        expires_on=read_expiry_date(zone.expiry, today),
        optional_data=tuple(part.strip(FILLER) for part in optional if part.strip(FILLER)),
        checks=checks,
    )


def document_type(code: str, country: str | None, nationality: str | None) -> str:
    """The AidDesk document type of a document code (9303 part 3: P passports; I, A, C
    cards; V visas).

    The Romanian permit for temporary protection is an EU residence permit card (Regulation
    1030/2002, TD1) issued by ROU. Its MRZ cannot say "temporary protection": the type of
    permit is a printed field of the uniform format, with no place in the MRZ, and we could
    not confirm the permit's second code letter. What the MRZ does say is a Romanian card
    held by a foreign national, which a Romanian ID card never is; at this center that is
    the temporary-protection permit, so a card issued by ROU to a non-Romanian reads as
    temporary_protection (an ordinary Romanian residence permit would too; the volunteer
    can change the type). A visa is not an identity document the center registers: it
    reads as "other"."""
    first = code[0]
    if first == "P":
        return "passport"
    if first in "IAC":
        if country == "ROU" and nationality not in (None, "ROU"):
            return "temporary_protection"
        return "id_card"
    return "other"
