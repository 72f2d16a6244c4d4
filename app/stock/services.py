"""Stock: the catalog, donations in, and taking items out. Every change is a movement.

On hand never goes below zero: the CHECK constraint on stock_levels says so, and taking
stock is a conditional UPDATE (``on_hand >= quantity``) on a row locked for the transaction.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.db import utcnow
from app.errors import DomainError, NotFound, ValidationFailed
from app.names import merged_names
from app.stock import ledger, lots
from app.stock.catalog import add_barcode, check_donor, check_item_settings, donor_for
from app.stock.ledger import (
    MAX_QUANTITY,
    InsufficientStock,
    check_reason,
    movement_row,
    put,
    take,
)
from app.stock.models import (
    CATEGORIES,
    Donation,
    DonationLine,
    Item,
    StockLevel,
    StockMovement,
)
from app.text import has_control_characters

SKU_PATTERN = r"^[A-Z0-9][A-Z0-9_.-]{0,39}$"


class SkuTaken(DomainError):
    code = "sku_exists"
    status = 409


@dataclass(frozen=True)
class DonationLineInput:
    sku: str
    quantity: int
    expires_on: date | None = None
    lot: str | None = None


def create_item(
    session: Session,
    sku: str,
    name: str,
    category: str,
    *,
    unit: str = "piece",
    minimum: int = 0,
    serial_tracked: bool = False,
    barcodes: list[tuple[str, int]] | None = None,
    names: Mapping[str, str | None] | None = None,
) -> Item:
    """Add an item to the catalog. SKUs are unique and upper case; barcodes are (code, pack);
    ``names`` gives its name in other languages."""
    sku = sku.strip().upper()
    fields: dict[str, str] = {}
    if not re.match(SKU_PATTERN, sku):
        fields["sku"] = _l("1-40 letters, digits, '-', '_' or '.'")
    if not name.strip() or len(name) > 100 or has_control_characters(name):
        fields["name"] = _l("1-100 characters")
    if category not in CATEGORIES:
        fields["category"] = _l("one of %(choices)s", choices=", ".join(CATEGORIES))
    check_item_settings(fields, category=category, unit=unit, minimum=minimum)
    _, others, problems = merged_names(name, {}, names or {})
    fields.update(problems)
    if fields:
        raise ValidationFailed(fields)
    if session.scalar(select(Item.id).where(Item.sku == sku)) is not None:
        raise SkuTaken(_l("The SKU %(sku)s is in the catalog already.", sku=sku), sku=sku)
    item = Item(
        sku=sku,
        name=name.strip(),
        category=category,
        unit=unit.strip(),
        minimum=minimum,
        serial_tracked=serial_tracked,
        names=others,
    )
    session.add(item)
    session.flush()
    for code, pack in barcodes or []:
        add_barcode(session, item=item, code=code, pack_quantity=pack)
    return item


def items_by_sku(session: Session, skus: set[str]) -> dict[str, Item]:
    return {i.sku: i for i in session.scalars(select(Item).where(Item.sku.in_(skus)))}


def add_stock(
    session: Session,
    *,
    site_id: int,
    item_id: int,
    quantity: int,
    kind: str,
    user_id: int | None,
    donation_id: int | None = None,
    at: datetime | None = None,
    lot: str | None = None,
    expires_on: date | None = None,
) -> None:
    """Put ``quantity`` on the shelves, in its lot, and record the movement, in the caller's
    transaction."""
    put(
        session,
        site_id=site_id,
        item_id=item_id,
        quantity=quantity,
        kind=kind,
        user_id=user_id,
        at=at or utcnow(),
        donation_id=donation_id,
        lot=lot,
        expires_on=expires_on,
    )


_levels = StockLevel.__table__
_moves = StockMovement.__table__
# Built once: every scan and every handover at the desk runs these.
_ON_HAND = select(_levels.c.item_id, _levels.c.on_hand).where(
    _levels.c.site_id == bindparam("site_id"),
    _levels.c.item_id.in_(bindparam("item_ids", expanding=True)),
)
_LOCK_ON_HAND = _ON_HAND.order_by(_levels.c.item_id).with_for_update()
_INSERT_MOVE = insert(_moves)


def take_stock(
    session: Session,
    *,
    site_id: int,
    wanted: dict[int, int],
    kind: str,
    user_id: int | None,
    distribution_id: int | None = None,
    at: datetime | None = None,
) -> dict[int, int]:
    """Take up to ``wanted[item_id]`` of each item off the shelves; returns what was taken.

    The rows are locked first, in item order (FOR UPDATE on PostgreSQL; on SQLite the writer
    holds the database), and each UPDATE repeats ``on_hand >= quantity`` so the database has
    the last word. The items come off their first-expiring lots; every quantity taken from a
    lot is a movement.
    """
    if not wanted:
        return {}
    conn = session.connection()
    on_hand = dict(
        conn.execute(_LOCK_ON_HAND, {"site_id": site_id, "item_ids": sorted(wanted)}).all()
    )
    taken = {
        item_id: min(quantity, on_hand.get(item_id, 0)) for item_id, quantity in wanted.items()
    }
    now = at or utcnow()
    for item_id in sorted(taken):
        quantity = taken[item_id]
        if quantity <= 0:
            continue
        if not ledger.take_level(conn, site_id=site_id, item_id=item_id, quantity=quantity):
            raise InsufficientStock(_l("The stock changed while it was being taken; try again."))
    pieces = lots.take_first_expiring(session, site_id=site_id, wanted=taken)
    links = {"distribution_id": distribution_id}
    moves = [
        movement_row(
            kind, item_id, site_id, -piece.quantity, now, user_id, None, links, piece.lot_id
        )
        for item_id in sorted(pieces)
        for piece in pieces[item_id]
    ]
    if moves:
        conn.execute(_INSERT_MOVE, moves)
    return taken


def record_donation(
    session: Session,
    *,
    donor: str,
    lines: list[DonationLineInput],
    site_id: int,
    received_on: date,
    user_id: int | None,
    at: datetime | None = None,
    donor_kind: str | None = None,
    note: str | None = None,
) -> Donation:
    """Record a donation and put its lines on the shelves; all of it or, on any bad line, none.
    A donor named for the first time joins the donors list."""
    donor = donor.strip()
    fields = check_donor(donor, donor_kind, None)
    note = (note or "").strip() or None
    if note is not None and (len(note) > 500 or has_control_characters(note.replace("\n", ""))):
        fields["note"] = _l("at most %(n)s characters", n=500)
    if not lines:
        fields["items"] = _l("at least one line")
    known = items_by_sku(session, {line.sku.strip().upper() for line in lines})
    for i, line in enumerate(lines):
        if line.sku.strip().upper() not in known:
            fields[f"items.{i}.sku"] = _l("unknown SKU %(sku)s", sku=repr(line.sku[:40]))
        if not 0 < line.quantity <= MAX_QUANTITY:
            fields[f"items.{i}.quantity"] = _l("a whole number from 1 to %(n)s", n=MAX_QUANTITY)
        lot = (line.lot or "").strip()
        if len(lot) > 40 or has_control_characters(lot):
            fields[f"items.{i}.lot"] = _l("at most %(n)s characters", n=40)
    if fields:
        raise ValidationFailed(fields)
    giver = donor_for(session, donor, donor_kind)
    donation = Donation(
        donor=giver.name,
        donor_id=giver.id,
        site_id=site_id,
        received_on=received_on,
        user_id=user_id,
        note=note,
    )
    for line in lines:
        item = known[line.sku.strip().upper()]
        donation.lines.append(
            DonationLine(
                item_id=item.id,
                quantity=line.quantity,
                expires_on=line.expires_on,
                lot=(line.lot or "").strip() or None,
            )
        )
    session.add(donation)
    session.flush()
    for line in sorted(donation.lines, key=lambda dl: dl.item_id):
        add_stock(
            session,
            site_id=site_id,
            item_id=line.item_id,
            quantity=line.quantity,
            kind="donation",
            user_id=user_id,
            donation_id=donation.id,
            at=at,
            lot=line.lot,
            expires_on=line.expires_on,
        )
    session.flush()
    return donation


@dataclass(frozen=True)
class StockRow:
    item: Item
    on_hand: int


def stock_on_hand(session: Session, site_id: int | None = None) -> list[StockRow]:
    """Every item of the catalog with what is on hand (at one site, or everywhere)."""
    totals = select(StockLevel.item_id, func.sum(StockLevel.on_hand).label("on_hand"))
    if site_id is not None:
        totals = totals.where(StockLevel.site_id == site_id)
    sub = totals.group_by(StockLevel.item_id).subquery()
    rows = session.execute(
        select(Item, func.coalesce(sub.c.on_hand, 0))
        .outerjoin(sub, sub.c.item_id == Item.id)
        .order_by(Item.sku)
    )
    return [StockRow(item, int(on_hand)) for item, on_hand in rows]


def on_hand_by_item(session: Session, site_id: int, item_ids: list[int]) -> dict[int, int]:
    if not item_ids:
        return {}
    rows = session.connection().execute(_ON_HAND, {"site_id": site_id, "item_ids": item_ids})
    return dict(rows.all())


class DonationReversed(DomainError):
    code = "donation_reversed"
    status = 409


def reverse_donation(
    session: Session,
    *,
    donation_id: int,
    reason: str | None,
    today: date,
    user_id: int | None,
    at: datetime,
) -> Donation:
    """Correct a donation recorded wrongly: a reversing donation takes its lines off the
    shelves again, each from its own lot. Once per donation (the unique ``reverses_id``);
    refused whole when some of a lot has been handed over already (then record an
    adjustment instead)."""
    fields: dict[str, str] = {}
    text = check_reason(reason, fields)
    if fields:
        raise ValidationFailed(fields)
    original = session.get(Donation, donation_id)
    if original is None:
        raise NotFound(_l("No such donation."))
    if original.reverses_id is not None:
        raise DonationReversed(_l("This record is itself a correction; it cannot be reversed."))
    taken = session.scalar(select(Donation.id).where(Donation.reverses_id == donation_id))
    if taken is not None:
        raise DonationReversed(_l("This donation was reversed already."), reversal_id=taken)
    reversal = Donation(
        donor=original.donor,
        donor_id=original.donor_id,
        site_id=original.site_id,
        received_on=today,
        user_id=user_id,
        note=text,
        reverses_id=original.id,
        created_at=at,
    )
    for line in original.lines:
        reversal.lines.append(
            DonationLine(
                item_id=line.item_id,
                quantity=line.quantity,
                expires_on=line.expires_on,
                lot=line.lot,
            )
        )
    try:
        with session.begin_nested():
            session.add(reversal)
            session.flush()
    except IntegrityError:
        raise DonationReversed(_l("This donation was reversed just now.")) from None
    for line in sorted(original.lines, key=lambda dl: (dl.item_id, dl.id)):
        lot_id = lots.find(
            session,
            site_id=original.site_id,
            item_id=line.item_id,
            lot=line.lot,
            expires_on=line.expires_on,
        )
        if lot_id is None:
            raise InsufficientStock(_l("This donation's lot is no longer on the shelves."))
        take(
            session,
            site_id=original.site_id,
            item_id=line.item_id,
            quantity=line.quantity,
            kind="donation",
            user_id=user_id,
            at=at,
            reason=text,
            lot_id=lot_id,
            donation_id=reversal.id,
        )
    return reversal


def recent_donations(session: Session, limit: int = 50) -> list[Donation]:
    return list(session.scalars(select(Donation).order_by(Donation.id.desc()).limit(limit)))
