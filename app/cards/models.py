from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, LargeBinary, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import NEVER_REUSED, Base, utcnow
from app.households.models import Household


class Card(Base):
    """A printed card. Only the nonce and the token's hash are stored (see cards.tokens)."""

    __tablename__ = "cards"
    __table_args__ = (
        # One card in force per household; issuing a new one revokes the old one first.
        Index(
            "uq_cards_one_current",
            "household_id",
            unique=True,
            sqlite_where=text("revoked_at IS NULL"),
            postgresql_where=text("revoked_at IS NULL"),
        ),
        NEVER_REUSED,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    number: Mapped[str] = mapped_column(String(10), unique=True)
    nonce: Mapped[bytes] = mapped_column(LargeBinary(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str | None] = mapped_column(String(200))
    revoked_at: Mapped[datetime | None]

    household: Mapped[Household] = relationship()


class CardSheetJob(Base):
    """A sheet of cards being made in the background (see cards.jobs). The progress is kept
    here, not in memory, so any of the app's processes can answer the page that polls it."""

    __tablename__ = "card_sheet_jobs"
    __table_args__ = (
        CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(10), default="queued")
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int]
    # Only the download reads it: polls of the progress leave the bytes in the database.
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    message: Mapped[str | None] = mapped_column(String(200))
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
