"""Random sequences of every movement kind: the movements always sum to on hand, on hand is
never below zero, a refused movement leaves no trace, and the lot balances are exactly what
working the shelves first-expiring first leaves (and sum to on hand)."""

from __future__ import annotations

from datetime import date
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.db import utcnow
from app.errors import DomainError
from app.sites import services as stock_sites
from app.stock import expiry, ledger, transfers
from app.stock.models import NO_EXPIRY, Item, StockLot, StockMovement
from app.stock.services import take_stock
from tests.stock.lot_checks import assert_lots_add_up

TODAY = date(2026, 3, 10)
# (lot, expires_on) a donation line may carry: one expired, two to come, one undated.
LOTS = [("OLD", date(2026, 3, 1)), ("A", date(2026, 4, 1)), ("B", date(2026, 9, 1)), ("", None)]

SITES = st.sampled_from([0, 1])
ITEMS = st.sampled_from([0, 1])
QTY = st.integers(min_value=1, max_value=40)

OPERATIONS = st.one_of(
    st.tuples(st.just("donation"), SITES, ITEMS, QTY, st.integers(0, len(LOTS) - 1)),
    st.tuples(st.just("voucher_batch"), SITES, ITEMS, QTY),
    st.tuples(st.just("handover"), SITES, ITEMS, QTY),
    st.tuples(st.just("adjustment"), SITES, ITEMS, st.integers(-40, 40).filter(bool)),
    st.tuples(st.just("transfer"), SITES, ITEMS, QTY, st.integers(0, 40)),
    st.tuples(st.just("count"), SITES, ITEMS, st.integers(0, 60)),
    st.tuples(st.just("take"), SITES, ITEMS, QTY),
    st.tuples(st.just("expiry_writeoff"), SITES, ITEMS, QTY),
)

Lots = dict[tuple[str, date], int]


def first_expiring(lots: Lots, quantity: int) -> list[tuple[tuple[str, date], int]]:
    """The model of taking stock: the first-expiring lots first (undated last), by lot."""
    pieces = []
    for key in sorted(lots, key=lambda k: (k[1], k[0])):
        share = min(lots[key], quantity)
        if share:
            lots[key] -= share
            quantity -= share
            pieces.append((key, share))
    assert quantity == 0
    return pieces


