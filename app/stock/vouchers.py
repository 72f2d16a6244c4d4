"""Vouchers by serial: numbered batches in, each serial issued once to one household.

A serial is issued by a conditional UPDATE (``distribution_id IS NULL``) whose row count says
which desk won; the unique constraint on the serial keeps a serial in one batch only. See
docs/decisions/0008-stock-ledger.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError

from app.db import DbSession
from app.errors import DomainError, ValidationFailed
from app.stock.catalog import find_item
from app.stock.ledger import put
from app.stock.models import Item, Voucher, VoucherBatch
from app.text import has_control_characters

MAX_BATCH = 10_000
SERIAL = re.compile(r"^(?P<prefix>[A-Z0-9/_.-]{0,20}?)(?P<number>[0-9]{1,15})$")

_vouchers = Voucher.__table__
_ISSUE = (
    update(_vouchers)
    .where(_vouchers.c.id == bindparam("p_id"), _vouchers.c.distribution_id.is_(None))
    .values(
        distribution_id=bindparam("p_distribution_id"),
        household_id=bindparam("p_household_id"),
        issued_at=bindparam("p_at"),
    )
)


class VoucherInvalid(DomainError):
    """A scanned serial that cannot be handed over; nothing of the handover is recorded."""

    code = "voucher_invalid"
    status = 422


class SerialsTaken(DomainError):
    code = "serials_exist"
    status = 409


@dataclass(frozen=True)
class SerialRange:
    prefix: str
    first: int
    last: int
    width: int  # zero-padded digits, 0 for plain numbers

    @property
    def count(self) -> int:
        return self.last - self.first + 1

    def serial(self, number: int) -> str:
        return f"{self.prefix}{number:0{self.width}d}" if self.width else f"{self.prefix}{number}"

    def serials(self) -> list[str]:
        return [self.serial(n) for n in range(self.first, self.last + 1)]


def normalize(serial: str) -> str:
    return serial.strip().upper()


def parse_range(first_serial: str, last_serial: str) -> SerialRange:
    """``SA-000100``..``SA-000199`` or ``100``..``199``: one prefix, the same width of digits
    (or plain numbers), first <= last, at most MAX_BATCH serials."""
    first, last = normalize(first_serial), normalize(last_serial)
    a, b = SERIAL.match(first), SERIAL.match(last)
    fields = {}
    if a is None:
        fields["first_serial"] = _l("a number, or a fixed prefix followed by a number (SA-000100)")
    if b is None:
        fields["last_serial"] = _l("a number, or a fixed prefix followed by a number (SA-000199)")
    if fields or a is None or b is None:
        raise ValidationFailed(fields)
    if a["prefix"] != b["prefix"]:
        raise ValidationFailed({"last_serial": _l("the same prefix as the first serial")})
    da, db_ = a["number"], b["number"]
    padded = da.startswith("0") or db_.startswith("0")
    if len(da) != len(db_) and padded:
        raise ValidationFailed({"last_serial": _l("as many digits as the first serial")})
    width = len(da) if len(da) == len(db_) else 0
    span = SerialRange(a["prefix"], int(da), int(db_), width)
    if span.last < span.first:
        raise ValidationFailed({"last_serial": _l("not before the first serial")})
    if span.count > MAX_BATCH:
        raise ValidationFailed(
            {"last_serial": _l("at most %(n)s serials in one batch", n=MAX_BATCH)}
        )
    return span


def record_voucher_batch(
    session: DbSession,
    *,
    sku: str,
    donor: str,
    first_serial: str,
    last_serial: str,
    site_id: int,
    received_on: date,
    user_id: int | None,
    at: datetime,
) -> VoucherBatch:
    """A numbered batch: a voucher per serial, its count on the shelves, and the item
    tracked by serial from now on. Refused whole if any serial is known already."""
    donor = donor.strip()
    if not donor or len(donor) > 200 or has_control_characters(donor):
        raise ValidationFailed({"donor": _l("1-200 characters")})
    span = parse_range(first_serial, last_serial)
    item = find_item(session, sku)
    serials = span.serials()
    known = _existing(session, serials)
    if known:
        raise SerialsTaken(
            _l(
                "%(count)s of these serials are recorded already, %(first)s first.",
                count=len(known),
                first=known[0],
            ),
            serial=known[0],
        )
    batch = VoucherBatch(
        item_id=item.id,
        site_id=site_id,
        donor=donor,
        prefix=span.prefix,
        first_number=span.first,
        last_number=span.last,
        width=span.width,
        received_on=received_on,
        created_at=at,
        user_id=user_id,
    )
    session.add(batch)
    session.flush()
    try:
        with session.begin_nested():
            session.execute(
                insert(_vouchers),
                [{"serial": s, "batch_id": batch.id, "item_id": item.id} for s in serials],
            )
    except IntegrityError:
        raise SerialsTaken(_l("Another batch with these serials was just recorded.")) from None
    session.execute(update(Item).where(Item.id == item.id).values(serial_tracked=True))
    put(
        session,
        site_id=site_id,
        item_id=item.id,
        quantity=span.count,
        kind="voucher_batch",
        user_id=user_id,
        at=at,
        voucher_batch_id=batch.id,
    )
    session.refresh(item)
    return batch


def _existing(session: DbSession, serials: list[str]) -> list[str]:
    found: list[str] = []
    for start in range(0, len(serials), 500):
        chunk = serials[start : start + 500]
        found += session.scalars(select(Voucher.serial).where(Voucher.serial.in_(chunk))).all()
    return sorted(found)


@dataclass(frozen=True)
class ScannedVoucher:
    id: int
    serial: str
    item_id: int


def resolve(
    session: DbSession,
    scanned: Iterable[tuple[str | None, str]],
    serial_items: dict[int, tuple[str, int]],
) -> dict[int, list[ScannedVoucher]]:
    """Check the scanned (sku, serial) pairs against the household's entitled serial-tracked
    items (item id -> (sku, quantity)); raise VoucherInvalid naming the first bad serial.

    A sku of None means "the item the serial belongs to" (the desk page scans serials only).
    """
    pairs = [(sku.strip().upper() if sku else None, normalize(serial)) for sku, serial in scanned]
    if not pairs:
        return {}
    rows = session.execute(
        select(Voucher.id, Voucher.serial, Voucher.item_id, Voucher.distribution_id, Item.sku)
        .join(Item, Item.id == Voucher.item_id)
        .where(Voucher.serial.in_({serial for _, serial in pairs}))
    ).all()
    known = {row.serial: row for row in rows}
    chosen: dict[int, list[ScannedVoucher]] = {}
    seen: set[str] = set()
    for sku, serial in pairs:
        row = known.get(serial)
        if serial in seen:
            raise VoucherInvalid(
                _l("Voucher %(serial)s was scanned twice.", serial=serial),
                serial=serial,
                reason="twice",
            )
        seen.add(serial)
        if row is None:
            raise VoucherInvalid(
                _l("Voucher %(serial)s is not known.", serial=serial),
                serial=serial,
                reason="unknown",
            )
        if sku is not None and row.sku != sku:
            raise VoucherInvalid(
                _l(
                    "Voucher %(serial)s belongs to %(item)s, not %(sku)s.",
                    serial=serial,
                    item=row.sku,
                    sku=sku,
                ),
                serial=serial,
                sku=row.sku,
                reason="other_item",
            )
        if row.distribution_id is not None:
            raise VoucherInvalid(
                _l("Voucher %(serial)s was issued already.", serial=serial),
                serial=serial,
                reason="issued",
            )
        if row.item_id not in serial_items:
            raise VoucherInvalid(
                _l(
                    "Voucher %(serial)s (%(item)s) is not due to this household.",
                    serial=serial,
                    item=row.sku,
                ),
                serial=serial,
                reason="not_due",
            )
        picked = chosen.setdefault(row.item_id, [])
        if len(picked) >= serial_items[row.item_id][1]:
            raise VoucherInvalid(
                _l(
                    "Voucher %(serial)s: more %(item)s vouchers than the household is due.",
                    serial=serial,
                    item=row.sku,
                ),
                serial=serial,
                reason="too_many",
            )
        picked.append(ScannedVoucher(row.id, serial, row.item_id))
    return chosen


def issue(
    session: DbSession,
    vouchers: list[ScannedVoucher],
    *,
    distribution_id: int,
    household_id: int,
    at: datetime,
) -> None:
    """Issue each voucher to the household; one issued meanwhile by another desk refuses the
    whole handover (the caller's transaction is rolled back)."""
    conn = session.connection()
    for voucher in sorted(vouchers, key=lambda v: v.id):
        params = {
            "p_id": voucher.id,
            "p_distribution_id": distribution_id,
            "p_household_id": household_id,
            "p_at": at,
        }
        if conn.execute(_ISSUE, params).rowcount != 1:
            raise VoucherInvalid(
                _l("Voucher %(serial)s was issued already.", serial=voucher.serial),
                serial=voucher.serial,
                reason="issued",
            )


@dataclass(frozen=True)
class IssuedSerial:
    serial: str
    sku: str
    name: str
    issued_at: datetime | None


def household_serials(session: DbSession, household_id: int) -> list[IssuedSerial]:
    rows = session.execute(
        select(Voucher.serial, Item.sku, Item.name, Voucher.issued_at)
        .join(Item, Item.id == Voucher.item_id)
        .where(Voucher.household_id == household_id)
        .order_by(Voucher.issued_at.desc(), Voucher.serial)
    )
    return [IssuedSerial(*row) for row in rows]
