"""Sites, the catalog, and stock as an append-only ledger with an on-hand figure per site."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, utcnow

CATEGORIES = ("food", "hygiene", "baby", "clothing", "voucher", "medical_voucher", "other")
MOVEMENT_KINDS = ("donation", "handover")


class Site(Base):
    """A distribution point or a warehouse."""

    __tablename__ = "sites"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20), default="distribution")


class Item(Base):
    __tablename__ = "items"
    __table_args__ = (
        CheckConstraint(
            "category IN ('food', 'hygiene', 'baby', 'clothing', 'voucher', "
            "'medical_voucher', 'other')",
            name="category",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sku: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    category: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class StockLevel(Base):
    """What is on the shelves of one site. Kept equal to the sum of its movements."""

    __tablename__ = "stock_levels"
    __table_args__ = (CheckConstraint("on_hand >= 0", name="not_negative"),)

    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), primary_key=True)
    # 64-bit: a warehouse's running count must not overflow where SQLite would not.
    on_hand: Mapped[int] = mapped_column(BigInteger, default=0)


class StockMovement(Base):
    """One change of stock: positive in, negative out. Never updated, never deleted."""

    __tablename__ = "stock_movements"
    __table_args__ = (
        CheckConstraint("quantity <> 0", name="not_zero"),
        Index("ix_stock_movements_item_site", "item_id", "site_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    quantity: Mapped[int] = mapped_column(BigInteger)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    donation_id: Mapped[int | None] = mapped_column(ForeignKey("donations.id"), index=True)
    distribution_id: Mapped[int | None] = mapped_column(ForeignKey("distributions.id"), index=True)


class Donation(Base):
    __tablename__ = "donations"

    id: Mapped[int] = mapped_column(primary_key=True)
    donor: Mapped[str] = mapped_column(String(200))
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    received_on: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    lines: Mapped[list[DonationLine]] = relationship(
        back_populates="donation", order_by="DonationLine.id", cascade="all, delete-orphan"
    )


class DonationLine(Base):
    __tablename__ = "donation_lines"
    __table_args__ = (CheckConstraint("quantity > 0", name="positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    donation_id: Mapped[int] = mapped_column(ForeignKey("donations.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    quantity: Mapped[int]
    expires_on: Mapped[date | None]

    donation: Mapped[Donation] = relationship(back_populates="lines")
    item: Mapped[Item] = relationship()
