from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, utcnow


class IdempotencyRecord(Base):
    """The first answer to a write sent with an Idempotency-Key, to give again on a retry.

    The row is inserted in the same transaction as the write it guards, so either both are
    there or neither; ``status`` is empty until the answer is known.
    """

    __tablename__ = "idempotency_keys"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[int | None]
    content_type: Mapped[str | None] = mapped_column(String(100))
    body: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class IdempotencyName(Base):
    """Who a stored answer names: its household and its people, so that erasing them deletes
    exactly the answers that would give them back (privacy.services), however old.

    No foreign keys: the answer and these rows go together, before the people they name."""

    __tablename__ = "idempotency_names"
    __table_args__ = (
        Index("ix_idempotency_names_answer", "user_id", "key"),
        CheckConstraint("household_id IS NOT NULL OR member_id IS NOT NULL", name="names_someone"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int]
    key: Mapped[str] = mapped_column(String(100))
    household_id: Mapped[int | None] = mapped_column(index=True)
    member_id: Mapped[int | None] = mapped_column(index=True)
