"""Ages, which eligibility, entitlements, the desk and the household page all count the same
way. A leaf (it imports nothing of ours): decision 0018."""

from __future__ import annotations

from datetime import date


def age_on(birth_date: date, day: date) -> int:
    """Completed years on ``day``. Someone born on 29 February turns a year older on 1 March."""
    years = day.year - birth_date.year
    if (day.month, day.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years
