"""Registering households and reading them back."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, insert, select, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from app.cards.services import IssuedCard, issue_card
from app.documents.formats import stored_number
from app.errors import DomainError, NotFound, ValidationFailed
from app.households.duplicates import (
    PossibleDuplicate,
    likely_duplicates,
    record_confirmations,
)
from app.households.key_conflicts import waiting_for
from app.households.models import Document, Household, Member, NameKey
from app.households.names import name_keys
from app.households.rules import (
    NewDocument,
    NewHousehold,
    NewMember,
    check_household,
    document_key,
)
from app.households.vulnerability import give_consent


class DuplicateDocument(DomainError):
    code = "duplicate_document"
    status = 409


@dataclass(frozen=True)
class Registered:
    household: Household
    card: IssuedCard


def identity(document: NewDocument) -> tuple[str, str, str]:
    """(type, country, key): one document, one person, whatever the keyboard."""
    return (document.type, document.country.strip().upper(), document_key(document.number))


def registered_with(session: Session, documents: list[NewDocument]) -> int | None:
    """The household that already holds one of these documents, if any (one waiting for
    its key, households.key_conflicts, holds it too)."""
    identities = [identity(d) for d in documents]
    holder = session.scalar(
        select(Member.household_id)
        .join(Document, Document.member_id == Member.id)
        .where(tuple_(Document.type, Document.country, Document.number_key).in_(identities))
        .limit(1)
    )
    return holder if holder is not None else waiting_for(session, identities)


def duplicate_document(household_id: int) -> DuplicateDocument:
    return DuplicateDocument(
        "A document of this family is registered already.", household_id=household_id
    )


def register_household(
    session: Session,
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


def new_member_row(member: NewMember, now: datetime) -> Member:
    """The row of a new member and its documents, as typed (trimmed; numbers as
    documents.formats.stored_number writes them, which the volunteer sees)."""
    return Member(
        given_name=member.given_name.strip(),
        family_name=member.family_name.strip(),
        given_name_native=(member.given_name_native or "").strip() or None,
        family_name_native=(member.family_name_native or "").strip() or None,
        birth_date=member.birth_date,
        sex=member.sex,
        relationship=member.relationship,
        disability=member.disability,
        chronic_disease=member.chronic_disease,
        pregnant_or_breastfeeding=member.pregnant_or_breastfeeding,
        single_parent=member.single_parent,
        created_at=now,
        documents=[
            Document(
                type=d.type,
                number=stored_number(d.type, d.number, d.country),
                number_key=identity(d)[2],
                country=d.country.strip().upper(),
                expires_on=d.expires_on,
            )
            for d in member.documents
        ],
    )


def index_names(session: Session, members: list[Member]) -> None:
    """Store the search keys of these members' names (replacing any they had)."""
    ids = [m.id for m in members]
    session.execute(
        delete(NameKey)
        .where(NameKey.member_id.in_(ids))
        .execution_options(synchronize_session=False)
    )
    rows = [
        {"member_id": m.id, "key": key}
        for m in members
        for key in sorted(
            name_keys(m.given_name, m.family_name, m.given_name_native, m.family_name_native)
        )
    ]
    if rows:
        session.execute(insert(NameKey), rows)


def index_missing_names(session: Session, batch: int = 5000) -> int:
    """Give search keys to members that have none (a database from before name keys)."""
    done = 0
    while True:
        members = session.scalars(
            select(Member)
            .where(~select(NameKey.member_id).where(NameKey.member_id == Member.id).exists())
            .limit(batch)
        ).all()
        if not members:
            return done
        index_names(session, list(members))
        session.flush()
        done += len(members)


def normal_phone(phone: str | None) -> str | None:
    """The phone as digits with an optional leading +, so a search by any spelling finds it."""
    return re.sub(r"[\s().-]", "", phone or "") or None


def get_household(session: Session, household_id: int) -> Household:
    household = session.scalar(
        select(Household)
        .where(Household.id == household_id)
        .options(selectinload(Household.members).selectinload(Member.documents))
    )
    if household is None:
        raise NotFound(_l("No household %(household_id)s.", household_id=household_id))
    if household.erased_at is not None:  # an empty shell that keeps its visits' counts
        raise NotFound(_l("Household %(household_id)s was erased.", household_id=household_id))
    return household
