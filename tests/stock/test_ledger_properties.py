"""Random sequences of every movement kind: the movements always sum to on hand, on hand is
never below zero, and a refused movement leaves no trace."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.db import utcnow
from app.errors import DomainError
from app.stock import ledger
from app.stock.models import Item, StockLevel, StockMovement
from app.stock.services import take_stock

SITES = st.sampled_from([0, 1])
ITEMS = st.sampled_from([0, 1])
QTY = st.integers(min_value=1, max_value=40)

OPERATIONS = st.one_of(
    st.tuples(st.just("donation"), SITES, ITEMS, QTY),
    st.tuples(st.just("voucher_batch"), SITES, ITEMS, QTY),
    st.tuples(st.just("handover"), SITES, ITEMS, QTY),
    st.tuples(st.just("adjustment"), SITES, ITEMS, st.integers(-40, 40).filter(bool)),
    st.tuples(st.just("transfer"), SITES, ITEMS, QTY, st.integers(0, 40)),
    st.tuples(st.just("count"), SITES, ITEMS, st.integers(0, 60)),
    st.tuples(st.just("expiry_writeoff"), SITES, ITEMS, QTY),
)


def apply(
    session: Any,
    op: tuple[Any, ...],
    sites: list[int],
    items: list[int],
    model: dict[tuple[int, int], int],
) -> None:
    kind, s, i, quantity, *rest = op
    site, item, now = sites[s], items[i], utcnow()
    key = (site, item)
    have = model.get(key, 0)
    if kind in ("donation", "voucher_batch"):
        ledger.put(
            session, site_id=site, item_id=item, quantity=quantity, kind=kind, user_id=None, at=now
        )
        model[key] = have + quantity
    elif kind == "handover":
        taken = take_stock(
            session, site_id=site, wanted={item: quantity}, kind="handover", user_id=None
        )
        assert taken[item] == min(quantity, have)
        model[key] = have - taken[item]
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
    elif kind == "transfer":
        other = sites[1 - s]
        try:
            transfer = ledger.send_transfer(
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
        ledger.receive_transfer(
            session, transfer_id=transfer.id, received=received, user_id=None, at=now
        )
        model[key] = have - quantity
        model[(other, item)] = model.get((other, item), 0) + received
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
    elif kind == "expiry_writeoff":
        try:
            ledger.take(
                session,
                site_id=site,
                item_id=item,
                quantity=quantity,
                kind="expiry_writeoff",
                user_id=None,
                at=now,
            )
        except DomainError:
            assert have < quantity
        else:
            model[key] = have - quantity


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=st.lists(OPERATIONS, min_size=1, max_size=25))
def test_movements_always_sum_to_on_hand(session: Any, operations: list[Any]) -> None:
    try:
        sites = [ledger.find_site(session, "MAIN").id]
        sites.append(ledger.create_site(session, code="DEPOT", name="Depot", kind="warehouse").id)
        items = list(session.scalars(select(Item.id).order_by(Item.id).limit(2)))
        model: dict[tuple[int, int], int] = {}
        for op in operations:
            apply(session, op, sites, items, model)
        sums = dict(
            session.execute(
                select(
                    StockMovement.site_id * 1000 + StockMovement.item_id,
                    func.sum(StockMovement.quantity),
                ).group_by(StockMovement.site_id, StockMovement.item_id)
            ).all()
        )
        levels = {
            (site, item): on_hand
            for site, item, on_hand in session.execute(
                select(StockLevel.site_id, StockLevel.item_id, StockLevel.on_hand)
            )
        }
        for (site, item), on_hand in levels.items():
            assert on_hand >= 0
            assert sums.get(site * 1000 + item, 0) == on_hand
            assert model.get((site, item), 0) == on_hand
        assert all(levels.get(key, 0) == value for key, value in model.items())
    finally:
        session.rollback()
