"""Households and their members: a new member's rows, the documents already held, names
indexed for search, reading a household back (registry.registration registers one with its
card)."""

from __future__ import annotations

import re
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import insert, select, tuple_
from sqlalchemy.orm import selectinload

from app.db import DbSession
from app.documents.formats import stored_number
from app.errors import DomainError, NotFound
from app.households.key_conflicts import waiting_for
from app.households.models import Document, Household, Member, NameKey, NamePair
from app.households.names import key_pairs, name_keys
from app.households.rules import NewDocument, NewMember, document_key


class DuplicateDocument(DomainError):
    code = "duplicate_document"
    status = 409


def identity(document: NewDocument) -> tuple[str, str, str]:
    """(type, country, key): one document, one person, whatever the keyboard."""
    return (document.type, document.country.strip().upper(), document_key(document.number))


def registered_with(session: DbSession, documents: list[NewDocument]) -> int | None:
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


def index_names(session: DbSession, members: list[Member]) -> None:
    """Store the search keys of these members' names and their pairs. The members have none
    yet (a name is never changed: a new member, or one from before name keys): no DELETE
    first, two statements fewer inside a registration's write."""
    keys = {
        m.id: name_keys(m.given_name, m.family_name, m.given_name_native, m.family_name_native)
        for m in members
    }
    rows = [{"member_id": i, "key": key} for i in keys for key in sorted(keys[i])]
    if rows:
        session.execute(insert(NameKey), rows)
    pairs = [{"member_id": i, "pair": pair} for i in keys for pair in sorted(key_pairs(keys[i]))]
    if pairs:
        session.execute(insert(NamePair), pairs)


def index_missing_names(session: DbSession, batch: int = 5000) -> int:
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


def get_household(session: DbSession, household_id: int) -> Household:
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
