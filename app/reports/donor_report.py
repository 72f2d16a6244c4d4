"""Donor accountability: what a donor gave in a period and how much of it was handed over,
and the voucher serials issued per donor.

Boxes are not tracked to the family, so "handed over" shares each item's handovers out over
its donations first in, first out (by the day received): the oldest donation is taken to be
handed over first. Vouchers are exact: each issued serial names its batch and donor.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from app.db import DbSession
from app.desk.models import Distribution
from app.stock.models import (
    Donation,
    DonationLine,
    Donor,
    Item,
    StockMovement,
    Voucher,
    VoucherBatch,
)
from app.workbook import Table


@dataclass(frozen=True)
class GivenLine:
    sku: str
    name: str
    unit: str
    given: int
    handed_over: int


@dataclass(frozen=True)
class IssuedVoucher:
    donor: str
    sku: str
    serial: str
    issued_at: datetime | None  # set with the distribution, by the UPDATE that issues it


@dataclass(frozen=True)
class DonorReport:
    donor: Donor
    start: date
    end: date
    lines: list[GivenLine]
    vouchers: list[IssuedVoucher]


def donor_report(session: DbSession, *, donor: Donor, start: date, end: date) -> DonorReport:
    """What ``donor`` gave from ``start`` to ``end`` (inclusive) and how much was handed over."""
    reversal = aliased(Donation)
    rows = session.execute(
        select(
            DonationLine.item_id,
            Donation.donor_id,
            Donation.received_on,
            DonationLine.quantity,
        )
        .join(Donation, Donation.id == DonationLine.donation_id)
        .outerjoin(reversal, reversal.reverses_id == Donation.id)
        .where(Donation.reverses_id.is_(None), reversal.id.is_(None))
        .order_by(Donation.received_on, Donation.id, DonationLine.id)
    ).all()
    batches = session.execute(
        select(
            VoucherBatch.item_id,
            VoucherBatch.donor,
            VoucherBatch.received_on,
            VoucherBatch.last_number - VoucherBatch.first_number + 1,
        )
    ).all()
    handed = dict(
        session.execute(
            select(StockMovement.item_id, -func.sum(StockMovement.quantity))
            .where(StockMovement.kind == "handover")
            .group_by(StockMovement.item_id)
        ).all()
    )
    issued = dict(
        session.execute(
            select(VoucherBatch.item_id, func.count(Voucher.id))
            .join(Voucher, Voucher.batch_id == VoucherBatch.id)
            .where(
                Voucher.distribution_id.is_not(None),
                func.lower(VoucherBatch.donor) == donor.name.lower(),
                VoucherBatch.received_on >= start,
                VoucherBatch.received_on <= end,
            )
            .group_by(VoucherBatch.item_id)
        ).all()
    )
    given: dict[int, int] = {}
    out: dict[int, int] = {}
    used: dict[int, int] = {}
    for item_id, donor_id, received_on, quantity in rows:
        before = used.get(item_id, 0)
        share = max(0, min(quantity, int(handed.get(item_id, 0) or 0) - before))
        used[item_id] = before + quantity
        if donor_id == donor.id and start <= received_on <= end:
            given[item_id] = given.get(item_id, 0) + quantity
            out[item_id] = out.get(item_id, 0) + share
    for item_id, name, received_on, count in batches:
        if name.lower() == donor.name.lower() and start <= received_on <= end:
            given[item_id] = given.get(item_id, 0) + int(count)
            out[item_id] = out.get(item_id, 0) + int(issued.get(item_id, 0))
    items = {i.id: i for i in session.scalars(select(Item).where(Item.id.in_(given)))}
    lines = sorted(
        (
            GivenLine(items[i].sku, items[i].name, items[i].unit, given[i], out.get(i, 0))
            for i in given
        ),
        key=lambda line: line.sku,
    )
    return DonorReport(
        donor, start, end, lines, issued_vouchers(session, donor=donor.name, start=start, end=end)
    )


def issued_vouchers(
    session: DbSession, *, donor: str | None, start: date, end: date
) -> list[IssuedVoucher]:
    """Serials issued from ``start`` to ``end`` (the site's days, inclusive), by donor."""
    stmt = (
        select(VoucherBatch.donor, Item.sku, Voucher.serial, Voucher.issued_at)
        .join(Voucher, Voucher.batch_id == VoucherBatch.id)
        .join(Item, Item.id == Voucher.item_id)
        .join(Distribution, Distribution.id == Voucher.distribution_id)
        .where(Distribution.served_on >= start, Distribution.served_on <= end)
        .order_by(VoucherBatch.donor, Item.sku, Voucher.serial)
    )
    if donor:
        stmt = stmt.where(func.lower(VoucherBatch.donor) == donor.strip().lower())
    return [IssuedVoucher(*row) for row in session.execute(stmt)]


def donor_tables(report: DonorReport) -> list[Table]:
    """The donor report as tables, for its workbook and its CSV (app.workbook)."""
    tables = [
        Table(
            _l("Given and handed over"),
            [_l("SKU"), _l("Item"), _l("Unit"), _l("Given"), _l("Handed over")],
            [[x.sku, x.name, x.unit, x.given, x.handed_over] for x in report.lines],
        )
    ]
    if report.vouchers:
        tables.append(voucher_table(report.vouchers))
    return tables


def voucher_table(issued: list[IssuedVoucher]) -> Table:
    """Serials issued, per donor: the voucher donors' accounts. The writer shows each time
    as the site's clock did."""
    return Table(
        _l("Voucher serials issued"),
        [_l("Donor"), _l("SKU"), _l("Serial"), _l("Issued")],
        [[v.donor, v.sku, v.serial, v.issued_at] for v in issued],
    )
