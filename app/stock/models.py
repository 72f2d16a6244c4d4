"""The catalog, and stock as an append-only ledger with an on-hand figure per site."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, utcnow
from app.names import name_in
from app.sites.models import Site

CATEGORIES = ("food", "hygiene", "baby", "clothing", "voucher", "medical_voucher", "other")
MOVEMENT_KINDS = (
    "donation",
    "handover",
    "adjustment",
    "transfer_out",
    "transfer_in",
    "count_correction",
    "expiry_writeoff",
    "voucher_batch",
)
DONOR_KINDS = ("person", "company", "ngo")
# A lot without an expiry date is kept under this date: it sorts last when the shelves are
# worked first-expiring first, and the (site, item, expires_on, lot) key stays unique, which
# a NULL would not make it on SQLite.
NO_EXPIRY = date(9999, 12, 31)


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


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
    # Handed over only with a scanned serial each; turned on by the item's first voucher batch.
    serial_tracked: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    unit: Mapped[str] = mapped_column(String(20), default="piece", server_default="piece")
    # Under this figure (all sites together) the item shows as low stock.
    minimum: Mapped[int] = mapped_column(default=0, server_default="0")
    # The name in the other interface languages ({"ro": ..., "uk": ...}); see app/names.py.
    names: Mapped[dict[str, str]] = mapped_column(JSON, default=dict, server_default="{}")

    barcodes: Mapped[list[Barcode]] = relationship(order_by="Barcode.code")

    def name_in(self, language: str | None) -> str:
        return name_in(self.name, self.names, language)


class Barcode(Base):
    """A manufacturer's box code (EAN-13 and the like) for an item; a box holds a pack."""

    __tablename__ = "barcodes"
    __table_args__ = (CheckConstraint("pack_quantity > 0", name="pack_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), index=True)
    pack_quantity: Mapped[int] = mapped_column(default=1)


class Donor(Base):
    """Who gives: a person, a company or a partner NGO."""

    __tablename__ = "donors"
    __table_args__ = (CheckConstraint(_one_of("kind", DONOR_KINDS), name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    # None for a donor first named in the API without a kind.
    kind: Mapped[str | None] = mapped_column(String(10))
    contact: Mapped[str | None] = mapped_column(String(200))


class StockLevel(Base):
    """What is on the shelves of one site. Kept equal to the sum of its movements."""

    __tablename__ = "stock_levels"
    __table_args__ = (CheckConstraint("on_hand >= 0", name="not_negative"),)

    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), primary_key=True)
    # 64-bit: a warehouse's running count must not overflow where SQLite would not.
    on_hand: Mapped[int] = mapped_column(BigInteger, default=0)


class StockLot(Base):
    """What is left of one lot at one site: stock with one lot number and one expiry date.

    The lots of a (site, item) always add up to its StockLevel: every movement changes both in
    one transaction. Stock in lands in its lot (a donation line's, the lots a transfer carried)
    or in the unlotted lot (``lot`` empty, ``expires_on`` NO_EXPIRY); stock out takes the
    first-expiring lots first unless it names its lot (a write-off, a donation's reversal).
    """

    __tablename__ = "stock_lots"
    __table_args__ = (
        CheckConstraint("on_hand >= 0", name="not_negative"),
        UniqueConstraint("site_id", "item_id", "expires_on", "lot"),
        Index("ix_stock_lots_site_expires", "site_id", "expires_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    # The donor's lot number; empty when the line had none.
    lot: Mapped[str] = mapped_column(String(40), default="", server_default="")
    expires_on: Mapped[date]
    on_hand: Mapped[int] = mapped_column(BigInteger, default=0)


class StockMovement(Base):
    """One change of stock: positive in, negative out. Never updated, never deleted."""

    __tablename__ = "stock_movements"
    __table_args__ = (
        CheckConstraint("quantity <> 0", name="not_zero"),
        CheckConstraint(_one_of("kind", MOVEMENT_KINDS), name="kind"),
        Index("ix_stock_movements_item_site", "item_id", "site_id"),
        Index("ix_stock_movements_at", "at"),
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
    transfer_id: Mapped[int | None] = mapped_column(ForeignKey("transfers.id"), index=True)
    voucher_batch_id: Mapped[int | None] = mapped_column(ForeignKey("voucher_batches.id"))
    # The lot it put stock in or took it from (empty before migration 0012). A movement that
    # takes from several lots is recorded as one movement per lot.
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("stock_lots.id"))
    # Why an adjustment, a transfer or a write-off was made; free text, no personal data.
    reason: Mapped[str | None] = mapped_column(String(200))


class Donation(Base):
    """Stock received from a donor. Never changed: a wrong one is reversed by another
    donation (``reverses_id``) that takes its lines off the shelves again."""

    __tablename__ = "donations"

    id: Mapped[int] = mapped_column(primary_key=True)
    donor: Mapped[str] = mapped_column(String(200))
    donor_id: Mapped[int | None] = mapped_column(ForeignKey("donors.id"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    received_on: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str | None] = mapped_column(String(500))
    # Unique: a donation is reversed once.
    reverses_id: Mapped[int | None] = mapped_column(
        ForeignKey("donations.id"), unique=True, index=True
    )

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
    lot: Mapped[str | None] = mapped_column(String(40))

    donation: Mapped[Donation] = relationship(back_populates="lines")
    item: Mapped[Item] = relationship()


class Transfer(Base):
    """Stock sent from one site to another: out when sent, in (what arrived) when received."""

    __tablename__ = "transfers"
    __table_args__ = (
        CheckConstraint("from_site_id <> to_site_id", name="two_sites"),
        CheckConstraint("sent > 0", name="sent_positive"),
        CheckConstraint("received IS NULL OR received >= 0", name="received_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    from_site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    to_site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    sent: Mapped[int] = mapped_column(BigInteger)
    received: Mapped[int | None] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(String(200))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    received_at: Mapped[datetime | None]
    received_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    item: Mapped[Item] = relationship()
    from_site: Mapped[Site] = relationship(foreign_keys=[from_site_id])
    to_site: Mapped[Site] = relationship(foreign_keys=[to_site_id])


class VoucherBatch(Base):
    """A numbered batch of vouchers from a donor: serials prefix + first..last."""

    __tablename__ = "voucher_batches"
    __table_args__ = (CheckConstraint("last_number >= first_number", name="range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    donor: Mapped[str] = mapped_column(String(200))
    prefix: Mapped[str] = mapped_column(String(20))
    first_number: Mapped[int] = mapped_column(BigInteger)
    last_number: Mapped[int] = mapped_column(BigInteger)
    width: Mapped[int]  # digits, zero-padded; 0 for plain numbers
    received_on: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    item: Mapped[Item] = relationship()


class Voucher(Base):
    """One voucher of a batch. Issued once: the conditional UPDATE that sets its distribution
    only changes a row whose distribution is still empty."""

    __tablename__ = "vouchers"

    id: Mapped[int] = mapped_column(primary_key=True)
    serial: Mapped[str] = mapped_column(String(40), unique=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("voucher_batches.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    distribution_id: Mapped[int | None] = mapped_column(ForeignKey("distributions.id"), index=True)
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"), index=True)
    issued_at: Mapped[datetime | None]


class StockCount(Base):
    """A count of one site's shelves: started, lines entered, finished into corrections."""

    __tablename__ = "stock_counts"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    finished_at: Mapped[datetime | None]
    finished_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    site: Mapped[Site] = relationship()
    lines: Mapped[list[StockCountLine]] = relationship(order_by="StockCountLine.item_id")


class StockCountLine(Base):
    """What was counted of one item; an item without a line is left as it is."""

    __tablename__ = "stock_count_lines"
    __table_args__ = (CheckConstraint("counted >= 0", name="not_negative"),)

    count_id: Mapped[int] = mapped_column(ForeignKey("stock_counts.id"), primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), primary_key=True)
    counted: Mapped[int] = mapped_column(BigInteger)
    # Filled when the count is finished: on hand before the correction.
    expected: Mapped[int | None] = mapped_column(BigInteger)

    item: Mapped[Item] = relationship()
