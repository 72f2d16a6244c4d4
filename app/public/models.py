from __future__ import annotations

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base


class PublicCheckBudget(Base):
    """How far ahead of the clock an address's checks on the public page have run (a GCRA
    bucket, as the accounts' lookups in app/auth/lookups.py): one row per address (an IPv6
    address's /64), one conditional UPDATE per check."""

    __tablename__ = "public_check_budgets"

    address: Mapped[str] = mapped_column(String(64), primary_key=True)
    # The moment (milliseconds since the epoch) the address's bucket is empty again.
    free_at_ms: Mapped[int] = mapped_column(BigInteger)
