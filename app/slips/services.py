"""What a slip says: read from the distribution, with nothing that names the family.

The slip holds the site, the moment of the handover, what was given, the next date per
programme and the reference; never the household, a name or a document number, so a slip
lost in the street tells nobody who the family is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.db import DbSession
from app.desk.models import Distribution, DistributionLine, HandoverBasis
from app.desk.rules import next_eligible_on
from app.errors import DomainError
from app.programmes.models import Programme
from app.programmes.rules import standing
from app.programmes.services import as_rule, enrolled_programmes, for_household
from app.sites.models import Site
from app.slips.reference import distribution_of, slip_reference
from app.stock.models import Item


class NoSuchDistribution(DomainError):
    code = "not_found"
    status = 404


@dataclass(frozen=True)
class SlipItem:
    name: str
    names: dict[str, str]  # the item's names in other languages (app/names.py)
    quantity: int


@dataclass(frozen=True)
class NextVisit:
    """When the family may come again for one programme (None: no further visit); the
    programme's name and names, None for a handover under the starting programme alone."""

    programme: str | None
    on: date | None
    programme_names: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Slip:
    distribution_id: int
    reference: str
    site_name: str
    site_names: dict[str, str]
    served_at: datetime  # at the site's time zone
    items: list[SlipItem]
    next_visits: list[NextVisit]


def slip_for(
    session: DbSession, distribution_id: int, *, card_key: str, days: int, timezone: str
) -> Slip:
    """The slip of a distribution: what was given (items given none are left out) and the next
    date of its programme, counted from the day of this handover."""
    row = session.execute(
        select(Distribution.served_on, Distribution.served_at, Site.name, Site.names)
        .join(Site, Site.id == Distribution.site_id)
        .where(Distribution.id == distribution_id)
    ).first()
    if row is None:
        raise NoSuchDistribution(_l("No distribution %(id)s.", id=distribution_id))
    lines = session.execute(
        select(Item.name, Item.names, DistributionLine.given)
        .join(Item, Item.id == DistributionLine.item_id)
        .where(DistributionLine.distribution_id == distribution_id, DistributionLine.given > 0)
        .order_by(DistributionLine.id)
    ).all()
    return Slip(
        distribution_id=distribution_id,
        reference=slip_reference(card_key, distribution_id),
        site_name=row.name,
        site_names=dict(row.names or {}),
        served_at=row.served_at.astimezone(ZoneInfo(timezone)),
        items=[SlipItem(name, dict(names or {}), given) for name, names, given in lines],
        next_visits=_next_visits(session, distribution_id, row.served_on, days)
        or [NextVisit(None, next_eligible_on(row.served_on, days))],
    )


def _next_visits(
    session: DbSession, distribution_id: int, served_on: date, days: int
) -> list[NextVisit]:
    """The next date per programme of the handover, counted from its day (with the visits
    the household had had under it by then, for a programme's maximum). Under the starting
    programme alone: one line without a name, as before programmes."""
    bases = session.execute(
        select(Programme, HandoverBasis.household_id)
        .join(HandoverBasis, HandoverBasis.programme_id == Programme.id)
        .where(HandoverBasis.distribution_id == distribution_id)
        .order_by(Programme.starting.desc(), Programme.id)
    ).all()
    if all(programme.starting for programme, _ in bases):
        return []
    visits = []
    for programme, household_id in bases:
        rule = for_household(
            as_rule(programme), enrolled_programmes(session, household_id, served_on)
        )
        count = 0
        if rule.max_visits is not None:
            count = int(
                session.scalar(
                    select(func.count()).where(
                        HandoverBasis.household_id == household_id,
                        HandoverBasis.programme_id == programme.id,
                        HandoverBasis.served_on <= served_on,
                    )
                )
                or 0
            )
        after = standing(rule, served_on, count, served_on, days).next_eligible_on
        if rule.starting:
            after = next_eligible_on(served_on, days)
        visits.append(NextVisit(programme.name, after, dict(programme.names or {})))
    return visits


@dataclass(frozen=True)
class FoundSlip:
    distribution_id: int
    household_id: int
    served_on: date


def find_by_reference(session: DbSession, reference: str, *, card_key: str) -> FoundSlip | None:
    """The distribution behind a reference a family quotes; None when there is none."""
    distribution_id = distribution_of(card_key, reference[:40])
    if distribution_id is None or distribution_id >= 2**31:
        return None
    row = session.execute(
        select(Distribution.household_id, Distribution.served_on).where(
            Distribution.id == distribution_id
        )
    ).first()
    return FoundSlip(distribution_id, row.household_id, row.served_on) if row else None
