"""A programme (its rhythm, who is in it, its version), the manual enrolments in it, and the
per-household claim that holds its rule (decision 0034)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, utcnow
from app.names import name_in

ENROLMENT = ("automatic", "manual")
PERIODS = ("week", "month")


class Programme(Base):
    """One kind of help. Its rhythm is ``interval_days`` or a calendar ``period``; the starting
    programme has neither and follows ELIGIBILITY_DAYS (households.last_served_on holds it, as
    before programmes). Who is in it: every household meeting the ``for_*`` criteria
    (automatic, combined with AND), or the households enrolled by hand (manual). ``version``
    grows with every change of its rules, so a handover's basis names the rules it used."""

    __tablename__ = "programmes"
    __table_args__ = (
        CheckConstraint("enrolment IN ('automatic', 'manual')", name="enrolment"),
        CheckConstraint("period IS NULL OR period IN ('week', 'month')", name="period"),
        CheckConstraint(
            "starting OR (interval_days IS NULL) <> (period IS NULL)", name="one_rhythm"
        ),
        CheckConstraint("interval_days IS NULL OR interval_days > 0", name="interval"),
        CheckConstraint("max_visits IS NULL OR max_visits > 0", name="max_visits"),
        Index(
            "uq_programmes_starting",
            "starting",
            unique=True,
            sqlite_where=text("starting"),
            postgresql_where=text("starting"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    # The name in the other interface languages ({"ro": ..., "uk": ...}); see app/names.py.
    names: Mapped[dict[str, str]] = mapped_column(JSON, default=dict, server_default="{}")
    starting: Mapped[bool] = mapped_column(default=False)
    interval_days: Mapped[int | None]
    period: Mapped[str | None] = mapped_column(String(5))
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    max_visits: Mapped[int | None]
    enrolment: Mapped[str] = mapped_column(String(10), default="automatic")
    for_under_age: Mapped[int | None]
    for_min_age: Mapped[int | None]
    for_disability: Mapped[bool] = mapped_column(default=False)
    for_chronic_disease: Mapped[bool] = mapped_column(default=False)
    for_pregnant_or_breastfeeding: Mapped[bool] = mapped_column(default=False)
    for_single_parent: Mapped[bool] = mapped_column(default=False)
    version: Mapped[int] = mapped_column(default=1)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def name_in(self, language: str | None) -> str:
        return name_in(self.name, self.names, language)


class Enrolment(Base):
    """A household in a manual programme, from ``starts_on`` to ``ends_on`` (open: until the
    programme ends), decided by a coordinator for a reason. Ended by hand with ``ended_on``.
    At most one open enrolment per household and programme."""

    __tablename__ = "enrolments"
    __table_args__ = (
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="dates"),
        Index(
            "uq_enrolments_open",
            "household_id",
            "programme_id",
            unique=True,
            sqlite_where=text("ended_on IS NULL"),
            postgresql_where=text("ended_on IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"))
    starts_on: Mapped[date]
    ends_on: Mapped[date | None]
    reason: Mapped[str] = mapped_column(String(200))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_on: Mapped[date | None]
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class ProgrammeVisit(Base):
    """The claim that holds a programme's rule for a household: its last service date and how
    many visits it had. A handover takes it with a conditional UPDATE (decision 0034), as the
    starting programme's households.last_served_on (decision 0001)."""

    __tablename__ = "programme_visits"
    __table_args__ = (CheckConstraint("visits >= 0", name="visits"),)

    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), primary_key=True)
    last_served_on: Mapped[date | None]
    visits: Mapped[int] = mapped_column(default=0)
