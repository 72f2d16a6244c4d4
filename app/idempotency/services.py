"""Safe retries: the same Idempotency-Key again gives the first answer and records nothing.

A desk on a flaky LAN may send a handover twice (a timeout, a double click, a reconnecting
tablet). The key is claimed with an INSERT in the transaction of the write it guards: a
second request with the same key waits for the first (PostgreSQL waits on the uncommitted
key; SQLite's writers take turns), then finds the stored answer and returns it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

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


def claim(session: Session, *, user_id: int, key: str, digest: str) -> Replay | None:
    """Claim the key for this request, or return the answer it already had.

    Raises KeyReused when the key came with a different request. A key whose request
    failed (no stored answer) may be used again for the same request.
    """
    if not KEY.match(key):
        raise ValidationFailed({"Idempotency-Key": "1-100 letters, digits or . _ : -"})
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
        raise KeyReused("This Idempotency-Key was used for another request.")
    if record.status is None:
        return None
    return Replay(record.status, record.content_type or "", record.body or b"")


def store(
    session: Session, *, user_id: int, key: str, status: int, content_type: str, body: bytes
) -> None:
    session.execute(
        update(IdempotencyRecord)
        .where(IdempotencyRecord.user_id == user_id, IdempotencyRecord.key == key)
        .values(status=status, content_type=content_type, body=body)
        .execution_options(synchronize_session=False)
    )


def forget_older_than(session: Session, moment: datetime) -> int:
    """Drop keys older than ``moment`` (a retry comes within minutes, not days)."""
    result = session.execute(
        delete(IdempotencyRecord)
        .where(IdempotencyRecord.created_at < moment)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount  # type: ignore[attr-defined,no-any-return]


RETENTION = timedelta(days=1)
