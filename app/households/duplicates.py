"""Likely duplicates: the same person, typed differently, about to get a second card.

An exact document match is certain and blocks registration (services.DuplicateDocument).
A likely match is a judgement the volunteer makes with the person in front of them: a
registered person with a similar name in any script (households.names folds the spellings)
and the same birth date, or in a household with the same phone and a similar name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from rapidfuzz import fuzz
from sqlalchemy import or_, select

from app.db import DbSession
from app.errors import DomainError
from app.households.models import DuplicateConfirmation, Household, Member
from app.households.names import name_keys
from app.households.rules import NewHousehold, NewMember

# Two skeletons this close (rapidfuzz ratio, 0-100) are taken for one name misspelt.
SIMILAR = 85
MAX_CANDIDATES = 20
_SCAN = 500  # rows read per query before comparing names in Python


@dataclass(frozen=True)
class Candidate:
    """A registered person who may be one of the people being registered."""

    person_id: int
    household_id: int
    given_name: str
    family_name: str
    given_name_native: str | None
    family_name_native: str | None
    birth_date: date
    relationship: str
    matched: str  # "name_and_birth_date" or "phone_and_name"
    member: int  # the index of the new member it resembles

    def to_json(self) -> dict[str, Any]:
        return {
            "person_id": self.person_id,
            "household_id": self.household_id,
            "given_name": self.given_name,
            "family_name": self.family_name,
            "given_name_native": self.given_name_native,
            "family_name_native": self.family_name_native,
            "birth_date": self.birth_date.isoformat(),
            "relationship": self.relationship,
            "matched": self.matched,
            "member": self.member,
        }


class PossibleDuplicate(DomainError):
    code = "possible_duplicate"
    status = 409

    def __init__(self, candidates: list[Candidate]) -> None:
        super().__init__(
            "Someone like this is registered already: open their household, or confirm "
            "a different person.",
            candidates=[c.to_json() for c in candidates],
        )
        self.candidates = candidates


def _close(a: set[str], b: set[str]) -> bool:
    return any(x == y or fuzz.ratio(x, y) >= SIMILAR for x in a for y in b)


def similar_names(
    given: tuple[str | None, ...],
    family: tuple[str | None, ...],
    other_given: tuple[str | None, ...],
    other_family: tuple[str | None, ...],
) -> bool:
    """Given names alike and family names alike, in any script and spelling, either way
    round (a form filled with the names swapped is the commonest slip)."""
    g, f = name_keys(*given), name_keys(*family)
    og, of = name_keys(*other_given), name_keys(*other_family)
    if not (g and f and og and of):
        return False
    return (_close(g, og) and _close(f, of)) or (_close(g, of) and _close(f, og))


PERSON_COLUMNS = (
    Member.id,
    Member.household_id,
    Member.given_name,
    Member.family_name,
    Member.given_name_native,
    Member.family_name_native,
    Member.birth_date,
    Member.relationship,
)


def like(new: NewMember, row: Any) -> bool:
    """Whether a new member's name is like a registered person's (a PERSON_COLUMNS row)."""
    return similar_names(
        (new.given_name, new.given_name_native),
        (new.family_name, new.family_name_native),
        (row.given_name, row.given_name_native),
        (row.family_name, row.family_name_native),
    )


def likely_duplicates(session: DbSession, new: NewHousehold, phone: str | None) -> list[Candidate]:
    """Registered people who may be someone of ``new``: a similar name and the same birth
    date, or a similar name in a household with the same (normalised) ``phone``."""
    members = list(new.members)
    found: dict[int, Candidate] = {}
    dates = {m.birth_date for m in members}
    conditions = [Member.birth_date.in_(dates)] if dates else []
    if phone:
        conditions.append(
            Member.household_id.in_(select(Household.id).where(Household.phone == phone))
        )
    if not conditions:
        return []
    rows = session.execute(
        select(*PERSON_COLUMNS, Household.phone)
        .join(Household, Household.id == Member.household_id)
        .where(or_(*conditions))
        .order_by(Member.id)
        .limit(_SCAN)
    ).all()
    for row in rows:
        for index, member in enumerate(members):
            if row.id in found or not like(member, row):
                continue
            if row.birth_date == member.birth_date:
                matched = "name_and_birth_date"
            elif phone and row.phone == phone:
                matched = "phone_and_name"
            else:
                continue
            found[row.id] = Candidate(*row[:8], matched=matched, member=index)
    return list(found.values())[:MAX_CANDIDATES]


def record_confirmations(
    session: DbSession,
    members: list[Member],
    candidates: list[Candidate],
    *,
    user_id: int | None,
    now: datetime,
) -> None:
    """Keep the volunteer's word that each new member is not the candidate shown beside it."""
    for candidate in candidates:
        session.add(
            DuplicateConfirmation(
                member_id=members[candidate.member].id,
                candidate_id=candidate.person_id,
                confirmed_by_id=user_id,
                confirmed_at=now,
            )
        )
