"""Safe retries: the same Idempotency-Key again gives the first answer and records nothing.

A desk on a flaky LAN may send a handover twice (a timeout, a double click, a reconnecting
tablet). The key is claimed with an INSERT in the transaction of the write it guards: a
second request with the same key waits for the first (PostgreSQL waits on the uncommitted
key; SQLite's writers take turns), then finds the stored answer and returns it.

A stored answer may hold a working card's QR text (a registration's answer does), so it is
sealed with a key derived from CARD_KEY: a copy of the database alone reads nothing from it
(decision 0003). Answers are kept for a day.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from cryptography.fernet import Fernet, InvalidToken
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from app.db import dialect_insert
from app.errors import DomainError, ValidationFailed
from app.idempotency.models import IdempotencyRecord

KEY = re.compile(r"^[A-Za-z0-9_.:-]{1,100}$")


class KeyReused(DomainError):
    code = "idempotency_key_reused"
    status = 422


@dataclass(frozen=True)
class Replay:
    status: int
    content_type: str
    body: bytes


def request_hash(method: str, path: str, body: bytes) -> str:
    return hashlib.sha256(b"\n".join([method.encode(), path.encode(), body])).hexdigest()


def _sealer(card_key: str) -> Fernet:
    derived = hashlib.sha256(b"aiddesk-idempotency-v1:" + card_key.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(derived))


def claim(session: Session, *, user_id: int, key: str, digest: str, card_key: str) -> Replay | None:
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
    session: Session,
    *,
    user_id: int,
    key: str,
    status: int,
    content_type: str,
    body: bytes,
    card_key: str,
    now: datetime,
) -> None:
    """Keep the answer, sealed; now and then drop answers older than a day."""
    session.execute(
        update(IdempotencyRecord)
        .where(IdempotencyRecord.user_id == user_id, IdempotencyRecord.key == key)
        .values(status=status, content_type=content_type, body=_sealer(card_key).encrypt(body))
        .execution_options(synchronize_session=False)
    )
    if secrets.randbelow(PRUNE_ONE_IN) == 0:
        forget_older_than(session, now - RETENTION)


def forget_older_than(session: Session, moment: datetime) -> int:
    """Drop keys older than ``moment`` (a retry comes within minutes, not days)."""
    result = session.execute(
        delete(IdempotencyRecord)
        .where(IdempotencyRecord.created_at < moment)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount  # type: ignore[attr-defined,no-any-return]


RETENTION = timedelta(days=1)
PRUNE_ONE_IN = 50
