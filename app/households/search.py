"""Finding people: by card number, document number, phone or name, from one box."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from rapidfuzz import fuzz
from sqlalchemy import Row, and_, intersect, or_, select
from sqlalchemy.orm import Session

from app.cards import tokens
from app.cards.models import Card
from app.households.key_conflicts import PLACEHOLDER
from app.households.models import Document, DocumentKeyConflict, Household, Member, NameKey
from app.households.names import name_keys, query_keys
from app.households.rules import document_key

MAX_QUERY = 100
CANDIDATES = 500  # names matched by their keys, ranked by closeness before the cut


@dataclass(frozen=True)
class Found:
    person_id: int
    household_id: int
    given_name: str
    family_name: str
    birth_date: date
    relationship: str
    matched: str  # what matched: card, document, phone or name


# What a result shows (the first six, in Found's order), and the names in their own script.
_COLUMNS = (
    Member.id,
    Member.household_id,
    Member.given_name,
    Member.family_name,
    Member.birth_date,
    Member.relationship,
    Member.given_name_native,
    Member.family_name_native,
)


def _people(session: Session, where: object, matched: str, limit: int) -> list[Found]:
    rows = session.execute(
        select(*_COLUMNS)
        .where(where)  # type: ignore[arg-type]
        .order_by(Member.household_id, Member.id)
        .limit(limit)
    ).all()
    return [Found(*row[:6], matched=matched) for row in rows]


def search_people(session: Session, query: str, limit: int = 20) -> list[Found]:
    """People matching the query, best matches first: a card number (any card the household
    ever had), a document number (by its key: any keyboard, separators and case ignored), a
    phone number, or names (every word must begin a word of the name, in Latin or Cyrillic,
    in any usual transliteration)."""
    query = query.strip()[:MAX_QUERY]
    if not query:
        return []
    found: list[Found] = []
    scan = tokens.read_scan(query)
    if scan.kind == "number":
        households = select(Card.household_id).where(Card.number == scan.value)
        found += _people(session, Member.household_id.in_(households), "card", limit)
    key = document_key(query)
    if len(key) >= 4 and PLACEHOLDER not in key:  # a placeholder is no number
        holders = select(Document.member_id).where(Document.number_key == key)
        # A document waiting for its key (households.key_conflicts) is found by it too.
        waiting = (
            select(Document.member_id)
            .join(DocumentKeyConflict, DocumentKeyConflict.document_id == Document.id)
            .where(DocumentKeyConflict.number_key == key)
        )
        where = or_(Member.id.in_(holders), Member.id.in_(waiting))
        found += _people(session, where, "document", limit)
    digits = re.sub(r"\D", "", query)
    if len(digits) >= 6 and not found:
        households = select(Household.id).where(
            Household.phone.is_not(None), Household.phone.contains(digits[-9:])
        )
        found += _people(session, Member.household_id.in_(households), "phone", limit)
    # Words with digits are numbers (documents, phones), not names.
    name_words = " ".join(w for w in query.split() if not any(ch.isdigit() for ch in w))
    if name_words:
        found += _by_name(session, name_words, limit)
    unique: dict[int, Found] = {}
    for person in found:
        unique.setdefault(person.person_id, person)
    return list(unique.values())[:limit]


def _by_name(session: Session, query: str, limit: int) -> list[Found]:
    """People whose name has, for every word of the query, a word that begins like it in
    some spelling (households.names); the closest names first."""
    groups = query_keys(query)
    if not groups:
        return []
    # The people first, from the key index alone (one word: its prefix; several: the people
    # every word finds), then only their rows. Asked as one query with IN (...) per word,
    # PostgreSQL read the whole members table to join the two sets: ten times slower.
    per_word = [
        select(NameKey.member_id).where(
            or_(*(and_(NameKey.key >= k, NameKey.key < k + "{") for k in sorted(keys)))
        )
        for keys in groups
    ]
    people = per_word[0].distinct() if len(per_word) == 1 else intersect(*per_word)
    ids = session.scalars(people.limit(CANDIDATES)).all()
    if not ids:
        return []
    rows = session.execute(select(*_COLUMNS).where(Member.id.in_(ids))).all()
    wanted = " ".join(sorted(min(keys) for keys in groups))

    def closeness(row: Row[Any]) -> float:
        names = [row.given_name, row.family_name, row.given_name_native, row.family_name_native]
        return fuzz.token_set_ratio(wanted, " ".join(sorted(name_keys(*names))))

    ranked = sorted(rows, key=lambda r: (-closeness(r), r.household_id, r.id))
    return [Found(*row[:6], matched="name") for row in ranked[:limit]]
