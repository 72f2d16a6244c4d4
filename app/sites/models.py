"""A site: the warehouse or a distribution point. Everything else names one by its id."""

from __future__ import annotations

from sqlalchemy import JSON, CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base
from app.names import name_in

SITE_KINDS = ("warehouse", "distribution")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Site(Base):
    """A distribution point or a warehouse."""

    __tablename__ = "sites"
    __table_args__ = (CheckConstraint(_one_of("kind", SITE_KINDS), name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20), default="distribution")
    # The name in the other interface languages ({"ro": ..., "uk": ...}); see app/names.py.
    names: Mapped[dict[str, str]] = mapped_column(JSON, default=dict, server_default="{}")

    def name_in(self, language: str | None) -> str:
        return name_in(self.name, self.names, language)
