"""Households change: a member added, moved to another household, departed; a new head.

Each change appends a HouseholdChange row (who, when, what); rows are never changed or
deleted, so the household page shows its history. The desk counts only present members
(desk.services); what a family received on a past day is in that visit's own record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from app.auth.models import User
from app.db import DbSession
from app.errors import DomainError, NotFound, ValidationFailed
from app.households.duplicates import PossibleDuplicate, likely_duplicates, record_confirmations
from app.households.models import Household, HouseholdChange, Member
from app.households.rules import (
    NOT_A_CHILD,
    PARENTS,
    RELATIONSHIPS,
    NewHousehold,
    NewMember,
    check_new_member,
    child_problem,
    one_of,
)
from app.households.services import (
    duplicate_document,
    index_names,
    new_member_row,
    registered_with,
)
from app.households.vulnerability import member_of


class ChangeRefused(DomainError):
    code = "change_refused"
    status = 409


def _record(
    session: DbSession,
    household_id: int,
    member_id: int | None,
    kind: str,
    *,
    user_id: int | None,
    now: datetime,
    other_household_id: int | None = None,
) -> None:
    session.add(
        HouseholdChange(
            household_id=household_id,
            member_id=member_id,
            kind=kind,
            other_household_id=other_household_id,
            changed_by_id=user_id,
            changed_at=now,
        )
    )


def _household(session: DbSession, household_id: int) -> Household:
    household = session.get(Household, household_id)
    if household is None:
        raise NotFound(_l("No household %(household_id)s.", household_id=household_id))
    return household


def add_member(
    session: DbSession,
    household_id: int,
    new: NewMember,
    *,
    today: date,
    now: datetime,
    user_id: int | None,
    typed: bool = False,
    confirm_new: bool = False,
    child_at: str = "birth_date",
) -> Member:
    """Add a member (a newborn with a birth certificate, a relative who arrived later).

    The same checks as registration: the member's fields, a document held by nobody else,
    and the likely-duplicate check against other households (``confirm_new`` once the
    volunteer has looked). A second head is refused: change the head instead. ``child_at``:
    see rules.check_household.
    """
    household = _household(session, household_id)
    problems = check_new_member(new, today, typed=typed)
    parents = [m.birth_date for m in household.members if m.relationship in PARENTS]
    if "birth_date" not in problems and new.relationship == "child":
        problem = child_problem(new.birth_date, parents)
        if problem:
            # The page names the relationship, the API the birth date (rules.check_household).
            problems[child_at] = NOT_A_CHILD if child_at == "relationship" else problem
    if problems:
        raise ValidationFailed(problems)
    existing = registered_with(session, list(new.documents))
    if existing is not None:
        raise duplicate_document(existing)
    candidates = [
        c
        for c in likely_duplicates(session, NewHousehold((new,)), household.phone)
        # Someone of this household with a similar name is not the same person unless
        # also born the same day: a son named after his father.
        if c.household_id != household_id or c.matched == "name_and_birth_date"
    ]
    if candidates and not confirm_new:
        raise PossibleDuplicate(candidates)
    member = new_member_row(new, now)
    member.household_id = household_id
    try:
        with session.begin_nested():
            session.add(member)
            session.flush()
    except IntegrityError:
        existing = registered_with(session, list(new.documents))
        if existing is None:
            raise
        raise duplicate_document(existing) from None
    index_names(session, [member])
    record_confirmations(session, [member], candidates, user_id=user_id, now=now)
    _record(session, household_id, member.id, "member_added", user_id=user_id, now=now)
    return member


def mark_departed(
    session: DbSession,
    household_id: int,
    member_id: int,
    *,
    today: date,
    now: datetime,
    user_id: int | None,
) -> Member:
    """The member has left the household: kept on record, no longer counted at the desk.
    The head cannot depart while head: change the head first."""
    member = member_of(session, household_id, member_id)
    if member.relationship == "head":
        raise ChangeRefused(_l("The head cannot depart: change the head first."))
    if member.departed_on is not None:
        raise ChangeRefused(_l("This member has departed already."))
    member.departed_on = today
    _record(session, household_id, member.id, "departed", user_id=user_id, now=now)
    session.flush()
    return member


def change_head(
    session: DbSession,
    household_id: int,
    member_id: int,
    *,
    former_head_becomes: str,
    now: datetime,
    user_id: int | None,
) -> Member:
    """Another present member becomes the head; the former head takes the relationship
    ``former_head_becomes``. One head per household is held by a unique index."""
    member = member_of(session, household_id, member_id)
    if former_head_becomes not in RELATIONSHIPS or former_head_becomes == "head":
        raise ValidationFailed(
            {"former_head_becomes": one_of(tuple(r for r in RELATIONSHIPS if r != "head"))}
        )
    if member.relationship == "head":
        raise ChangeRefused(_l("This member is the head already."))
    if member.departed_on is not None:
        raise ChangeRefused(_l("A departed member cannot become the head."))
    former = session.scalar(
        select(Member).where(Member.household_id == household_id, Member.relationship == "head")
    )
    if former is not None:
        former.relationship = former_head_becomes
        session.flush()  # the index allows one head: the old one steps down first
    member.relationship = "head"
    session.flush()
    _record(session, household_id, member.id, "head_changed", user_id=user_id, now=now)
    return member


def move_member(
    session: DbSession,
    household_id: int,
    member_id: int,
    *,
    to_household_id: int,
    relationship: str,
    now: datetime,
    user_id: int | None,
) -> Member:
    """Move a member to another household (coordinators decide this), as ``relationship``
    there. A departed member may be moved: they are present again in the new household.
    The head stays: change the head first."""
    member = member_of(session, household_id, member_id)
    if relationship not in RELATIONSHIPS or relationship == "head":
        raise ValidationFailed(
            {"relationship": one_of(tuple(r for r in RELATIONSHIPS if r != "head"))}
        )
    if to_household_id == household_id:
        raise ValidationFailed({"household_id": _l("the member is in this household already")})
    _household(session, to_household_id)
    if member.relationship == "head":
        raise ChangeRefused(_l("The head cannot be moved: change the head first."))
    member.household_id = to_household_id
    member.relationship = relationship
    member.departed_on = None
    session.flush()
    _record(
        session,
        household_id,
        member.id,
        "moved_out",
        user_id=user_id,
        now=now,
        other_household_id=to_household_id,
    )
    _record(
        session,
        to_household_id,
        member.id,
        "moved_in",
        user_id=user_id,
        now=now,
        other_household_id=household_id,
    )
    return member


@dataclass(frozen=True)
class Change:
    """One line of a household's history, as the page and the API show it."""

    kind: str
    changed_at: datetime
    changed_by: str | None
    member_id: int | None
    member_name: str | None
    other_household_id: int | None


def history(session: DbSession, household_id: int) -> list[Change]:
    """The household's changes, newest first."""
    who = aliased(User)
    rows = session.execute(
        select(
            HouseholdChange.kind,
            HouseholdChange.changed_at,
            who.username,
            HouseholdChange.member_id,
            Member.given_name,
            Member.family_name,
            HouseholdChange.other_household_id,
        )
        .outerjoin(who, who.id == HouseholdChange.changed_by_id)
        .outerjoin(Member, Member.id == HouseholdChange.member_id)
        .where(HouseholdChange.household_id == household_id)
        .order_by(HouseholdChange.id.desc())
    ).all()
    return [
        Change(
            kind=r.kind,
            changed_at=r.changed_at,
            changed_by=r.username,
            member_id=r.member_id,
            member_name=f"{r.given_name} {r.family_name}" if r.given_name else None,
            other_household_id=r.other_household_id,
        )
        for r in rows
    ]
