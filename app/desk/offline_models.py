"""Handovers made while the server did not answer, as the desks' journals report them.

Each journal entry the server receives is kept here once (per user and idempotency key), with
what the desk handed over and what the stock ledger could give for it. One whose household was
served elsewhere in the meantime is a double service: it is recorded, never dropped
(docs/decisions/0029-offline-desk.md).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, utcnow
from app.stock.models import Item

OFFLINE_OUTCOMES = ("served", "double")


class OfflineHandover(Base):
    """A handover journaled by a desk without the server, replayed at the time it happened.

    ``served``: it won the household's claim and has its own distribution. ``double``: the
    household had been served within the interval (at another desk during the outage, most
    often); ``distribution_id`` is then the handover that holds the claim.
    """

    __tablename__ = "offline_handovers"
    __table_args__ = (
        CheckConstraint("outcome IN ('served', 'double')", name="outcome_known"),
        # A journal sent twice (the answer was lost) records each handover once.
        UniqueConstraint("user_id", "key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    key: Mapped[str] = mapped_column(String(64))
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    card_id: Mapped[int | None] = mapped_column(ForeignKey("cards.id"))  # None once erased
    served_at: Mapped[datetime]
    served_on: Mapped[date] = mapped_column(index=True)  # the site's day of served_at
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    outcome: Mapped[str] = mapped_column(String(10))
    distribution_id: Mapped[int | None] = mapped_column(ForeignKey("distributions.id"))

    lines: Mapped[list[OfflineHandoverLine]] = relationship(order_by="OfflineHandoverLine.item_id")


class OfflineHandoverLine(Base):
    """An item the desk handed over offline, and how much of it the ledger had to take.

    ``taken`` below ``handed`` is a shortfall: the shelves gave what the ledger did not hold
    (stock never goes below zero), and the stock manager sees it on the double-services page.
    """

    __tablename__ = "offline_handover_lines"
    __table_args__ = (
        CheckConstraint("taken >= 0 AND taken <= handed", name="taken_within_handed"),
    )

    offline_handover_id: Mapped[int] = mapped_column(
        ForeignKey("offline_handovers.id"), primary_key=True
    )
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), primary_key=True)
    handed: Mapped[int]
    taken: Mapped[int]

    item: Mapped[Item] = relationship()
