"""The desk: may this household be served today, and the handover itself.

The 10-day rule is held by the database: a handover starts with a conditional UPDATE of the
household's last service date, and only the desk whose UPDATE changed the row goes on. Two
desks scanning the same card at the same moment therefore record exactly one distribution, on
SQLite (writers take turns) and on PostgreSQL (the second UPDATE waits for the first, then
finds its condition false). See docs/decisions/0001-eligibility-conditional-update.md.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from app.cards.models import Card
from app.cards.services import find_card
from app.db import dialect_insert
from app.desk.models import Distribution, DistributionLine, Refusal, VisitPeople
from app.desk.rules import Decision, age_band, decide, latest_service_date_allowed
from app.entitlements.rules import Entitlement, Person, entitlements
from app.entitlements.services import active_rules
from app.errors import DomainError
from app.households.models import Household, Member
from app.stock.models import Item, Site
from app.stock.services import on_hand_by_item, take_stock


class NotEligible(DomainError):
    code = "not_eligible"
    status = 409
    keeps_changes = True  # the refusal it recorded is counted


@dataclass(frozen=True)
class EntitlementLine:
    sku: str
    name: str
    quantity: int
    on_hand: int

    @property
    def available(self) -> bool:
        return self.on_hand >= self.quantity


@dataclass(frozen=True)
class Check:
    household: Household
    card: Card
    decision: Decision
    entitlements: list[EntitlementLine]
    today: date
    last_site: str | None = None

    @property
    def refusal_due(self) -> bool:
        """Turned away because of a visit on an earlier day (a repeat scan today is not)."""
        last = self.decision.last_served_on
        return not self.decision.eligible and last is not None and last < self.today


@dataclass(frozen=True)
class HandedOver:
    sku: str
    name: str
    entitled: int
    given: int


@dataclass(frozen=True)
class Handover:
    distribution: Distribution
    household: Household
    items: list[HandedOver]
    next_eligible_on: date


def _people(members: list[Member]) -> list[Person]:
    return [Person(m.birth_date, m.disability, m.chronic_disease) for m in members]


def _entitlements_for(session: Session, household: Household, today: date) -> list[Entitlement]:
    return entitlements(active_rules(session), _people(household.members), today)


def _item_names(session: Session, item_ids: list[int]) -> dict[int, str]:
    return dict(session.execute(select(Item.id, Item.name).where(Item.id.in_(item_ids))).all())


def check_card(session: Session, *, scanned: str, today: date, days: int, site_id: int) -> Check:
    """Whether the household behind a scanned card may be served today, and what it gets.

    Reads only. A household served on an earlier day within the interval is refused; the
    caller records that with note_refusal.
    """
    card = find_card(session, scanned)
    household = session.get_one(Household, card.household_id)
    decision = decide(household.last_served_on, today, days)
    due = _entitlements_for(session, household, today)
    ids = [e.item_id for e in due]
    on_hand = on_hand_by_item(session, site_id, ids)
    names = _item_names(session, ids)
    lines = [
        EntitlementLine(e.sku, names[e.item_id], e.quantity, on_hand.get(e.item_id, 0)) for e in due
    ]
    return Check(household, card, decision, lines, today, last_site_name(session, household.id))


def last_site_name(session: Session, household_id: int) -> str | None:
    """Where the household was last served."""
    return session.scalar(
        select(Site.name)
        .join(Distribution, Distribution.site_id == Site.id)
        .where(Distribution.household_id == household_id)
        .order_by(Distribution.served_on.desc())
        .limit(1)
    )


def note_refusal(
    session: Session, *, household_id: int, site_id: int, today: date, user_id: int | None
) -> None:
    """Count a refusal; the same household refused again the same day counts once."""
    insert = dialect_insert(session.get_bind().dialect.name)
    session.execute(
        insert(Refusal)
        .values(household_id=household_id, site_id=site_id, refused_on=today, user_id=user_id)
        .on_conflict_do_nothing(index_elements=["household_id", "refused_on"])
    )


def record_handover(
    session: Session,
    *,
    scanned: str,
    today: date,
    now: datetime,
    days: int,
    site_id: int,
    user_id: int | None,
) -> Handover:
    """Serve the household behind the card: once per interval, items out of stock.

    Raises NotEligible (after counting the refusal) when it was served within the interval.
    Items short in stock are given as far as they go, and the visit still counts.
    """
    card = find_card(session, scanned)
    won = session.execute(
        update(Household)
        .where(
            Household.id == card.household_id,
            or_(
                Household.last_served_on.is_(None),
                Household.last_served_on <= latest_service_date_allowed(today, days),
            ),
        )
        .values(last_served_on=today)
        .execution_options(synchronize_session=False)
    )
    household = session.get_one(Household, card.household_id)
    if won.rowcount != 1:  # type: ignore[attr-defined]
        session.refresh(household)
        decision = decide(household.last_served_on, today, days)
        if decision.last_served_on is not None and decision.last_served_on < today:
            note_refusal(
                session, household_id=household.id, site_id=site_id, today=today, user_id=user_id
            )
        raise NotEligible(
            "This household was served within the interval.",
            household_id=household.id,
            last_served_on=_iso(decision.last_served_on),
            next_eligible_on=_iso(decision.next_eligible_on),
        )
    session.refresh(household)
    members = household.members
    distribution = Distribution(
        household_id=household.id,
        site_id=site_id,
        served_on=today,
        served_at=now,
        user_id=user_id,
        card_id=card.id,
        people=len(members),
    )
    session.add(distribution)
    session.flush()
    due = sorted(_entitlements_for(session, household, today), key=lambda e: e.item_id)
    names = _item_names(session, [e.item_id for e in due])
    items = []
    for entitlement in due:  # in item order, so two handovers never lock rows crosswise
        given = take_stock(
            session,
            site_id=site_id,
            item_id=entitlement.item_id,
            wanted=entitlement.quantity,
            kind="handover",
            user_id=user_id,
            distribution_id=distribution.id,
        )
        session.add(
            DistributionLine(
                distribution_id=distribution.id,
                item_id=entitlement.item_id,
                entitled=entitlement.quantity,
                given=given,
            )
        )
        items.append(
            HandedOver(entitlement.sku, names[entitlement.item_id], entitlement.quantity, given)
        )
    bands = Counter((m.sex, age_band(m.birth_date, today)) for m in members)
    session.add_all(
        VisitPeople(distribution_id=distribution.id, sex=sex, age_band=band, people=n)
        for (sex, band), n in bands.items()
    )
    session.flush()
    decision = decide(today, today, days)
    assert decision.next_eligible_on is not None
    return Handover(distribution, household, items, decision.next_eligible_on)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None
