"""A desk's journal, sent when the server answers again: every handover made offline is
recorded at the time it happened, through the same conditional claim as any desk.

A handover that collides (the household was served within the interval, at another desk during
the outage most often) is a double service: recorded, counted, listed for the coordinator, its
stock taken; never dropped. Stock never goes below zero: what the ledger does not hold is
recorded as a shortfall (decision 0029).

A journal is bound to the account that made it: its entries come back with the grant the
server signed for that user and site with the snapshot, and are refused from anyone else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.auth.models import User
from app.cards.models import Card
from app.cards.services import CardRevoked
from app.cards.tokens import derive_token, qr_text
from app.db import DbSession, local_date
from app.desk.models import Distribution
from app.desk.offline import Grant
from app.desk.offline_models import OfflineHandover, OfflineHandoverLine
from app.desk.services import Outcome, Refused, record_handover
from app.errors import DomainError, ValidationFailed
from app.households.models import Household
from app.sites.models import Site
from app.stock.models import Item
from app.stock.services import take_stock

# Desk and server clocks differ a little: the desk stamps its handovers in the server's time
# (the offset it learnt with the snapshot), and this much is forgiven either side.
CLOCK_SKEW = timedelta(minutes=2)


class OfflineGrantInvalid(DomainError):
    """The journal's grant was not signed here, or for another user or site."""

    code = "offline_grant_invalid"
    status = 403


@dataclass(frozen=True)
class JournalEntry:
    key: str
    card_id: int
    served_at: datetime
    items: dict[str, int]  # sku -> quantity handed over


@dataclass(frozen=True)
class Replayed:
    key: str
    outcome: str  # served or double
    distribution_id: int | None
    again: bool  # the entry had been received before: nothing new recorded
    short: dict[str, int]  # sku -> handed over beyond what the ledger held


@dataclass(frozen=True)
class Desk:
    """Who sends the journal, and the rules it is replayed under."""

    user_id: int
    site_id: int
    days: int
    timezone: str
    card_key: str
    max_age: timedelta


def replay_journal(
    session: DbSession,
    *,
    desk: Desk,
    grant: Grant | None,
    entries: list[JournalEntry],
    now: datetime,
) -> list[Replayed]:
    """Record each journaled handover once; a collision becomes a double service.

    Everything is checked before anything is written (the grant, each time, each card and
    SKU): a journal with one hostile entry is refused whole, never half saved.
    """
    if grant is None or grant.user_id != desk.user_id or grant.site_id != desk.site_id:
        raise OfflineGrantInvalid(_l("This journal was not made at this desk by this account."))
    cards = {
        c.id: c
        for c in session.scalars(select(Card).where(Card.id.in_({e.card_id for e in entries})))
    }
    skus = {s for e in entries for s in e.items}
    items = {i.sku: i for i in session.scalars(select(Item).where(Item.sku.in_(skus)))}
    earliest = grant.snapshot_at - CLOCK_SKEW
    latest = min(now, grant.snapshot_at + desk.max_age) + CLOCK_SKEW
    wrong: dict[str, str] = {}
    for n, entry in enumerate(entries):
        if not earliest <= entry.served_at <= latest:
            wrong[f"entries.{n}.served_at"] = str(
                _l("not between the snapshot's time and its limit, or in the future")
            )
        if entry.card_id not in cards:
            wrong[f"entries.{n}.card"] = str(_l("no such card"))
        for sku in entry.items:
            if sku not in items:
                wrong[f"entries.{n}.items"] = str(_l("unknown item %(sku)s", sku=sku))
    if len({e.key for e in entries}) != len(entries):
        wrong["entries"] = str(_l("an idempotency key appears twice"))
    if wrong:
        raise ValidationFailed(wrong)
    # The households first, all of them and in id order, before any stock row: a batch that
    # held the stock while it waited for a household another desk holds would deadlock with
    # it on PostgreSQL (a desk locks its household, then the stock).
    session.execute(
        select(Household.id)
        .where(Household.id.in_(sorted({c.household_id for c in cards.values()})))
        .order_by(Household.id)
        .with_for_update()
    ).all()
    done = []
    for entry in sorted(entries, key=lambda e: e.served_at):
        done.append(_replay(session, desk, cards[entry.card_id], entry, items))
    order = {e.key: n for n, e in enumerate(entries)}
    return sorted(done, key=lambda r: order[r.key])


