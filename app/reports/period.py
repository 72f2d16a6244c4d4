"""A period's figures: every day's counts, and what the authorities ask over the whole period.

Each visit counts the household as it was on the day of the visit: people from the handover's
own snapshot (distributions.people, visit_people, visit_members), never from today's members.
"Visits" counts handovers; "distinct" counts each household or person once however often they
came.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import distinct, func, select

from app.db import AnySelect, DbSession
from app.desk.models import (
    AGE_BANDS,
    Distribution,
    DistributionLine,
    Refusal,
    VisitMember,
    VisitPeople,
)
from app.errors import ValidationFailed
from app.households.models import Household
from app.households.rules import SEXES
from app.names import name_in
from app.reports.programmes import ProgrammeFigures, programme_figures
from app.sites.models import Site
from app.stock.models import Item

MAX_DAYS = 366  # a year, leap or not: longer reports are several exports


@dataclass(frozen=True)
class DayFigures:
    day: date
    households_served: int = 0
    people_served: int = 0
    new_households: int = 0
    households_refused: int = 0
    people_with_disability: int = 0


@dataclass(frozen=True)
class PeriodFigures:
    start: date
    end: date
    site: Site | None  # None: all sites
    visits: int
    distinct_households: int
    distinct_people: int
    people_served: int
    new_households: int
    households_refused: int
    people_with_disability: int  # counted per visit, like people_served
    distinct_people_with_disability: int
    items: list[tuple[str, int]]  # (sku, quantity handed over), by SKU
    by_sex_age: dict[tuple[str, str], int]  # (sex, age band) -> people served (per visit)
    days: list[DayFigures]  # every calendar day of the period, in order
    # {day: {sku: quantity}} and {sku: category}: the items sheet and the chart by category
    items_by_day: dict[date, dict[str, int]] = field(default_factory=dict)
    categories: dict[str, str] = field(default_factory=dict)
    # sku -> (default name, names in other languages) of the items handed over
    item_names: dict[str, tuple[str, dict[str, str]]] = field(default_factory=dict)
    # Per programme: served, new enrolments, due, given and unmet per item (issue 17).
    programmes: list[ProgrammeFigures] = field(default_factory=list)

    def name_of(self, sku: str, language: str | None) -> str:
        name, names = self.item_names.get(sku, (sku, {}))
        return name_in(name, names, language)

    def sex_age_table(self) -> list[tuple[str, list[int]]]:
        return [(sex, [self.by_sex_age.get((sex, band), 0) for band in AGE_BANDS]) for sex in SEXES]


def check_period(start: date, end: date) -> None:
    """A period runs forward and is at most MAX_DAYS long."""
    if start > end:
        raise ValidationFailed({"to": _l("the end comes before the start")})
    if (end - start).days + 1 > MAX_DAYS:
        raise ValidationFailed({"to": _l("a period is at most %(n)s days", n=MAX_DAYS)})


def find_site(session: DbSession, code: str | None) -> Site | None:
    """The site of a code; no code (or an empty one) means all sites."""
    if not code:
        return None
    site = session.scalar(select(Site).where(Site.code == code))
    if site is None:
        raise ValidationFailed({"site": _l("no site has this code")})
    return site


def period_figures(session: DbSession, start: date, end: date, site: Site | None) -> PeriodFigures:
    """Every figure of the period from start to end (both included), at one site or all."""
    check_period(start, end)
    site_id = site.id if site else None

    def served(stmt: AnySelect) -> AnySelect:
        stmt = stmt.where(Distribution.served_on.between(start, end))
        return stmt if site_id is None else stmt.where(Distribution.site_id == site_id)

    per_day: dict[date, dict[str, int]] = defaultdict(dict)
    for day, households, people in session.execute(
        served(
            select(Distribution.served_on, func.count(), func.sum(Distribution.people)).group_by(
                Distribution.served_on
            )
        )
    ):
        per_day[day] |= {"households_served": households, "people_served": int(people or 0)}
    registered = select(Household.registered_on, func.count()).where(
        Household.registered_on.between(start, end)
    )
    if site_id is not None:
        registered = registered.where(Household.site_id == site_id)
    for day, n in session.execute(registered.group_by(Household.registered_on)):
        per_day[day]["new_households"] = n
    refused = select(Refusal.refused_on, func.count()).where(Refusal.refused_on.between(start, end))
    if site_id is not None:
        refused = refused.where(Refusal.site_id == site_id)
    for day, n in session.execute(refused.group_by(Refusal.refused_on)):
        per_day[day]["households_refused"] = n
    disabled = served(
        select(Distribution.served_on, func.count())
        .join(VisitMember, VisitMember.distribution_id == Distribution.id)
        .where(VisitMember.disability.is_(True))
        .group_by(Distribution.served_on)
    )
    for day, n in session.execute(disabled):
        per_day[day]["people_with_disability"] = n

    items_by_day: dict[date, dict[str, int]] = defaultdict(dict)
    categories: dict[str, str] = {}
    lines = served(
        select(Distribution.served_on, Item.sku, Item.category, func.sum(DistributionLine.given))
        .join(DistributionLine, DistributionLine.distribution_id == Distribution.id)
        .join(Item, Item.id == DistributionLine.item_id)
        .where(DistributionLine.given > 0)
        .group_by(Distribution.served_on, Item.sku, Item.category)
    )
    for day, sku, category, quantity in session.execute(lines):
        items_by_day[day][sku] = int(quantity)
        categories[sku] = category
    item_totals: dict[str, int] = defaultdict(int)
    for quantities in items_by_day.values():
        for sku, quantity in quantities.items():
            item_totals[sku] += quantity

    people = served(
        select(VisitPeople.sex, VisitPeople.age_band, func.sum(VisitPeople.people))
        .join(Distribution, Distribution.id == VisitPeople.distribution_id)
        .group_by(VisitPeople.sex, VisitPeople.age_band)
    )
    distinct_households = session.scalar(
        served(select(func.count(distinct(Distribution.household_id))))
    )
    members = served(
        select(func.count(distinct(VisitMember.member_id))).join(
            Distribution, Distribution.id == VisitMember.distribution_id
        )
    )
    distinct_people = session.scalar(members)
    distinct_disabled = session.scalar(members.where(VisitMember.disability.is_(True)))

    days = [
        DayFigures(day, **per_day.get(day, {}))
        for day in (start + timedelta(days=n) for n in range((end - start).days + 1))
    ]
    names = session.execute(
        select(Item.sku, Item.name, Item.names).where(Item.sku.in_(list(item_totals)))
    )
    return PeriodFigures(
        start=start,
        end=end,
        site=site,
        visits=sum(d.households_served for d in days),
        distinct_households=int(distinct_households or 0),
        distinct_people=int(distinct_people or 0),
        people_served=sum(d.people_served for d in days),
        new_households=sum(d.new_households for d in days),
        households_refused=sum(d.households_refused for d in days),
        people_with_disability=sum(d.people_with_disability for d in days),
        distinct_people_with_disability=int(distinct_disabled or 0),
        items=sorted(item_totals.items()),
        by_sex_age={(sex, band): int(n) for sex, band, n in session.execute(people)},
        days=days,
        items_by_day=dict(items_by_day),
        categories=categories,
        item_names={sku: (name, others or {}) for sku, name, others in names},
        programmes=programme_figures(session, start, end, site_id),
    )
