from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text

# Member has a column named "relationship", so the ORM function goes by another name here.
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.orm import relationship as relation

from app.db import NEVER_REUSED, Base, utcnow


class Household(Base):
    """The family that comes together and holds one card."""

    __tablename__ = "households"
    __table_args__ = (NEVER_REUSED,)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    registered_on: Mapped[date] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    phone: Mapped[str | None] = mapped_column(String(32), index=True)
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
        NEVER_REUSED,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    given_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100))
    # The name in its own script (Cyrillic for most), when the document shows it.
    given_name_native: Mapped[str | None] = mapped_column(String(100))
    family_name_native: Mapped[str | None] = mapped_column(String(100))
    birth_date: Mapped[date] = mapped_column(index=True)  # likely duplicates
    sex: Mapped[str] = mapped_column(String(1))
    relationship: Mapped[str] = mapped_column(String(10))
    # Yes/no flags, never diagnoses. The health flags (disability, chronic disease, pregnant or
    # breastfeeding) are kept only while the person's consent to them stands (Consent).
    disability: Mapped[bool] = mapped_column(default=False)
    chronic_disease: Mapped[bool] = mapped_column(default=False)
    pregnant_or_breastfeeding: Mapped[bool] = mapped_column(default=False)
    single_parent: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Left the household (households.changes): no longer counted for entitlements.
    departed_on: Mapped[date | None]
    # The file name of the person's photo in AID_PHOTO_DIR (households.photos), if any.
    photo: Mapped[str | None] = mapped_column(String(64))

    household: Mapped[Household] = relation(back_populates="members")
    documents: Mapped[list[Document]] = relation(
        back_populates="member", order_by="Document.id", cascade="all, delete-orphan"
    )

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def present(self) -> bool:
        return self.departed_on is None

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


class NamePair(Base):
    """Two different keys of one member's name, in order, with a space between
    (households.names.key_pairs): what a search of two words looks up, so that it reads the
    people of that name alone instead of intersecting everyone of each word (decision 0037)."""

    __tablename__ = "name_pairs"
    __table_args__ = (Index("ix_name_pairs_pair_member", "pair", "member_id"),)

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True)
    pair: Mapped[str] = mapped_column(String(121), primary_key=True)


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
        NEVER_REUSED,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    type: Mapped[str] = mapped_column(String(24))
    number: Mapped[str] = mapped_column(String(40))
    # documents.keys.document_key(number): what "the same document" compares, whatever the
    # keyboard. "~" and the id while another document holds the key (DocumentKeyConflict).
    number_key: Mapped[str] = mapped_column(String(40))
    country: Mapped[str] = mapped_column(String(3))
    # Expired documents are accepted (people flee with what they have), with a warning.
    expires_on: Mapped[date | None]

    member: Mapped[Member] = relation(back_populates="documents")


class DocumentKeyConflict(Base):
    """A document whose key another document holds: two households registered with one
    document typed on two keyboards before the key folded them (migration 0014). Neither is
    merged: the document waits here, with a placeholder key, until a coordinator resolves
    the pair (households.key_conflicts) and it takes its key."""

    __tablename__ = "document_key_conflicts"

    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True
    )
    # The key it would have (documents.keys.document_key), held by another document.
    number_key: Mapped[str] = mapped_column(String(40), index=True)
    found_at: Mapped[datetime] = mapped_column(default=utcnow)


class DuplicateConfirmation(Base):
    """A volunteer looked at a likely match and said "a different person": who, when, and
    which registered person the new one was told apart from. Append-only."""

    __tablename__ = "duplicate_confirmations"
    __table_args__ = (NEVER_REUSED,)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    confirmed_at: Mapped[datetime] = mapped_column(default=utcnow)


CHANGE_KINDS = ("member_added", "moved_in", "moved_out", "departed", "head_changed")


class HouseholdChange(Base):
    """One change to who a household is (households.changes): append-only, its history.
    A move is two rows, one in each household, naming the other."""

    __tablename__ = "household_changes"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('member_added', 'moved_in', 'moved_out', 'departed', 'head_changed')",
            name="kind",
        ),
        NEVER_REUSED,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    other_household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"))
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)


CONSENT_KINDS = ("health_flags", "photo")


class Consent(Base):
    """A person's consent to something recorded about them: given (when, by which user),
    and withdrawn the same way. One standing consent per person and kind."""

    __tablename__ = "consents"
    __table_args__ = (
        CheckConstraint("kind IN ('health_flags', 'photo')", name="kind"),
        Index(
            "uq_consents_standing",
            "member_id",
            "kind",
            unique=True,
            sqlite_where=text("withdrawn_at IS NULL"),
            postgresql_where=text("withdrawn_at IS NULL"),
        ),
        NEVER_REUSED,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    given_at: Mapped[datetime] = mapped_column(default=utcnow)
    given_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    withdrawn_at: Mapped[datetime | None]
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class ImportJob(Base):
    """An import of a register from a spreadsheet (households.imports): the uploaded rows,
    the column mapping, the problems found and the progress, here and not in memory so any
    of the app's processes can answer the page that polls it. The rows are personal data:
    they are dropped once imported, and the job is deleted after a day."""

    __tablename__ = "import_jobs"
    __table_args__ = (
        CheckConstraint(
            "status IN ('uploaded', 'checking', 'checked', 'importing', 'done', 'failed')",
            name="status",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(10), default="uploaded")
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    message: Mapped[str | None] = mapped_column(String(200))
    filename: Mapped[str] = mapped_column(String(200))
    # JSON: the file's header names; its rows (lists of text); the mapping field -> column;
    # the problems found, [[row number, field, message], ...].
    columns: Mapped[str] = mapped_column(Text)
    rows: Mapped[str | None] = mapped_column(Text, deferred=True)
    mapping: Mapped[str | None] = mapped_column(Text)
    problems: Mapped[str | None] = mapped_column(Text, deferred=True)
    households: Mapped[int] = mapped_column(default=0)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
