"""The fields of a machine-readable zone (ICAO 9303 part 3), one rule each: check digits,
dates with two-digit years, names, state codes and sex. Pure functions, no database."""

from __future__ import annotations

from datetime import date

FILLER = "<"
_WEIGHTS = (7, 3, 1)


def _value(ch: str) -> int:
    if ch.isdigit():
        return int(ch)
    if ch == FILLER:
        return 0
    return ord(ch) - ord("A") + 10  # A=10 ... Z=35


def check_digit(field: str) -> str:
    """ICAO 9303 part 3: each character's value (digits as such, A-Z as 10-35, the
    filler as 0) times 7, 3, 1, 7, 3, 1, ..., summed, modulo 10."""
    return str(sum(_value(ch) * _WEIGHTS[i % 3] for i, ch in enumerate(field)) % 10)


def check_passes(field: str, check: str) -> bool:
    """Whether ``check`` is the check digit of ``field``. A field left all fillers may carry
    a filler as its check digit (9303 part 4, the personal number), which is 0 by value."""
    if check == FILLER and set(field) <= {FILLER}:
        return True
    return check == check_digit(field)


def _parts(field: str) -> tuple[int | None, int | None, int | None] | None:
    """YYMMDD as three numbers, None for a part left as fillers; None when a part is neither
    two digits nor two fillers (a misread: the date cannot be read at all)."""
    parts: list[int | None] = []
    for i in (0, 2, 4):
        part = field[i : i + 2]
        if part == FILLER * 2:
            parts.append(None)
        elif part.isdigit():
            parts.append(int(part))
        else:
            return None
    return parts[0], parts[1], parts[2]


def _real_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def read_birth_date(field: str, today: date) -> tuple[date | None, str | None]:
    """The birth date, and what is known of it when it is not whole.

    The century is the one that puts the date in the past: a birth date is never in the
    future (so ``25`` is 2025 until the day in 2025 has come, else 1925; someone over 100
    reads as a child, which the volunteer sees on the document). Day or month may be left as
    fillers (``74<<<<``, ``7408<<``) for someone whose exact birth date is unknown: the
    date is then None and the second value holds what is known in ISO 8601 reduced
    precision, ``1974-08`` or ``1974``. A day without its month (``74<<12``) keeps the year;
    an impossible date (``740231``) keeps the year and month. Both are None when even the
    year cannot be read."""
    parts = _parts(field)
    if parts is None:
        return None, None
    yy, month, day = parts
    if yy is None:
        return None, None
    known: tuple[int, ...]
    if month is None or not 1 <= month <= 12:
        known = (yy,)
    elif day is None:
        known = (yy, month)
    else:
        known = (yy, month, day)
    now = (today.year, today.month, today.day)[: len(known)]
    year = 2000 + yy if (2000 + yy, *known[1:]) <= now else 1900 + yy
    if len(known) == 3:
        whole = _real_date(year, known[1], known[2])
        if whole is not None:
            return whole, None
        known = known[:2]
    return None, f"{year:04d}" + "".join(f"-{part:02d}" for part in known[1:])


def read_expiry_date(field: str, today: date) -> date | None:
    """The expiry date: the century that puts it after today and at most 20 years ahead,
    else the latest one that puts it in the past (a passport is valid for 10 years, so an
    expiry 30 years ahead is one that has long passed). None when any part is unknown or
    the date is impossible."""
    parts = _parts(field)
    if parts is None:
        return None
    yy, month, day = parts
    if yy is None or month is None or day is None:
        return None
    now = (today.year, today.month, today.day)
    horizon = (today.year + 20, today.month, today.day)
    candidates = [century + yy for century in (1900, 2000, 2100)]
    ahead = [y for y in candidates if now < (y, month, day) <= horizon]
    past = [y for y in candidates if (y, month, day) <= now]
    year = ahead[0] if ahead else max(past, default=candidates[0])
    return _real_date(year, month, day)


def read_names(field: str) -> tuple[str, str]:
    """(primary identifier, secondary identifier): the family name and the given names,
    split at the first double filler; single fillers between words become spaces."""
    primary, _, secondary = field.partition(FILLER * 2)
    return _spaced(primary), _spaced(secondary)


def _spaced(field: str) -> str:
    return " ".join(word for word in field.split(FILLER) if word)


def read_state(code: str) -> str | None:
    """An issuing state or nationality as a three-letter code. Germany writes itself ``D<<``
    (9303 part 3): it is read as DEU, the ISO 3166-1 code the rest of AidDesk uses for
    countries, so a German document registers like any other. None when all fillers."""
    if code == "D" + FILLER * 2:
        return "DEU"
    return code.replace(FILLER, "") or None


_SEXES = {"M": "M", "F": "F", "X": "X", FILLER: "X"}


def read_sex(ch: str) -> str | None:
    """M, F, or X for unspecified (written as a filler, or as X by some issuers);
    None for anything else, a misread the volunteer corrects from the document."""
    return _SEXES.get(ch)
