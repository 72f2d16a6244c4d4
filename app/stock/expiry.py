"""Lots by expiry, and writing off the expired ones.

A lot is a donation line with an expiry date. What is left of each lot is not counted box by
box: the stock of a (site, item) is taken to be in its latest-expiring lots, as it is when
the shelves are worked first-expiring first (stock without an expiry date, or moved in by a
transfer, counts as latest). So on hand is shared out over the lots from the latest
backwards, and what an expired lot still holds is what the write-off takes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from app.stock.ledger import take
from app.stock.models import Donation, DonationLine, Item, Site, StockLevel


@dataclass(frozen=True)
class Lot:
    site_id: int
    site: str
    item_id: int
    sku: str
    name: str
    lot: str | None
    expires_on: date
    quantity: int
    days_left: int

    @property
    def expired(self) -> bool:
        return self.days_left < 0


def lots_by_expiry(session: Session, *, site_id: int | None, today: date) -> list[Lot]:
    """Lots still on the shelves with an expiry date, first-expiring first."""
    levels = select(StockLevel.site_id, StockLevel.item_id, StockLevel.on_hand).where(
        StockLevel.on_hand > 0
    )
    if site_id is not None:
        levels = levels.where(StockLevel.site_id == site_id)
    on_hand = {(s, i): int(n) for s, i, n in session.execute(levels)}
    if not on_hand:
        return []
    reversal = aliased(Donation)
    received = (
        select(
            Donation.site_id,
            DonationLine.item_id,
            DonationLine.lot,
            DonationLine.expires_on,
            DonationLine.quantity,
        )
        .join(DonationLine, DonationLine.donation_id == Donation.id)
        .outerjoin(reversal, reversal.reverses_id == Donation.id)
        .where(Donation.reverses_id.is_(None), reversal.id.is_(None))
    )
    if site_id is not None:
        received = received.where(Donation.site_id == site_id)
    dated: dict[tuple[int, int], list[tuple[date, str | None, int]]] = {}
    undated: dict[tuple[int, int], int] = {}
    for site, item, lot, expires_on, quantity in session.execute(received):
        key = (site, item)
        if expires_on is None:
            undated[key] = undated.get(key, 0) + quantity
        else:
            dated.setdefault(key, []).append((expires_on, lot, quantity))
    names = {
        row.id: (row.sku, row.name) for row in session.execute(select(Item.id, Item.sku, Item.name))
    }
    sites = dict(session.execute(select(Site.id, Site.name)).all())
    lots: list[Lot] = []
    for key, entries in dated.items():
        left = on_hand.get(key, 0) - undated.get(key, 0)
        for expires_on, lot, quantity in sorted(entries, key=lambda e: e[0], reverse=True):
            if left <= 0:
                break
            share = min(quantity, left)
            left -= share
            sku, name = names[key[1]]
            lots.append(
                Lot(
                    key[0],
                    sites[key[0]],
                    key[1],
                    sku,
                    name,
                    lot,
                    expires_on,
                    share,
                    (expires_on - today).days,
                )
            )
    return sorted(lots, key=lambda lot: (lot.expires_on, lot.sku, lot.site))


def write_off_expired(
    session: Session, *, site_id: int, today: date, user_id: int | None, at: datetime
) -> list[Lot]:
    """Take every expired lot of the site off the shelves, one write-off movement each."""
    # Lock the site's figures first, so the shares read are the ones taken.
    session.execute(
        select(StockLevel.item_id)
        .where(StockLevel.site_id == site_id)
        .order_by(StockLevel.item_id)
        .with_for_update()
    ).all()
    expired = [lot for lot in lots_by_expiry(session, site_id=site_id, today=today) if lot.expired]
    for lot in expired:
        label = f"lot {lot.lot}, " if lot.lot else ""
        take(
            session,
            site_id=site_id,
            item_id=lot.item_id,
            quantity=lot.quantity,
            kind="expiry_writeoff",
            user_id=user_id,
            at=at,
            reason=f"{label}expired {lot.expires_on.isoformat()}",
        )
    return expired
