"""Finding people: by card number, document number, phone or name, from one box."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from app.cards import tokens
from app.cards.models import Card
from app.households.models import Document, Household, Member
from app.households.rules import document_key

MAX_QUERY = 100


@dataclass(frozen=True)
class Found:
    person_id: int
    household_id: int
    given_name: str
    family_name: str
    birth_date: date
    relationship: str
    matched: str  # what matched: card, document, phone or name


def _people(session: Session, where: object, matched: str, limit: int) -> list[Found]:
    rows = session.execute(
        select(
            Member.id,
            Member.household_id,
            Member.given_name,
            Member.family_name,
            Member.birth_date,
            Member.relationship,
        )
        .where(where)  # type: ignore[arg-type]
        .order_by(Member.household_id, Member.id)
        .limit(limit)
    ).all()
    return [Found(*row, matched=matched) for row in rows]


def search_people(session: Session, query: str, limit: int = 20) -> list[Found]:
    """People matching the query, best matches first: a card number (any card the household
    ever had), a document number (spaces, dashes and case ignored), a phone number, or names
    (every word must begin a given or family name)."""
    query = query.strip()[:MAX_QUERY]
    if not query:
        return []
    found: list[Found] = []
    scan = tokens.read_scan(query)
    if scan.kind == "number":
        households = select(Card.household_id).where(Card.number == scan.value)
        found += _people(session, Member.household_id.in_(households), "card", limit)
    keys = {document_key(query), document_key(query, "birth_certificate", "UKR")}
    if len(document_key(query)) >= 4:
        holders = select(Document.member_id).where(Document.number_key.in_(keys))
        found += _people(session, Member.id.in_(holders), "document", limit)
    digits = re.sub(r"\D", "", query)
    if len(digits) >= 6 and not found:
        households = select(Household.id).where(
            Household.phone.is_not(None), Household.phone.contains(digits[-9:])
        )
        found += _people(session, Member.household_id.in_(households), "phone", limit)
    words = [w for w in re.split(r"\s+", query) if w and not any(c.isdigit() for c in w)]
    if words:
        conditions = [
            or_(
                *(
                    column.ilike(f"{_escape(w)}%", escape="\\")
                    for column in (
                        Member.given_name,
                        Member.family_name,
                        Member.given_name_native,
                        Member.family_name_native,
                    )
                )
            )
            for w in words
        ]
        found += _people(session, and_(*conditions), "name", limit)
    unique: dict[int, Found] = {}
    for person in found:
        unique.setdefault(person.person_id, person)
    return list(unique.values())[:limit]


def _escape(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
