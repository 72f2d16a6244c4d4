"""Visits: a handover (distribution) with what was given, and refusals at the desk."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, utcnow
from app.stock.models import Item

AGE_BANDS = ("0-4", "5-11", "12-17", "18-59", "60+")


class Distribution(Base):
    """One household served on one day at one site."""

    __tablename__ = "distributions"
    # A second guard under the conditional UPDATE of households.last_served_on.
    __table_args__ = (UniqueConstraint("household_id", "served_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"))
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    served_on: Mapped[date] = mapped_column(index=True)
    served_at: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    card_id: Mapped[int | None] = mapped_column(ForeignKey("cards.id"))
    # Served from the household's page (the family forgot its card): reports count these.
    without_card: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The household as it was that day: reports count these, not today's members.
    people: Mapped[int]

    lines: Mapped[list[DistributionLine]] = relationship(
        back_populates="distribution", order_by="DistributionLine.id"
    )
    demographics: Mapped[list[VisitPeople]] = relationship()


class DistributionLine(Base):
    """An item of a handover: what the household was entitled to and what was on hand."""

    __tablename__ = "distribution_lines"
    __table_args__ = (
        CheckConstraint("given >= 0 AND given <= entitled", name="given_within_entitled"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    distribution_id: Mapped[int] = mapped_column(ForeignKey("distributions.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    entitled: Mapped[int]
    given: Mapped[int]
    # The programme the line was due under (the same item may be due under two).
    programme_id: Mapped[int | None] = mapped_column(ForeignKey("programmes.id"))
    # Unticked at the desk: the family did not take it (not unmet demand).
    declined: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    distribution: Mapped[Distribution] = relationship(back_populates="lines")

    @property
    def unmet(self) -> int:
        """What was due and not on hand: what to ask donors for."""
        return 0 if self.declined else self.entitled - self.given

    item: Mapped[Item] = relationship()


class HandoverBasis(Base):
    """What a handover's entitlement under one programme was computed from: the programme, the
    version of its rules, and the household's composition that day as counts (by age band and
    flag, never names), so a past handover can be explained after the household or the rules
    change. The unique key is a second guard under the programme's claim (decision 0034)."""

    __tablename__ = "handover_bases"
    __table_args__ = (UniqueConstraint("household_id", "programme_id", "served_on"),)

    distribution_id: Mapped[int] = mapped_column(ForeignKey("distributions.id"), primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"))
    served_on: Mapped[date]
    rule_version: Mapped[int]
    # {"0-4": 1, "18-59": 2, "disability": 1, ...}; None for handovers before programmes.
    composition: Mapped[dict[str, int] | None] = mapped_column(JSON)


class VisitPeople(Base):
    """How many people of a sex and age band a handover served (anonymous by design)."""

    __tablename__ = "visit_people"

    distribution_id: Mapped[int] = mapped_column(ForeignKey("distributions.id"), primary_key=True)
    sex: Mapped[str] = mapped_column(String(1), primary_key=True)
    age_band: Mapped[str] = mapped_column(String(5), primary_key=True)
    people: Mapped[int]


class VisitMember(Base):
    """Who a handover served, as the household was that day: the member and whether they had a
    disability then. Reports count distinct people and people with a disability from these.

    No foreign key to members on purpose: the record of a visit outlives a member's record.
    """

    __tablename__ = "visit_members"

    distribution_id: Mapped[int] = mapped_column(ForeignKey("distributions.id"), primary_key=True)
    member_id: Mapped[int] = mapped_column(primary_key=True, index=True)
    disability: Mapped[bool] = mapped_column(default=False)


class Refusal(Base):
    """A household turned away because it was served on an earlier day within the interval.

    Counted once per household and day: a second scan the same day is the same refusal.
    """

    __tablename__ = "refusals"
    __table_args__ = (UniqueConstraint("household_id", "refused_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"))
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    refused_on: Mapped[date] = mapped_column(index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


DECLINE_REASONS = ("family_left", "item_missing")


class DeclinedHandover(Base):
    """An ELIGIBLE answer that did not end in a handover: the family left, or an item it came
    for was missing. Recorded when the desk is asked about it, so no answer is lost silently;
    the day's report counts them."""

    __tablename__ = "declined_handovers"
    __table_args__ = (
        CheckConstraint("reason IN ('family_left', 'item_missing')", name="reason_known"),
        # Said twice (a double click) the same day for the same reason: counted once.
        UniqueConstraint("household_id", "declined_on", "reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"))
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    declined_on: Mapped[date] = mapped_column(index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(String(20))
