"""The day's counts, from the visits as they were recorded."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import QueryableAttribute

from app.db import AnySelect, DbSession
from app.desk.models import (
    AGE_BANDS,
    DECLINE_REASONS,
    DeclinedHandover,
    Distribution,
    DistributionLine,
    Refusal,
    VisitPeople,
)
from app.desk.offline_models import OfflineHandover
from app.households.models import Household
from app.households.rules import SEXES
from app.names import name_in
from app.reports.programmes import ProgrammeFigures, programme_figures
from app.stock.models import Item
from app.tickets.figures import DeskFigures, desk_figures


@dataclass(frozen=True)
class DailyCounts:
    day: date
    households_served: int
    people_served: int
    new_households: int
    households_refused: int
    items: list[tuple[str, int]]  # (sku, quantity handed over)
    by_sex_age: dict[tuple[str, str], int]  # (sex, age band) -> people served
    served_without_card: int = 0  # found by name at the desk: the family forgot its card
    # Told ELIGIBLE and not served after all: reason (family_left, item_missing) -> how many.
    declined: dict[str, int] = field(default_factory=dict)
    # Handed over offline to a household served within the interval (decision 0029).
    double_services: int = 0
    # Each desk's day on the queue's tickets: served, an hour, service times (decision 0032).
    desks: list[DeskFigures] = field(default_factory=list)
    # Per programme: served, new enrolments, due, given and unmet per item (issue 17).
    programmes: list[ProgrammeFigures] = field(default_factory=list)

    @property
    def households_declined(self) -> int:
        return sum(self.declined.values())

    # sku -> (default name, names in other languages), for the items handed over
    item_names: dict[str, tuple[str, dict[str, str]]] = field(default_factory=dict)

    def name_of(self, sku: str, language: str | None) -> str:
        """The item's name in ``language`` (its SKU if the catalog has no such item)."""
        name, names = self.item_names.get(sku, (sku, {}))
        return name_in(name, names, language)

    def item_rows(self, language: str | None) -> list[tuple[str, str, int]]:
        """(sku, name in ``language``, quantity handed over) of each item."""
        return [(sku, self.name_of(sku, language), quantity) for sku, quantity in self.items]

    def sex_age_table(self) -> list[tuple[str, list[int]]]:
        return [(sex, [self.by_sex_age.get((sex, band), 0) for band in AGE_BANDS]) for sex in SEXES]


def daily_counts(session: DbSession, day: date, site_id: int | None = None) -> DailyCounts:
    """Households and people served, new households, refusals, items and people by sex and age
    band on one day (at one site, or all sites)."""

    def at_site(stmt: AnySelect, column: QueryableAttribute[int]) -> AnySelect:
        return stmt if site_id is None else stmt.where(column == site_id)

    served = session.execute(
        at_site(
            select(
                func.count(Distribution.id),
                func.coalesce(func.sum(Distribution.people), 0),
                func.count(Distribution.id).filter(Distribution.without_card),
            ).where(Distribution.served_on == day),
            Distribution.site_id,
        )
    ).one()
    new_households = session.scalar(
        at_site(
            select(func.count(Household.id)).where(Household.registered_on == day),
            Household.site_id,
        )
    )
    refused = session.scalar(
        at_site(select(func.count(Refusal.id)).where(Refusal.refused_on == day), Refusal.site_id)
    )
    declined = session.execute(
        at_site(
            select(DeclinedHandover.reason, func.count())
            .where(DeclinedHandover.declined_on == day)
            .group_by(DeclinedHandover.reason),
            DeclinedHandover.site_id,
        )
    ).all()
    doubles = session.scalar(
        at_site(
            select(func.count(OfflineHandover.id)).where(
                OfflineHandover.served_on == day, OfflineHandover.outcome == "double"
            ),
            OfflineHandover.site_id,
        )
    )
    items = session.execute(
        at_site(
            select(Item.sku, func.sum(DistributionLine.given))
            .join(DistributionLine, DistributionLine.item_id == Item.id)
            .join(Distribution, Distribution.id == DistributionLine.distribution_id)
            .where(Distribution.served_on == day, DistributionLine.given > 0)
            .group_by(Item.sku)
            .order_by(Item.sku),
            Distribution.site_id,
        )
    ).all()
    people = session.execute(
        at_site(
            select(VisitPeople.sex, VisitPeople.age_band, func.sum(VisitPeople.people))
            .join(Distribution, Distribution.id == VisitPeople.distribution_id)
            .where(Distribution.served_on == day)
            .group_by(VisitPeople.sex, VisitPeople.age_band),
            Distribution.site_id,
        )
    ).all()
    names = session.execute(
        select(Item.sku, Item.name, Item.names).where(Item.sku.in_([sku for sku, _ in items]))
    )
    return DailyCounts(
        day=day,
        households_served=int(served[0]),
        people_served=int(served[1]),
        new_households=int(new_households or 0),
        households_refused=int(refused or 0),
        items=[(sku, int(quantity)) for sku, quantity in items],
        by_sex_age={(sex, band): int(n) for sex, band, n in people},
        served_without_card=int(served[2]),
        declined={reason: 0 for reason in DECLINE_REASONS} | {r: int(n) for r, n in declined},
        item_names={sku: (name, others or {}) for sku, name, others in names},
        double_services=int(doubles or 0),
        desks=desk_figures(session, day=day, site_id=site_id),
        programmes=programme_figures(session, day, day, site_id),
    )
