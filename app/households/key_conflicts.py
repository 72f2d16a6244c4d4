"""Documents that could not take their key: the same document registered twice, typed on two
keyboards (``FA123456`` and ``FА123456``, with a Cyrillic А) before the document key folded
them into one (documents.keys).

Migration 0014 re-keyed every document. Where two now have one key, the first registered
keeps it and the other waits in DocumentKeyConflict with a placeholder key ("~" and its id),
so the database's "one document, one person" holds and the upgrade never fails. Nothing is
merged: whether the two are one family registered twice or two documents that only look
alike is for a coordinator to judge, with the people in front of them. They resolve it with
the tools that exist (erase the duplicate household, move its people, or let a member go),
then settle: each waiting document whose key is free again takes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select, tuple_, update
from sqlalchemy.exc import IntegrityError

from app.db import DbSession
from app.households.models import Document, DocumentKeyConflict, Member

PLACEHOLDER = "~"  # never in a key: a number holds letters, digits and separators only


def placeholder_key(document_id: int) -> str:
    return f"{PLACEHOLDER}{document_id}"


@dataclass(frozen=True)
class Holder:
    """One side of a conflict: a document, its holder and household."""

    document_id: int
    household_id: int
    member_id: int
    name: str
    number: str


@dataclass(frozen=True)
class KeyConflict:
    type: str
    country: str
    key: str
    found_at: datetime
    waiting: Holder  # the document without its key
    holder: Holder | None  # the document holding it; None once it is gone (settle)


_HOLDER_COLUMNS = (
    Document.id,
    Member.household_id,
    Member.id,
    Member.given_name,
    Member.family_name,
    Document.number,
)


def _holder(row: tuple[int, int, int, str, str, str]) -> Holder:
    document_id, household_id, member_id, given, family, number = row
    return Holder(document_id, household_id, member_id, f"{given} {family}", number)


def count_key_conflicts(session: DbSession) -> int:
    return session.scalar(select(func.count()).select_from(DocumentKeyConflict)) or 0


def key_conflicts(session: DbSession) -> list[KeyConflict]:
    """Every waiting document beside the one that holds its key, oldest first."""
    rows = session.execute(
        select(DocumentKeyConflict, Document.type, Document.country, *_HOLDER_COLUMNS)
        .join(Document, Document.id == DocumentKeyConflict.document_id)
        .join(Member, Member.id == Document.member_id)
        .order_by(DocumentKeyConflict.found_at, DocumentKeyConflict.document_id)
    ).all()
    identities = [(r.type, r.country, r.DocumentKeyConflict.number_key) for r in rows]
    holders: dict[tuple[str, str, str], Holder] = {}
    if identities:
        for type_, country, key, *rest in session.execute(
            select(Document.type, Document.country, Document.number_key, *_HOLDER_COLUMNS)
            .join(Member, Member.id == Document.member_id)
            .where(tuple_(Document.type, Document.country, Document.number_key).in_(identities))
        ):
            # rest: the six _HOLDER_COLUMNS, which mypy cannot count in a starred unpack.
            holders[(type_, country, key)] = _holder(tuple(rest))  # type: ignore[arg-type]
    return [
        KeyConflict(
            type=r.type,
            country=r.country,
            key=r.DocumentKeyConflict.number_key,
            found_at=r.DocumentKeyConflict.found_at,
            waiting=_holder(tuple(r[3:])),  # type: ignore[arg-type]  # as above
            holder=holders.get((r.type, r.country, r.DocumentKeyConflict.number_key)),
        )
        for r in rows
    ]


def settle_key_conflicts(session: DbSession) -> int:
    """Give each waiting document its key where no other document holds it any more (the
    coordinator erased or corrected the other); the rest stay listed. Returns how many
    took their key. The unique key decides: a document registered with the key meanwhile
    keeps it, and the waiting one stays listed beside it."""
    settled = 0
    for conflict in key_conflicts(session):
        if conflict.holder is not None:
            continue
        try:
            with session.begin_nested():
                session.execute(
                    update(Document)
                    .where(Document.id == conflict.waiting.document_id)
                    .values(number_key=conflict.key)
                    .execution_options(synchronize_session=False)
                )
                session.execute(
                    delete(DocumentKeyConflict).where(
                        DocumentKeyConflict.document_id == conflict.waiting.document_id
                    )
                )
        except IntegrityError:
            continue
        settled += 1
    return settled


def waiting_for(session: DbSession, identities: list[tuple[str, str, str]]) -> int | None:
    """The household of a waiting document with one of these (type, country, key), if any:
    the document is registered, only its key is not written yet."""
    if not identities:
        return None
    # From the waiting documents' keys first (a handful, on their index): led by the
    # (type, country) of the row value, SQLite read every passport of the country instead.
    keys = {key for _, _, key in identities}
    return session.scalar(
        select(Member.household_id)
        .select_from(DocumentKeyConflict)
        .join(Document, Document.id == DocumentKeyConflict.document_id)
        .join(Member, Member.id == Document.member_id)
        .where(
            DocumentKeyConflict.number_key.in_(keys),
            tuple_(Document.type, Document.country, DocumentKeyConflict.number_key).in_(identities),
        )
        .limit(1)
    )