def apply(
    session: Any,
    op: tuple[Any, ...],
    sites: list[int],
    items: list[int],
    model: dict[tuple[int, int], int],
    lots: dict[tuple[int, int], Lots],
) -> None:
    kind, s, i, quantity, *rest = op
    site, item, now = sites[s], items[i], utcnow()
    key = (site, item)
    have = model.get(key, 0)
    shelf = lots.setdefault(key, {})
    unlotted = ("", NO_EXPIRY)
    if kind in ("donation", "voucher_batch"):
        lot, expires_on = LOTS[rest[0]] if kind == "donation" else ("", None)
        ledger.put(
            session,
            site_id=site,
            item_id=item,
            quantity=quantity,
            kind=kind,
            user_id=None,
            at=now,
            lot=lot,
            expires_on=expires_on,
        )
        model[key] = have + quantity
        lot_key = (lot, expires_on or NO_EXPIRY)
        shelf[lot_key] = shelf.get(lot_key, 0) + quantity
    elif kind == "handover":
        taken = take_stock(
            session, site_id=site, wanted={item: quantity}, kind="handover", user_id=None
        )
        assert taken[item] == min(quantity, have)
        model[key] = have - taken[item]
        first_expiring(shelf, taken[item])
    elif kind == "adjustment":
        try:
            ledger.record_adjustment(
                session,
                site_id=site,
                item_id=item,
                quantity=quantity,
                reason="property",
                user_id=None,
                at=now,
            )
        except ledger.InsufficientStock:
            assert have + quantity < 0
        else:
            model[key] = have + quantity
            if quantity > 0:
                shelf[unlotted] = shelf.get(unlotted, 0) + quantity
            else:
                first_expiring(shelf, -quantity)
    elif kind == "transfer":
        other = sites[1 - s]
        try:
            transfer = transfers.send_transfer(
                session,
                item_id=item,
                from_site_id=site,
                to_site_id=other,
                quantity=quantity,
                reason="property",
                user_id=None,
                at=now,
            )
        except ledger.InsufficientStock:
            assert have < quantity
            return
        received = min(rest[0], quantity)
        transfers.receive_transfer(
            session, transfer_id=transfer.id, received=received, user_id=None, at=now
        )
        model[key] = have - quantity
        model[(other, item)] = model.get((other, item), 0) + received
        there = lots.setdefault((other, item), {})
        missing = quantity - received
        for lot_key, sent in first_expiring(shelf, quantity):
            lost = min(missing, sent)
            missing -= lost
            there[lot_key] = there.get(lot_key, 0) + sent - lost
    elif kind == "count":
        ledger.correct_count(
            session,
            site_id=site,
            item_id=item,
            counted=quantity,
            expected=ledger.on_hand_of(session, site, item),
            user_id=None,
            at=now,
        )
        model[key] = quantity
        if quantity > have:
            shelf[unlotted] = shelf.get(unlotted, 0) + quantity - have
        else:
            first_expiring(shelf, have - quantity)
    elif kind == "take":
        try:
            ledger.take(
                session,
                site_id=site,
                item_id=item,
                quantity=quantity,
                kind="adjustment",
                user_id=None,
                at=now,
                reason="property",
            )
        except DomainError:
            assert have < quantity
        else:
            model[key] = have - quantity
            first_expiring(shelf, quantity)
    elif kind == "expiry_writeoff":
        written = expiry.write_off_expired(session, site_id=site, today=TODAY, user_id=None, at=now)
        for lot in written:
            lot_key = (lot.lot or "", lot.expires_on)
            here = lots[(site, lot.item_id)]
            assert here[lot_key] == lot.quantity
            here[lot_key] = 0
            model[(site, lot.item_id)] -= lot.quantity
        for (where, _item), shelf_lots in lots.items():
            if where == site:
                assert all(n == 0 for (_l, e), n in shelf_lots.items() if e < TODAY)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=st.lists(OPERATIONS, min_size=1, max_size=25))
def test_movements_always_sum_to_on_hand(session: Any, operations: list[Any]) -> None:
    try:
        sites = [stock_sites.find_site(session, "MAIN").id]
        sites.append(
            stock_sites.create_site(session, code="DEPOT", name="Depot", kind="warehouse").id
        )
        items = list(session.scalars(select(Item.id).order_by(Item.id).limit(2)))
        model: dict[tuple[int, int], int] = {}
        lots: dict[tuple[int, int], Lots] = {}
        for op in operations:
            apply(session, op, sites, items, model, lots)
        sums = dict(
            session.execute(
                select(
                    StockMovement.site_id * 1000 + StockMovement.item_id,
                    func.sum(StockMovement.quantity),
                ).group_by(StockMovement.site_id, StockMovement.item_id)
            ).all()
        )
        levels = assert_lots_add_up(session)
        for (site, item), on_hand in levels.items():
            assert on_hand >= 0
            assert sums.get(site * 1000 + item, 0) == on_hand
            assert model.get((site, item), 0) == on_hand
        assert all(levels.get(key, 0) == value for key, value in model.items())
        in_db = {
            (row.site_id, row.item_id, row.lot, row.expires_on): row.on_hand
            for row in session.scalars(select(StockLot).where(StockLot.on_hand > 0))
        }
        expected = {
            (site, item, lot, expires_on): n
            for (site, item), shelf in lots.items()
            for (lot, expires_on), n in shelf.items()
            if n
        }
        assert in_db == expected
        # Every movement but the old-style ones names the lot it changed.
        assert session.scalar(select(func.count()).where(StockMovement.lot_id.is_(None))) == 0
    finally:
        session.rollback()