def _replay(
    session: DbSession, desk: Desk, card: Card, entry: JournalEntry, items: dict[str, Item]
) -> Replayed:
    before = session.scalar(
        select(OfflineHandover).where(
            OfflineHandover.user_id == desk.user_id, OfflineHandover.key == entry.key
        )
    )
    if before is not None:
        short = {line.item.sku: line.handed - line.taken for line in before.lines}
        return Replayed(
            entry.key,
            before.outcome,
            before.distribution_id,
            True,
            {s: n for s, n in short.items() if n},
        )
    today = local_date(entry.served_at, desk.timezone)
    handed = {items[sku].id: n for sku, n in entry.items.items() if n > 0}
    given = _claim(session, desk, card, entry.served_at)
    distribution_id: int | None
    if given is not None:
        outcome = "served"
        distribution_id, taken = given
    else:
        outcome = "double"
        distribution_id = session.scalar(
            select(Distribution.id)
            .where(Distribution.household_id == card.household_id, Distribution.served_on <= today)
            .order_by(Distribution.served_on.desc())
            .limit(1)
        )
        # It was handed over: the ledger gives what it holds, never below zero.
        taken = take_stock(
            session,
            site_id=desk.site_id,
            wanted=handed,
            kind="handover",
            user_id=desk.user_id,
            at=entry.served_at,
        )
    record = OfflineHandover(
        user_id=desk.user_id,
        key=entry.key,
        site_id=desk.site_id,
        household_id=card.household_id,
        card_id=card.id,
        served_at=entry.served_at,
        served_on=today,
        outcome=outcome,
        distribution_id=distribution_id,
    )
    record.lines = [
        OfflineHandoverLine(
            item_id=item_id,
            handed=max(quantity, taken.get(item_id, 0)),
            taken=taken.get(item_id, 0),
        )
        for item_id, quantity in handed.items()
    ]
    session.add(record)
    session.flush()
    skus = {i.id: sku for sku, i in items.items()}
    short = {skus[line.item_id]: line.handed - line.taken for line in record.lines}
    return Replayed(
        entry.key, outcome, distribution_id, False, {s: n for s, n in short.items() if n}
    )


def _claim(
    session: DbSession, desk: Desk, card: Card, served_at: datetime
) -> tuple[int, dict[int, int]] | None:
    """The household's claim at the time of the handover, as at any desk: its distribution
    and what the ledger gave per item, or None when it was served within the interval."""
    today = local_date(served_at, desk.timezone)

    def claim(scanned: str | None, household_id: int | None = None) -> Outcome:
        return record_handover(
            session,
            scanned=scanned,
            household_id=household_id,
            today=today,
            now=served_at,
            days=desk.days,
            site_id=desk.site_id,
            user_id=desk.user_id,
            starting_only=True,  # the offline desk knew the starting programme alone
        )

    attempt = session.begin_nested()
    try:
        handover = claim(qr_text(derive_token(desk.card_key, card.nonce)))
    except CardRevoked:
        # Revoked after the snapshot: the family was served with it all the same.
        handover = claim(None, household_id=card.household_id)
    if isinstance(handover, Refused):
        attempt.rollback()  # nothing of the refused claim stays (not even a refusal count)
        return None
    attempt.commit()
    by_sku = {i.sku: i.given for i in handover.items}
    ids = {
        sku: item_id
        for sku, item_id in session.execute(select(Item.sku, Item.id).where(Item.sku.in_(by_sku)))
    }
    return handover.distribution_id, {ids[sku]: n for sku, n in by_sku.items()}


@dataclass(frozen=True)
class DoubleService:
    """A handover journaled offline that collided: both desks and times, and any shortfall."""

    household_id: int
    offline_at: datetime
    offline_user: str
    offline_site: str
    other_at: datetime | None
    other_user: str | None
    other_site: str | None
    handed: list[tuple[str, int, int]]  # (sku, handed over, taken off the ledger)


def double_services(session: DbSession, day: date) -> list[DoubleService]:
    """The double services of a day (the site's day of the offline handover), by time."""
    records = session.scalars(
        select(OfflineHandover)
        .where(OfflineHandover.served_on == day, OfflineHandover.outcome == "double")
        .order_by(OfflineHandover.served_at, OfflineHandover.id)
    ).all()
    users = {u.id: u.username for u in session.scalars(select(User))}
    sites = {s.id: s.name for s in session.scalars(select(Site))}
    result = []
    for r in records:
        other = session.get(Distribution, r.distribution_id) if r.distribution_id else None
        result.append(
            DoubleService(
                household_id=r.household_id,
                offline_at=r.served_at,
                offline_user=users.get(r.user_id, "?"),
                offline_site=sites.get(r.site_id, "?"),
                other_at=other.served_at if other else None,
                other_user=users.get(other.user_id) if other and other.user_id else None,
                other_site=sites.get(other.site_id) if other else None,
                handed=[(line.item.sku, line.handed, line.taken) for line in r.lines],
            )
        )
    return result
