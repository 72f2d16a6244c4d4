"""Checking an import's rows (households.imports): the file's rows into households, and
every problem with them, row by row. The job runner, its progress and the saving are in
households.imports.job and registry.import_save.

Each problem's message is lazily translated (as the rules give them): it is stored with the
job as its message id and values (problems_to_json), and read back in the language of whoever
opens the preview (problems_from_json).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, tuple_

from app.db import DbSession
from app.errors import Message
from app.households.duplicates import PERSON_COLUMNS, like
from app.households.models import Document, Household, Member
from app.households.rules import (
    DOCUMENT_TYPES,
    RELATIONSHIPS,
    SEX_CHOICES,
    NewDocument,
    NewHousehold,
    NewMember,
    check_household,
    one_of,
)
from app.households.services import identity as document_identity
from app.households.services import normal_phone
from app.i18n import message_from_json, message_to_json

CHUNK = 500
_SEXES = {"f": "F", "female": "F", "ж": "F", "m": "M", "male": "M", "ч": "M", "x": "X"}
_DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%Y/%m/%d")


# --- Rows into households (pure) -----------------------------------------------------------


@dataclass
class Problem:
    row: int  # the row's number in the file, the header being row 1
    field: str
    message: Message


@dataclass
class Group:
    """One household of the file: its members and the file's row number of each."""

    rows: list[int] = field(default_factory=list)
    members: list[NewMember] = field(default_factory=list)
    phone: str | None = None
    locality: str | None = None

    def household(self) -> NewHousehold:
        return NewHousehold(tuple(self.members), self.phone, self.locality)


def _date(text: str) -> date | None:
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def build_groups(
    rows: list[list[str]], mapping: dict[str, int | None]
) -> tuple[list[Group], list[Problem]]:
    """The file's households, and the problems of rows that cannot even be read (a date that
    is not one, a sex or type not known)."""

    def get(row: list[str], name: str) -> str:
        index = mapping.get(name)
        return row[index].strip() if index is not None and index < len(row) else ""

    groups: dict[str, Group] = {}
    problems: list[Problem] = []
    for i, row in enumerate(rows):
        number = i + 2
        key = get(row, "household") or f"\x00{number}"
        group = groups.setdefault(key, Group())
        bad = len(problems)
        born = _date(get(row, "birth_date"))
        if born is None:
            problems.append(
                Problem(number, "birth_date", _l("not a date (YYYY-MM-DD or DD.MM.YYYY)"))
            )
        expires_text = get(row, "document_expires_on")
        expires = _date(expires_text) if expires_text else None
        if expires_text and expires is None:
            problems.append(Problem(number, "document_expires_on", _l("not a date")))
        sex = _SEXES.get(get(row, "sex").lower())
        if sex is None:
            problems.append(Problem(number, "sex", SEX_CHOICES))
        relationship = get(row, "relationship").lower() or ("head" if not group.rows else "other")
        if relationship not in RELATIONSHIPS:
            problems.append(Problem(number, "relationship", one_of(RELATIONSHIPS)))
        doc_type = get(row, "document_type").lower().replace(" ", "_") or "passport"
        if doc_type not in DOCUMENT_TYPES:
            problems.append(Problem(number, "document_type", one_of(DOCUMENT_TYPES)))
        if len(problems) > bad:
            continue
        group.rows.append(number)
        group.phone = group.phone or get(row, "phone") or None
        group.locality = group.locality or get(row, "locality") or None
        group.members.append(
            NewMember(
                given_name=get(row, "given_name"),
                family_name=get(row, "family_name"),
                given_name_native=get(row, "given_name_native") or None,
                family_name_native=get(row, "family_name_native") or None,
                # A None born or sex added a problem above, and such a row was skipped.
                birth_date=born,  # type: ignore[arg-type]
                sex=sex,  # type: ignore[arg-type]
                relationship=relationship,
                documents=(
                    NewDocument(
                        doc_type,
                        get(row, "document_number"),
                        get(row, "document_country") or "UKR",
                        expires,
                    ),
                ),
            )
        )
    return [g for g in groups.values() if g.members], problems


