from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint, text

# Member has a column named "relationship", so the ORM function goes by another name here.
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.orm import relationship as relation

from app.db import Base, utcnow


class Household(Base):
    """The family that comes together and holds one card."""

    __tablename__ = "households"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    registered_on: Mapped[date] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    phone: Mapped[str | None] = mapped_column(String(32))
    locality: Mapped[str | None] = mapped_column(String(100))
    # The eligibility state. Only desk.services.record_handover changes it, with a conditional
    # UPDATE whose row count decides which of two simultaneous desks serves the household.
    last_served_on: Mapped[date | None]
    # Set when the household was erased (privacy.services): the row stays, empty, so that
    # the visits and counts of past days keep their household.
    erased_at: Mapped[datetime | None]

    members: Mapped[list[Member]] = relation(
        back_populates="household", order_by="Member.id", cascade="all, delete-orphan"
    )

    @property
    def head(self) -> Member:
        return next(m for m in self.members if m.relationship == "head")


class Member(Base):
    """A person of a household, known by at least one document."""

    __tablename__ = "members"
    __table_args__ = (
        CheckConstraint("sex IN ('F', 'M', 'X')", name="sex"),
        CheckConstraint(
            "relationship IN ('head', 'spouse', 'child', 'parent', 'sibling', 'other')",
            name="relationship",
        ),
        # Exactly one head per household: at most one here, at least one in the service.
        Index(
            "uq_members_one_head",
            "household_id",
            unique=True,
            sqlite_where=text("relationship = 'head'"),
            postgresql_where=text("relationship = 'head'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    given_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100))
    # The name in its own script (Cyrillic for most), when the document shows it.
    given_name_native: Mapped[str | None] = mapped_column(String(100))
    family_name_native: Mapped[str | None] = mapped_column(String(100))
    birth_date: Mapped[date]
    sex: Mapped[str] = mapped_column(String(1))
    relationship: Mapped[str] = mapped_column(String(10))
    disability: Mapped[bool] = mapped_column(default=False)
    chronic_disease: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    household: Mapped[Household] = relation(back_populates="members")
    documents: Mapped[list[Document]] = relation(
        back_populates="member", order_by="Document.id", cascade="all, delete-orphan"
    )

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def native_name(self) -> str | None:
        parts = [p for p in (self.given_name_native, self.family_name_native) if p]
        return " ".join(parts) or None


class NameKey(Base):
    """A skeleton of one word of a member's name, in any of its spellings (households.names):
    what name search looks up, by prefix, on an index."""

    __tablename__ = "name_keys"
    # Key first, member second: a prefix search reads the index alone.
    __table_args__ = (Index("ix_name_keys_key_member", "key", "member_id"),)

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True)
    key: Mapped[str] = mapped_column(String(60), primary_key=True)


class Document(Base):
    """An identity document. The database holds "one person per document" across households."""

    __tablename__ = "documents"
    __table_args__ = (
        UniqueConstraint("type", "country", "number_key"),
        Index("ix_documents_number_key", "number_key"),  # search by number, any type
        CheckConstraint(
            "type IN ('passport', 'id_card', 'temporary_protection', 'birth_certificate', 'other')",
            name="type",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    type: Mapped[str] = mapped_column(String(24))
    number: Mapped[str] = mapped_column(String(40))
    # Upper case without spaces or dashes: what "the same document" compares.
    number_key: Mapped[str] = mapped_column(String(40))
    country: Mapped[str] = mapped_column(String(3))
    # Expired documents are accepted (people flee with what they have), with a warning.
    expires_on: Mapped[date | None]

    member: Mapped[Member] = relation(back_populates="documents")
