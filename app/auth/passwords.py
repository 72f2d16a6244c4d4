"""What a password must be: at least 10 characters, and not one of the 30,000 most common
passwords (the list zxcvbn ships, offline), nor the user name itself."""

from __future__ import annotations

from functools import cache

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from zxcvbn.frequency_lists import FREQUENCY_LISTS

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 200


@cache
def _common() -> frozenset[str]:
    return frozenset(FREQUENCY_LISTS["passwords"])


def password_problem(password: str, username: str = "") -> LazyString | None:
    """What is wrong with the password, or None when it will do."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return _l("at least %(n)s characters", n=MIN_PASSWORD_LENGTH)
    if len(password) > MAX_PASSWORD_LENGTH:
        return _l("at most %(n)s characters", n=MAX_PASSWORD_LENGTH)
    folded = password.casefold()
    if folded in _common() or folded.strip("0123456789!. ") in _common():
        return _l("one of the most common passwords: choose another")
    if username and username.casefold() in folded:
        return _l("must not contain the user name")
    if len(set(folded)) < 4:
        return _l("too few different characters")
    return None