def _problems_of(group: Group, fields: dict[str, Message]) -> list[Problem]:
    found = []
    for path, message in fields.items():
        parts = path.split(".")
        if parts[0] == "members" and len(parts) > 2 and parts[1].isdigit():
            row = group.rows[int(parts[1])]
            name = "document_" + parts[4] if parts[2] == "documents" else parts[2]
            found.append(Problem(row, name, message))
        else:
            found.append(Problem(group.rows[0], path, message))
    return found


# --- Checking against the register -----------------------------------------------------------


def check_groups(
    session: DbSession, groups: list[Group], today: date, progress: Callable[[int], None]
) -> list[Problem]:
    """Every problem of the file: the desk's checks per household, a document written twice
    in the file or held by someone registered, and people like someone registered."""
    problems: list[Problem] = []
    seen: dict[tuple[str, str, str], int] = {}
    done = 0
    for group in groups:
        problems += _problems_of(group, check_household(group.household(), today, typed=True))
        for row, member in zip(group.rows, group.members, strict=True):
            for document in member.documents:
                identity = document_identity(document)
                if identity in seen:
                    message = _l("the same document as row %(row)s", row=seen[identity])
                    problems.append(Problem(row, "document_number", message))
                seen.setdefault(identity, row)
        done += len(group.rows)
        progress(done // 2)
    rows_of = {identity: row for identity, row in seen.items()}
    identities = list(rows_of)
    for start in range(0, len(identities), CHUNK):
        chunk = identities[start : start + CHUNK]
        for type_, country, key, household_id in session.execute(
            select(Document.type, Document.country, Document.number_key, Member.household_id)
            .join(Member, Member.id == Document.member_id)
            .where(tuple_(Document.type, Document.country, Document.number_key).in_(chunk))
        ):
            problems.append(
                Problem(
                    rows_of[(type_, country, key)],
                    "document_number",
                    _l("registered already, in household %(id)s", id=household_id),
                )
            )
    problems += _likely(session, groups)
    progress(done)
    return sorted(problems, key=lambda p: p.row)


def _likely(session: DbSession, groups: list[Group]) -> list[Problem]:
    dates = sorted({m.birth_date for g in groups for m in g.members})
    phones = sorted({p for g in groups if (p := normal_phone(g.phone))})
    by_date: dict[date, list[Any]] = defaultdict(list)
    by_phone: dict[str, list[Any]] = defaultdict(list)
    query = select(*PERSON_COLUMNS, Household.phone).join(
        Household, Household.id == Member.household_id
    )
    for start in range(0, len(dates), CHUNK):
        chunk = dates[start : start + CHUNK]
        for row in session.execute(query.where(Member.birth_date.in_(chunk))):
            by_date[row.birth_date].append(row)
    for start in range(0, len(phones), CHUNK):
        for row in session.execute(query.where(Household.phone.in_(phones[start : start + CHUNK]))):
            by_phone[row.phone].append(row)
    problems = []
    for group in groups:
        phone = normal_phone(group.phone)
        for number, member in zip(group.rows, group.members, strict=True):
            alike = [r for r in by_date.get(member.birth_date, []) if like(member, r)]
            alike += [r for r in by_phone.get(phone or "", []) if like(member, r)]
            if alike:
                person = alike[0]
                problems.append(
                    Problem(
                        number,
                        "given_name",
                        _l(
                            "like %(name)s, registered in household %(id)s: check, and leave "
                            "the row out if it is them",
                            name=f"{person.given_name} {person.family_name}",
                            id=person.household_id,
                        ),
                    )
                )
    return problems


def problems_to_json(problems: list[Problem]) -> str:
    """The problems as the job keeps them: each message as its id and values, untranslated."""
    listed = [[p.row, p.field, message_to_json(p.message)] for p in problems]
    return json.dumps(listed, ensure_ascii=False)


def problems_from_json(raw: str | None) -> list[Problem]:
    return [Problem(row, name, message_from_json(m)) for row, name, m in json.loads(raw or "[]")]
