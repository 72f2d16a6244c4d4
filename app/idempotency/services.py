"""Safe retries: the same Idempotency-Key again gives the first answer and records nothing.

A desk on a flaky LAN may send a handover twice (a timeout, a double click, a reconnecting
tablet). The key is claimed with an INSERT in the transaction of the write it guards: a
second request with the same key waits for the first (PostgreSQL waits on the uncommitted
key; SQLite's writers take turns), then finds the stored answer and returns it.

A stored answer may hold a working card's QR text (a registration's answer does), so it is
sealed with a key derived from CARD_KEY: a copy of the database alone reads nothing from it
(decision 0003). Answers are kept for a day.

An answer that names people (a registration's household, an added member) is stored with
their ids (``Names``), so that erasing them forgets exactly those answers (``forget_names``):
the key stays claimed, and a retry is told the answer was erased, never given the person.

The API's writes (``@writes``) and the desk page's handover both go through ``guard``: the
hash of what the request sends, the key claimed before the work, a successful answer kept
after it. The API hashes its JSON body; a page hashes the fields it posts (``form_body``).
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlencode

from cryptography.fernet import Fernet, InvalidToken
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, insert, or_, select, tuple_, update

from app.db import DbSession, dialect_insert
from app.errors import DomainError, ValidationFailed
from app.idempotency.models import IdempotencyName, IdempotencyRecord

KEY = re.compile(r"^[A-Za-z0-9_.:-]{1,100}$")


# The request hash of an answer forgotten because it named an erased person.
ERASED = "erased"


class KeyReused(DomainError):
    code = "idempotency_key_reused"
    status = 422


class AnswerErased(DomainError):
    code = "erased"
    status = 410


@dataclass
class Names:
    """Who an answer names: a household and people, by id."""

    household_ids: set[int] = field(default_factory=set)
    member_ids: set[int] = field(default_factory=set)

    def add(self, household_id: int | None = None, member_ids: Iterable[int] = ()) -> None:
        if household_id is not None:
            self.household_ids.add(household_id)
        self.member_ids.update(member_ids)


@dataclass(frozen=True)
class Replay:
    status: int
    content_type: str
    body: bytes


def request_hash(method: str, path: str, body: bytes) -> str:
    return hashlib.sha256(b"\n".join([method.encode(), path.encode(), body])).hexdigest()


def form_body(
    fields: Iterable[tuple[str, str]], *, leave_out: Collection[str] = ("csrf_token",)
) -> bytes:
    """What a page form posts, as the bytes to hash: its fields, sorted and URL-encoded,
    without those ``left_out`` (the CSRF token, signed anew each time a page is drawn, says
    nothing about the write). The same form sent again hashes the same, however the browser
    ordered or encoded it."""
    return urlencode(sorted((k, v) for k, v in fields if k not in leave_out)).encode()


@dataclass(frozen=True)
class Guard:
    """A write sent with an Idempotency-Key: whose, which key, and the hash of the request."""

    session: DbSession
    user_id: int
    key: str
    digest: str
    card_key: str

    def first_answer(self) -> Replay | None:
        """Claim the key, or the answer it already had (see claim)."""
        return claim(
            self.session,
            user_id=self.user_id,
            key=self.key,
            digest=self.digest,
            card_key=self.card_key,
        )

    def keep(
        self,
        *,
        status: int,
        content_type: str,
        body: bytes,
        now: datetime,
        names: Names | None = None,
    ) -> None:
        """Keep a successful answer to give again. An error answer (4xx, such as a refused
        handover's 409) is not kept: the key, claimed, may be sent again and the request runs
        again, as a request that failed."""
        if status >= 400:
            return
        store(
            self.session,
            user_id=self.user_id,
            key=self.key,
            status=status,
            content_type=content_type,
            body=body,
            card_key=self.card_key,
            now=now,
            names=names,
        )


def guard(
    session: DbSession,
    *,
    user_id: int | None,
    key: str | None,
    method: str,
    path: str,
    body: bytes,
    card_key: str,
) -> Guard | None:
    """The guard of a write that came with a key from someone; None without either."""
    if key is None or user_id is None:
        return None
    return Guard(session, user_id, key, request_hash(method, path, body), card_key)


def _sealer(card_key: str) -> Fernet:
    derived = hashlib.sha256(b"aiddesk-idempotency-v1:" + card_key.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(derived))


def claim(
    session: DbSession, *, user_id: int, key: str, digest: str, card_key: str
) -> Replay | None:
    """Claim the key for this request, or return the answer it already had.

    Raises KeyReused when the key came with a different request. A key whose request
    failed (no stored answer) may be used again for the same request.
    """
    if not KEY.match(key):
        raise ValidationFailed({"Idempotency-Key": _l("1-100 letters, digits or . _ : -")})
    insert = dialect_insert(session.get_bind().dialect.name)
    claimed = session.execute(
        insert(IdempotencyRecord)
        .values(user_id=user_id, key=key, request_hash=digest)
        .on_conflict_do_nothing(index_elements=["user_id", "key"])
    )
    if claimed.rowcount == 1:  # type: ignore[attr-defined]
        return None
    record = session.scalar(
        select(IdempotencyRecord)
        .where(IdempotencyRecord.user_id == user_id, IdempotencyRecord.key == key)
        .with_for_update()
    )
    assert record is not None
    if record.request_hash == ERASED:
        raise AnswerErased(_l("The answer to this request named people since erased."))
    if record.request_hash != digest:
        raise KeyReused(_l("This Idempotency-Key was used for another request."))
    if record.status is None:
        return None
    try:
        body = _sealer(card_key).decrypt(record.body or b"")
    except InvalidToken:
        # Sealed under another CARD_KEY: the answer is lost, so the request may run again.
        return None
    return Replay(record.status, record.content_type or "", body)


def store(
    session: DbSession,
    *,
    user_id: int,
    key: str,
    status: int,
    content_type: str,
    body: bytes,
    card_key: str,
    now: datetime,
    names: Names | None = None,
) -> None:
    """Keep the answer, sealed, with whom it names; now and then drop answers older than a
    day."""
    session.execute(
        update(IdempotencyRecord)
        .where(IdempotencyRecord.user_id == user_id, IdempotencyRecord.key == key)
        .values(status=status, content_type=content_type, body=_sealer(card_key).encrypt(body))
        .execution_options(synchronize_session=False)
    )
    rows = [{"household_id": h} for h in sorted(names.household_ids)] if names else []
    rows += [{"member_id": m} for m in sorted(names.member_ids)] if names else []
    if rows:
        session.execute(
            insert(IdempotencyName), [{"user_id": user_id, "key": key, **row} for row in rows]
        )
    if secrets.randbelow(PRUNE_ONE_IN) == 0:
        forget_older_than(session, now - RETENTION)


def forget_older_than(session: DbSession, moment: datetime) -> int:
    """Drop keys older than ``moment`` (a retry comes within minutes, not days)."""
    old = select(IdempotencyRecord.user_id, IdempotencyRecord.key).where(
        IdempotencyRecord.created_at < moment
    )
    session.execute(
        delete(IdempotencyName)
        .where(tuple_(IdempotencyName.user_id, IdempotencyName.key).in_(old))
        .execution_options(synchronize_session=False)
    )
    result = session.execute(
        delete(IdempotencyRecord)
        .where(IdempotencyRecord.created_at < moment)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount  # type: ignore[attr-defined]


def forget_names(
    session: DbSession, *, household_ids: Iterable[int] = (), member_ids: Iterable[int] = ()
) -> int:
    """Forget every stored answer that names these households or people, however old: the
    answer and its request's hash go, the key stays claimed, and a retry gets AnswerErased."""
    households, members = list(household_ids), list(member_ids)
    named = select(IdempotencyName.user_id, IdempotencyName.key).where(
        or_(IdempotencyName.household_id.in_(households), IdempotencyName.member_id.in_(members))
    )
    answers = [tuple(row) for row in session.execute(named.distinct())]
    if not answers:
        return 0
    pairs = tuple_(IdempotencyRecord.user_id, IdempotencyRecord.key).in_(answers)
    session.execute(
        update(IdempotencyRecord)
        .where(pairs)
        .values(request_hash=ERASED, status=None, content_type=None, body=None)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        delete(IdempotencyName)
        .where(tuple_(IdempotencyName.user_id, IdempotencyName.key).in_(answers))
        .execution_options(synchronize_session=False)
    )
    return len(answers)


RETENTION = timedelta(days=1)
PRUNE_ONE_IN = 50
