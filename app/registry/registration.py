"""Registering a household: its members, their documents and names, consents given, and its
first card, in one transaction (households.services holds the household's part)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.exc import IntegrityError

from app.cards.services import IssuedCard, issue_card
from app.db import DbSession
from app.errors import ValidationFailed
from app.households.duplicates import PossibleDuplicate, likely_duplicates, record_confirmations
from app.households.models import Household
from app.households.rules import NewHousehold, check_household
from app.households.services import (
    duplicate_document,
    index_names,
    new_member_row,
    normal_phone,
    registered_with,
)
from app.households.vulnerability import give_consent


@dataclass(frozen=True)
class Registered:
    household: Household
    card: IssuedCard


def register_household(
    session: DbSession,
    new: NewHousehold,
    *,
    site_id: int,
    today: date,
    now: datetime,
    user_id: int | None,
    card_key: str,
    typed: bool = False,
    confirm_new: bool = False,
    child_at: str = "birth_date",
) -> Registered:
    """Register a household from its documents and issue its first card.

    Exactly one head; every member with at least one document; a document (type, country,
    and the number's key, documents.keys: whatever the keyboard) belongs to one person only,
    which the database holds with a unique key. Numbers ``typed`` by hand at the desk must
    fit their document's format. Nothing is saved unless all of it is.

    A likely match (households.duplicates) stops registration with PossibleDuplicate
    unless the volunteer has seen the candidates and ``confirm_new``: then their word is
    recorded against each candidate, with who gave it and when. ``child_at``: see
    rules.check_household.
    """
    problems = check_household(new, today, typed=typed, child_at=child_at)
    if problems:
        raise ValidationFailed(problems)
    documents = [d for m in new.members for d in m.documents]
    existing = registered_with(session, documents)
    if existing is not None:
        raise duplicate_document(existing)
    phone = normal_phone(new.phone)
    candidates = likely_duplicates(session, new, phone)
    if candidates and not confirm_new:
        raise PossibleDuplicate(candidates)
    household = Household(
        site_id=site_id,
        registered_on=today,
        created_at=now,
        created_by_id=user_id,
        phone=phone,
        locality=(new.locality or "").strip() or None,
    )
    for member in new.members:
        household.members.append(new_member_row(member, now))
    try:
        with session.begin_nested():
            session.add(household)
            session.flush()
    except IntegrityError:
        # Another desk registered one of these documents a moment ago.
        existing = registered_with(session, documents)
        if existing is None:
            raise
        raise duplicate_document(existing) from None
    index_names(session, household.members)
    record_confirmations(session, household.members, candidates, user_id=user_id, now=now)
    for row, member in zip(household.members, new.members, strict=True):
        if member.health_consent:
            give_consent(session, row.id, "health_flags", user_id=user_id, now=now)
    card = issue_card(session, household, card_key=card_key, now=now, user_id=user_id)
    return Registered(household, card)
