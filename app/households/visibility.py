"""What each role sees of a household (issue 7, need to know; applied in registry.read_model).

Coordinators see everything, and each of their views of document numbers and health flags is
recorded in the audit trail. Volunteers see what the desk needs: names, household, card,
visits, the document numbers' last 4 characters, and what the household is entitled to,
never why (no health flag, and no answer about the consent to them). Stock managers see no
household at all (tests/access_table.py).
"""

from __future__ import annotations

from datetime import date

from app.db import DbSession
from app.entitlements.rules import Entitlement, Person, entitlements
from app.households.models import Household
from app.programmes.services import starting_rules

SENSITIVE_FIELDS = (
    "documents.number",
    "members.disability",
    "members.chronic_disease",
    "members.pregnant_or_breastfeeding",
    "members.single_parent",
    "consents.health_flags",
)
# A standing consent to health flags says that a flag is likely set: as sensitive as the flags.
HEALTH_CONSENT_KIND = "health_flags"


def may_see_households(role: str | None) -> bool:
    return role in ("volunteer", "coordinator")


def sees_everything(role: str | None) -> bool:
    return role == "coordinator"


def masked_number(number: str) -> str:
    """The last 4 characters, the rest as dots: enough to compare with the document."""
    return "•" * max(len(number) - 4, 0) + number[-4:]


def entitled_per_visit(session: DbSession, household: Household, today: date) -> list[Entitlement]:
    """What the household receives at a visit today: the outcome of the health flags, which
    a volunteer may see, without the flags themselves."""
    people = [Person(m.birth_date, m.disability, m.chronic_disease) for m in household.members]
    return entitlements(starting_rules(session), people, today)
