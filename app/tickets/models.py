"""A queue ticket: a short number per line and day, and nothing about the family."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, utcnow

# The lines at the door, and the letter their numbers are printed with.
LINES = {"distribution": "A", "registration": "R"}


class Ticket(Base):
    """A place in a line for one day. A distribution ticket points at the card it was issued
    for (one a day: the unique key holds it when eight doors scan the same card at once); a
    registration ticket points at nothing. No name, no document (decision 0032)."""

    __tablename__ = "queue_tickets"
    __table_args__ = (
        UniqueConstraint("card_id", "day"),
        UniqueConstraint("site_id", "line", "day", "number"),
        CheckConstraint("line IN ('distribution', 'registration')", name="line"),
        CheckConstraint("number > 0", name="number"),
        # The hall screen and the dashboard read a day's calls and closes.
        Index("ix_queue_tickets_day_called_at", "day", "called_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    line: Mapped[str] = mapped_column(String(20))
    day: Mapped[date]
    number: Mapped[int]
    card_id: Mapped[int | None] = mapped_column(ForeignKey("cards.id"))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    called_at: Mapped[datetime | None]
    desk: Mapped[str | None] = mapped_column(String(20))
    # Called and not answered, it goes back once (AID_QUEUE_RECALL_MINUTES).
    recalled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    closed_at: Mapped[datetime | None]
    # The card scanned at the desk was not this ticket's (a warning, not a refusal).
    other_card: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
