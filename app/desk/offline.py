"""What a desk keeps to decide without the server: the offline snapshot, and its grant.

Per current card: a keyed hash of its token, the household's size, the day it was last served
and what is due today (SKUs and quantities). No names, no document numbers, no health flags, no
token: a lost laptop leaks nothing a card does not already say (decision 0029).

The hash is HMAC-SHA256(site key, SHA-256(token)) in hex. The desk computes it from the
scanned QR text with WebCrypto; the server from the token hash it already stores, so no token
is derived to build a snapshot. The site key is derived from CARD_KEY and the site's code, so
a snapshot's hashes match neither the database's column nor another site's snapshot.

The grant, signed with SECRET_KEY, names the user, the site and the snapshot's time; each
journal entry is sent back with it, and the server accepts it only from the same user
(app.desk.journal).
"""

from __future__ import annotations

import hashlib
import hmac
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import or_, select

from app.cards.models import Card
from app.db import DbSession
from app.desk.models import Distribution
from app.desk.offline_models import OfflineHandover
from app.entitlements.rules import Person, entitlements
from app.households.models import Household, HouseholdChange, Member
from app.programmes.services import starting_rules

PAGE_SIZE = 500
# A transaction that began before a cursor's moment may commit after it: a refresh looks back
# this far more, and sends a few cards again rather than miss one.
_OVERLAP = timedelta(minutes=1)
_GRANT_SALT = "aiddesk-offline-grant-v1"


@dataclass(frozen=True)
class Due:
    sku: str
    quantity: int


@dataclass(frozen=True)
class OfflineCard:
    card_id: int
    hash: str
    people: int
    last_served_on: date | None
    due: list[Due]


@dataclass(frozen=True)
class SnapshotPage:
    cards: list[OfflineCard]
    gone: list[int]  # cards no longer in force (revoked, household erased) since the cursor
    after: int | None  # the next page starts after this card id; None: the last page


@dataclass(frozen=True)
class Grant:
    user_id: int
    site_id: int
    snapshot_at: datetime


def site_key(card_key: str, site_code: str) -> bytes:
    """The key of a site's snapshot hashes (the desk receives it with the snapshot)."""
    return hmac.new(
        card_key.encode(), b"aiddesk-offline-v1:" + site_code.encode(), "sha256"
    ).digest()


def offline_hash(key: bytes, token_hash: str) -> str:
    """What the desk computes from a scanned token: HMAC(key, SHA-256 hex of the token)."""
    return hmac.new(key, token_hash.encode(), hashlib.sha256).hexdigest()


def snapshot_page(
    session: DbSession,
    *,
    key: bytes,
    today: date,
    since: datetime | None,
    after: int = 0,
    limit: int | None = None,
) -> SnapshotPage:
    """One page of the cards in force, by card id; with ``since``, only the cards whose
    household changed (served, its members, a new card) after that moment."""
    limit = limit or PAGE_SIZE
    stmt = (
        select(Card.id, Card.household_id, Card.token_hash, Household.last_served_on)
        .join(Household, Household.id == Card.household_id)
        .where(Card.revoked_at.is_(None), Household.erased_at.is_(None), Card.id > after)
        .order_by(Card.id)
        .limit(limit)
    )
    gone: list[int] = []
    if since is not None:
        start = since - _OVERLAP
        changed = (
            select(Distribution.household_id)
            .where(Distribution.served_at > start)
            .union(
                select(OfflineHandover.household_id).where(OfflineHandover.received_at > start),
                select(HouseholdChange.household_id).where(HouseholdChange.changed_at > start),
            )
        )
        stmt = stmt.where(or_(Card.issued_at > start, Card.household_id.in_(changed)))
        if after == 0:
            gone = list(
                session.scalars(
                    select(Card.id)
                    .join(Household, Household.id == Card.household_id)
                    .where(
                        or_(Card.revoked_at > start, Household.erased_at > start),
                    )
                    .order_by(Card.id)
                )
            )
    rows = session.execute(stmt).all()
    household_ids = [r.household_id for r in rows]
    people: dict[int, list[Person]] = defaultdict(list)
    if household_ids:
        for m in session.execute(
            select(
                Member.household_id,
                Member.birth_date,
                Member.disability,
                Member.chronic_disease,
                Member.pregnant_or_breastfeeding,
            ).where(Member.household_id.in_(household_ids), Member.departed_on.is_(None))
        ):
            people[m.household_id].append(
                Person(m.birth_date, m.disability, m.chronic_disease, m.pregnant_or_breastfeeding)
            )
    rules = starting_rules(session)
    cards = [
        OfflineCard(
            card_id=r.id,
            hash=offline_hash(key, r.token_hash),
            people=len(people[r.household_id]),
            last_served_on=r.last_served_on,
            # Vouchers handed by serial wait for the server: their serials cannot be checked.
            due=[
                Due(e.sku, e.quantity)
                for e in entitlements(rules, people[r.household_id], today)
                if not e.serial_tracked
            ],
        )
        for r in rows
    ]
    return SnapshotPage(cards, gone, rows[-1].id if len(rows) == limit else None)


def sign_grant(secret_key: str, grant: Grant) -> str:
    return URLSafeSerializer(secret_key, salt=_GRANT_SALT).dumps(
        {"u": grant.user_id, "s": grant.site_id, "t": grant.snapshot_at.isoformat()}
    )


def read_grant(secret_key: str, signed: str) -> Grant | None:
    """The grant, or None when it is not one this server signed."""
    try:
        data = URLSafeSerializer(secret_key, salt=_GRANT_SALT).loads(signed)
        return Grant(int(data["u"]), int(data["s"]), datetime.fromisoformat(data["t"]))
    except (BadSignature, KeyError, TypeError, ValueError):
        return None
