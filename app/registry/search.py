"""Finding people: by card number, document number, phone or name, from one box."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz
from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Select,
    TextClause,
    and_,
    bindparam,
    exists,
    intersect,
    or_,
    select,
    text,
    union,
)

from app.cards import tokens
from app.cards.models import Card
from app.db import DbSession
from app.households.key_conflicts import PLACEHOLDER
from app.households.models import (
    Document,
    DocumentKeyConflict,
    Household,
    Member,
    NameKey,
    NamePair,
)
from app.households.names import key_pair, name_keys, query_keys
from app.households.rules import document_key

MAX_QUERY = 100
CANDIDATES = 500  # names matched by their keys, ranked by closeness before the cut
# The stored keys a search's words may begin, at most; pairs of two words' keys, at most.
# Beyond (a word of one or two letters among many names), the people of each word are
# intersected instead: the same people, found by a slower way.
EXPANDED = 64
PAIRS = 256


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


# The statements every search of a name runs, built once (on the tables: no ORM rows).
_members = Member.__table__
_keys = NameKey.__table__
_pairs = NamePair.__table__
_documents = Document.__table__
_waiting = DocumentKeyConflict.__table__
_SHOWN = [_members.c[column.key] for column in _COLUMNS]

# The holders of a document number (any of the keys), and the documents waiting for that
# key (households.key_conflicts). One IN over both sets: with IN (...) OR IN (...),
# PostgreSQL walked every member in household order to test each against the two.
_BY_DOCUMENT = (
    select(*_SHOWN)
    .where(
        _members.c.id.in_(
            union(
                select(_documents.c.member_id).where(
                    _documents.c.number_key.in_(bindparam("keys", expanding=True))
                ),
                select(_documents.c.member_id)
                .join(_waiting, _waiting.c.document_id == _documents.c.id)
                .where(_waiting.c.number_key.in_(bindparam("waiting", expanding=True))),
            )
        )
    )
    .order_by(_members.c.household_id, _members.c.id)
    .limit(bindparam("limit"))
)


def _found(row: Sequence[Any], matched: str) -> Found:
    return Found(row[0], row[1], row[2], row[3], row[4], row[5], matched=matched)


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
        numbers = sorted(keys)
        rows = session.execute(
            _BY_DOCUMENT, {"keys": numbers, "waiting": numbers, "limit": limit}
        ).all()
        holding = [_found(row, "document") for row in rows]
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
    chosen = _candidates(session, groups)
    if chosen is None:
        return []
    candidates, params = chosen
    # Ranked on the keys stored for each name (index_names keeps name_keys of the four
    # names): the same skeletons as folding the names again, without transliterating
    # hundreds of names in Python on every search. The candidates' rows come with their keys.
    stored: dict[int, set[str]] = {}
    rows: dict[int, Found] = {}
    for row in session.execute(
        select(_keys.c.key, *_SHOWN)
        .join(_members, _members.c.id == _keys.c.member_id)
        .where(_keys.c.member_id.in_(candidates)),
        params,
    ):
        stored.setdefault(row[1], set()).add(row[0])
        rows[row[1]] = _found(row[1:], "name")
    wanted = " ".join(sorted(min(spellings) for spellings in groups))

    def closeness(member_id: int) -> float:
        return fuzz.token_set_ratio(wanted, " ".join(sorted(stored[member_id])))

    ranked = sorted(stored, key=lambda i: (-closeness(i), rows[i].household_id, i))
    return [rows[i] for i in ranked[:limit]]


Candidates = tuple[Select[tuple[int]] | CompoundSelect[tuple[int]], dict[str, object]]


def _candidates(session: DbSession, groups: list[set[str]]) -> Candidates | None:
    """The people every word finds (at most CANDIDATES of them), as a statement and its
    values; None when a word begins no stored key at all."""
    # A word typed twice finds the same people twice: "o o o ..." must cost one "o".
    groups = list({frozenset(keys): keys for keys in groups}.values())
    if len(groups) == 1:
        return _by_prefix(groups[0]).distinct().limit(CANDIDATES), {}
    prefixes = sorted(set().union(*groups))
    bounds: dict[str, object] = {"cap": EXPANDED}
    for i, prefix in enumerate(prefixes):
        bounds[f"lo{i}"], bounds[f"hi{i}"] = prefix, prefix + "{"
    found = session.scalars(_expansion(len(prefixes)), bounds).all()
    expanded = [{k for k in found if k.startswith(tuple(keys))} for keys in groups]
    if len(found) < EXPANDED and not all(expanded):
        return None
    first, second, *others = sorted(expanded, key=len)
    if len(found) >= EXPANDED or len(first) * len(second) > PAIRS:
        return intersect(*(_by_prefix(keys) for keys in groups)).limit(CANDIDATES), {}
    # Two different keys of the name hold the two words (a pair), or one key holds both
    # ("Ol Olena"): the same people as the intersection, from the pairs' index.
    params: dict[str, object] = {
        "pairs": sorted({key_pair(a, b) for a in first for b in second if a != b}),
        "same": sorted(first & second),
    }
    params.update({f"word{i}": sorted(keys) for i, keys in enumerate(others)})
    return _by_pairs(len(others)), params


def _by_prefix(keys: set[str]) -> Select[tuple[int]]:
    """The people with a key that begins like one of these."""
    return select(_keys.c.member_id).where(
        or_(*(and_(_keys.c.key >= k, _keys.c.key < k + "{") for k in sorted(keys)))
    )


@lru_cache(maxsize=16)
def _expansion(prefixes: int) -> TextClause:
    """The stored keys that begin like one of the prefixes :lo0, :lo1... (each below its
    :hiN), found one index seek each: the next key after the one found. A word's whole range
    is thousands of people; its distinct keys are a few."""
    bounds = " UNION ALL ".join(f"SELECT :lo{i} AS lo, :hi{i} AS hi" for i in range(prefixes))
    return text(
        "WITH RECURSIVE found(hi, key) AS ("
        f" SELECT hi, (SELECT min(key) FROM name_keys WHERE key >= lo AND key < hi)"
        f" FROM ({bounds}) AS prefixes"
        " UNION ALL"
        " SELECT found.hi,"
        " (SELECT min(key) FROM name_keys WHERE key > found.key AND key < found.hi)"
        " FROM found WHERE found.key IS NOT NULL"
        ") SELECT key FROM found WHERE key IS NOT NULL LIMIT :cap"
    )


@lru_cache(maxsize=16)
def _by_pairs(others: int) -> Select[tuple[int]]:
    """The people with a pair of keys in :pairs or a key in :same, and for each other word a
    key in :word0, :word1...; the first CANDIDATES of them by id."""
    found = union(
        select(_pairs.c.member_id).where(_pairs.c.pair.in_(bindparam("pairs", expanding=True))),
        select(_keys.c.member_id).where(_keys.c.key.in_(bindparam("same", expanding=True))),
    ).subquery("found")
    statement = select(found.c.member_id)
    for i in range(others):
        word = _keys.alias(f"word{i}")
        statement = statement.where(
            exists().where(
                word.c.member_id == found.c.member_id,
                word.c.key.in_(bindparam(f"word{i}", expanding=True)),
            )
        )
    return statement.order_by(found.c.member_id).limit(CANDIDATES)
