"""The register of erasures: which household or person was erased, and when; nothing else.

A restored backup was made before some erasures; ``restore`` replays the register of the
database it replaces (privacy.register), so no erased person comes back. See
docs/decisions/0016-erasure-register.md.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base

ENTITIES = ("households", "members")


class ErasureEntry(Base):
    """One erasure: the table and id of what was erased, and the moment. No personal data."""

    __tablename__ = "erasures"
    __table_args__ = (
        CheckConstraint("entity IN ('households', 'members')", name="entity"),
        UniqueConstraint("entity", "entity_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(String(20))
    entity_id: Mapped[int]
    erased_at: Mapped[datetime]
