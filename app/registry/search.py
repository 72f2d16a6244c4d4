"""Finding people: by card number, document number, phone or name, from one box."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from rapidfuzz import fuzz
from sqlalchemy import ColumnElement, and_, intersect, or_, select, union

from app.cards import tokens
from app.cards.models import Card
from app.db import DbSession
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


def _people(
    session: DbSession, where: ColumnElement[bool], matched: str, limit: int
) -> list[Found]:
    rows = session.execute(
        select(*_COLUMNS).where(where).order_by(Member.household_id, Member.id).limit(limit)
    ).all()
    return [Found(*row[:6], matched=matched) for row in rows]


_DAY = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})$")


def _birth_date(word: str) -> date | None:
    """A birth date typed with the number: 14.03.1985 (as on the documents) or 1985-03-14."""
    try:
        if found := _DAY.match(word):
            return date(int(found[3]), int(found[2]), int(found[1]))
        return date.fromisoformat(word) if len(word) == 10 else None
    except ValueError:
        return None


def _identified(session: DbSession, people: list[Found], query: str) -> list[Found]:
    """Those of the people whose family name (in any spelling, the whole word) or birth date is
    in the query too: a document number alone does not open a family's record."""
    typed = query.split()
    born = {day for day in map(_birth_date, typed) if day}
    names = name_keys(" ".join(w for w in typed if not any(ch.isdigit() for ch in w)))
    if not people or not (born or names):
        return []
    rows = session.execute(
        select(Member.id, Member.family_name, Member.family_name_native).where(
            Member.id.in_([p.person_id for p in people])
        )
    ).all()
    named = {row.id for row in rows if names & name_keys(row.family_name, row.family_name_native)}
    return [p for p in people if p.person_id in named or p.birth_date in born]


def _number_spans(query: str) -> set[str]:
    """The query, and each run of its words that could be the document number typed beside
    a name or a birth date ("FA 123456 Petrenko" → "FA 123456", "FA", "123456", ...)."""
    typed = query.split()[:8]
    spans = {query}
    for start in range(len(typed)):
        for end in range(start + 1, len(typed) + 1):
            run = typed[start:end]
            if any(_birth_date(w) for w in run) or not any(ch.isdigit() for w in run for ch in w):
                continue
            spans.add(" ".join(run))
    return spans


def search_people(
    session: DbSession, query: str, *, everything: bool, limit: int = 20
) -> list[Found]:
    """People matching the query, best matches first: a card number (any card the household
    ever had), a document number (by its key: any keyboard, separators and case ignored), a
    phone number, or names (every word must begin a word of the name, in Latin or Cyrillic,
    in any usual transliteration).

    Without ``everything`` (a volunteer), a document number finds its holder only with the
    family name or the birth date beside it ("FA123456 Petrenko", "FA123456 14.03.1985"): a
    list of numbers is not a way to the families behind them."""
    query = query.strip()[:MAX_QUERY]
    if not query:
        return []
    found: list[Found] = []
    scan = tokens.read_scan(query)
    if scan.kind == "number":
        households = select(Card.household_id).where(Card.number == scan.value)
        found += _people(session, Member.household_id.in_(households), "card", limit)
    keys = {
        key
        for text in _number_spans(query)
        if len(key := document_key(text)) >= 4 and PLACEHOLDER not in key  # no placeholder
    }
    if keys:
        holders = select(Document.member_id).where(Document.number_key.in_(keys))
        # A document waiting for its key (households.key_conflicts) is found by it too.
        waiting = (
            select(Document.member_id)
            .join(DocumentKeyConflict, DocumentKeyConflict.document_id == Document.id)
            .where(DocumentKeyConflict.number_key.in_(keys))
        )
        # One IN over both sets: with IN (...) OR IN (...), PostgreSQL walked every member in
        # household order to test each against the two, on every search of a name.
        where = Member.id.in_(union(holders, waiting))
        holding = _people(session, where, "document", limit)
        found += holding if everything else _identified(session, holding, query)
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


def _by_name(session: DbSession, query: str, limit: int) -> list[Found]:
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
    # Ranked on the keys stored for each name (index_names keeps name_keys of the four
    # names): the same skeletons as folding the names again, without transliterating
    # hundreds of names in Python on every search.
    stored: dict[int, set[str]] = {}
    households: dict[int, int] = {}
    for member_id, household_id, key in session.execute(
        select(NameKey.member_id, Member.household_id, NameKey.key)
        .join(Member, Member.id == NameKey.member_id)
        .where(NameKey.member_id.in_(ids))
    ):
        stored.setdefault(member_id, set()).add(key)
        households[member_id] = household_id
    wanted = " ".join(sorted(min(spellings) for spellings in groups))

    def closeness(member_id: int) -> float:
        return fuzz.token_set_ratio(wanted, " ".join(sorted(stored[member_id])))

    ranked = sorted(stored, key=lambda i: (-closeness(i), households[i], i))[:limit]
    rows = {row.id: row for row in session.execute(select(*_COLUMNS).where(Member.id.in_(ranked)))}
    return [Found(*rows[i][:6], matched="name") for i in ranked if i in rows]
