"""Donations: recording one (its lines go on the shelves) and reversing one recorded wrongly."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.db import DbSession
from app.errors import DomainError, NotFound, ValidationFailed
from app.stock import lots
from app.stock.catalog import check_donor, donor_for, items_by_sku
from app.stock.ledger import MAX_QUANTITY, InsufficientStock, check_reason, take
from app.stock.models import Donation, DonationLine
from app.stock.services import add_stock
from app.text import has_control_characters


@dataclass(frozen=True)
class DonationLineInput:
    sku: str
    quantity: int
    expires_on: date | None = None
    lot: str | None = None


def record_donation(
    session: DbSession,
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
    for saved in sorted(donation.lines, key=lambda dl: dl.item_id):
        add_stock(
            session,
            site_id=site_id,
            item_id=saved.item_id,
            quantity=saved.quantity,
            kind="donation",
            user_id=user_id,
            donation_id=donation.id,
            at=at,
            lot=saved.lot,
            expires_on=saved.expires_on,
        )
    session.flush()
    return donation


class DonationReversed(DomainError):
    code = "donation_reversed"
    status = 409


def reverse_donation(
    session: DbSession,
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


def recent_donations(session: DbSession, limit: int = 50) -> list[Donation]:
    return list(session.scalars(select(Donation).order_by(Donation.id.desc()).limit(limit)))
