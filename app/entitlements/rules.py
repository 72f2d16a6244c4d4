"""The entitlement calculation: pure, the rules and the people passed in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.ages import age_on


@dataclass(frozen=True)
class Rule:
    item_id: int
    sku: str
    per: str  # "household" or "member"
    quantity: int
    under_age: int | None = None
    min_age: int | None = None
    include_flagged: bool = False
    name: str = ""  # the item's name, for the desk
    serial_tracked: bool = False  # handed over only with a scanned serial each
    programme_id: int = 0  # whose rule it is


@dataclass(frozen=True)
class Person:
    birth_date: date
    disability: bool = False
    chronic_disease: bool = False
    pregnant_or_breastfeeding: bool = False

    @property
    def flagged(self) -> bool:
        return self.disability or self.chronic_disease or self.pregnant_or_breastfeeding


@dataclass(frozen=True)
class Entitlement:
    item_id: int
    sku: str
    quantity: int
    name: str = ""
    serial_tracked: bool = False
    programme_id: int = 0


def member_matches(rule: Rule, person: Person, day: date) -> bool:
    if rule.under_age is None and rule.min_age is None and not rule.include_flagged:
        return True
    age = age_on(person.birth_date, day)
    return (
        (rule.under_age is not None and age < rule.under_age)
        or (rule.min_age is not None and age >= rule.min_age)
        or (rule.include_flagged and person.flagged)
    )


def entitlements(rules: list[Rule], people: list[Person], day: date) -> list[Entitlement]:
    """What the household of ``people`` gets on ``day``: one line per item, in rule order."""
    totals: dict[int, Entitlement] = {}
    for rule in rules:
        if rule.per == "household":
            count = rule.quantity
        else:
            count = rule.quantity * sum(member_matches(rule, p, day) for p in people)
        if count <= 0:
            continue
        previous = totals.get(rule.item_id)
        totals[rule.item_id] = Entitlement(
            rule.item_id,
            rule.sku,
            count + (previous.quantity if previous else 0),
            rule.name,
            rule.serial_tracked,
            rule.programme_id,
        )
    return list(totals.values())
