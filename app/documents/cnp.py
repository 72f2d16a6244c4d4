"""The Romanian personal numeric code (CNP, cod numeric personal), printed on Romanian
identity documents and on the residence permits of foreigners, temporary protection included.

Thirteen digits, S YY MM DD JJ NNN C: S sex and century (1/2 born 1900-1999, 3/4 1800-1899,
5/6 2000-2099, 7/8 foreign residents, 9 other foreigners: no century), the birth date, JJ the
county, NNN a serial number and C the check digit: each of the first twelve digits times the
digit at its place in 279146358279, summed, modulo 11, with 10 written as 1.
"""

from __future__ import annotations

from datetime import date

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

KEY = "279146358279"
# 01-40 the counties and Bucharest, 41-46 Bucharest's sectors, 47-48 its former sectors 7
# and 8 (still on CNPs given when Bucharest had eight; a CNP is for life), 51 Călărași,
# 52 Giurgiu.
COUNTY_CODES = frozenset(range(1, 49)) | {51, 52}
_CENTURIES = {1: (1900,), 2: (1900,), 3: (1800,), 4: (1800,), 5: (2000,), 6: (2000,)}
_NO_CENTURY = (1900, 2000)  # 7, 8, 9: a date that exists in either century


def cnp_check_digit(first_twelve: str) -> str:
    remainder = sum(int(d) * int(k) for d, k in zip(first_twelve, KEY, strict=True)) % 11
    return "1" if remainder == 10 else str(remainder)


def _is_date(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def check_cnp(cnp: str) -> LazyString | None:
    """What is wrong with a CNP, or None: its length, its first digit, its birth date (a
    real calendar day in the century the first digit names), its county, its serial and its
    check digit, in that order. The check digit catches any one mistyped digit except one
    that moves the sum's remainder between 1 and 10, both written 1."""
    if len(cnp) != 13 or not (cnp.isascii() and cnp.isdigit()):
        return _l("a CNP has 13 digits")
    sex = int(cnp[0])
    if sex == 0:
        return _l("the first digit of a CNP (sex and century) is 1 to 9, not 0")
    yy, month, day = int(cnp[1:3]), int(cnp[3:5]), int(cnp[5:7])
    if not any(_is_date(c + yy, month, day) for c in _CENTURIES.get(sex, _NO_CENTURY)):
        return _l(
            "digits 2 to 7 of the CNP (%(digits)s) are not a birth date written YYMMDD",
            digits=cnp[1:7],
        )
    if int(cnp[7:9]) not in COUNTY_CODES:
        return _l(
            "digits 8 and 9 of the CNP (%(digits)s) are not a county code (01-48, 51, 52)",
            digits=cnp[7:9],
        )
    if cnp[9:12] == "000":
        return _l("digits 10 to 12 of the CNP are a serial number from 001 to 999, not 000")
    if cnp[12] != cnp_check_digit(cnp[:12]):
        return _l("the last digit of the CNP does not match the others: a digit is mistyped")
    return None
