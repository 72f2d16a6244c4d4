"""The ledger's services, without HTTP: every change is a movement, on hand never below 0."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select, text

from app.db import utcnow
from app.errors import ValidationFailed
from app.sites import services as sites
from app.stock import at_once, ledger, services, transfers
from app.stock.models import Item, StockLevel, StockMovement


def ids(session: Any) -> tuple[int, int, int]:
    main = sites.find_site(session, "MAIN").id
    depot = sites.create_site(session, code="DEPOT", name="Warehouse", kind="warehouse").id
    food = session.scalar(select(Item.id).where(Item.sku == "FOOD"))
    return main, depot, food


def level(session: Any, site_id: int, item_id: int) -> int:
    return ledger.on_hand_of(session, site_id, item_id)


def ledger_sum(session: Any, site_id: int, item_id: int) -> int:
    return int(
        session.scalar(
            select(func.coalesce(func.sum(StockMovement.quantity), 0)).where(
                StockMovement.site_id == site_id, StockMovement.item_id == item_id
            )
        )
    )


def test_an_adjustment_needs_a_reason_and_records_nothing_without_one(session: Any) -> None:
    main, _, food = ids(session)
    with pytest.raises(ValidationFailed) as refused:
        ledger.record_adjustment(
            session, site_id=main, item_id=food, quantity=5, reason="  ", user_id=None, at=utcnow()
        )
    assert "reason" in refused.value.fields
    assert session.scalar(select(func.count()).select_from(StockMovement)) == 0


def test_an_adjustment_down_beyond_on_hand_is_refused_and_takes_nothing(session: Any) -> None:
    main, _, food = ids(session)
    ledger.record_adjustment(
        session, site_id=main, item_id=food, quantity=3, reason="found", user_id=None, at=utcnow()
    )
    with pytest.raises(ledger.InsufficientStock):
        ledger.record_adjustment(
            session,
            site_id=main,
            item_id=food,
            quantity=-4,
            reason="broken",
            user_id=None,
            at=utcnow(),
        )
    assert level(session, main, food) == 3 == ledger_sum(session, main, food)


def test_a_transfer_leaves_the_sender_when_sent_and_arrives_when_received(session: Any) -> None:
    main, depot, food = ids(session)
    ledger.put(
        session,
        site_id=depot,
        item_id=food,
        quantity=50,
        kind="donation",
        user_id=None,
        at=utcnow(),
    )
    transfer = transfers.send_transfer(
        session,
        item_id=food,
        from_site_id=depot,
        to_site_id=main,
        quantity=20,
        reason="weekly",
        user_id=None,
        at=utcnow(),
    )
    assert (level(session, depot, food), level(session, main, food)) == (30, 0)
    transfers.receive_transfer(
        session, transfer_id=transfer.id, received=18, user_id=None, at=utcnow()
    )
    assert (level(session, depot, food), level(session, main, food)) == (30, 18)
    assert transfer.received == 18
    with pytest.raises(transfers.TransferReceived):
        transfers.receive_transfer(
            session, transfer_id=transfer.id, received=2, user_id=None, at=utcnow()
        )
    assert level(session, main, food) == 18 == ledger_sum(session, main, food)
    assert ledger_sum(session, depot, food) == 30


def test_a_transfer_to_the_same_site_or_of_more_than_on_hand_is_refused(session: Any) -> None:
    main, depot, food = ids(session)
    with pytest.raises(ValidationFailed):
        transfers.send_transfer(
            session,
            item_id=food,
            from_site_id=main,
            to_site_id=main,
            quantity=1,
            reason="x",
            user_id=None,
            at=utcnow(),
        )
    with pytest.raises(ledger.InsufficientStock):
        transfers.send_transfer(
            session,
            item_id=food,
            from_site_id=main,
            to_site_id=depot,
            quantity=1,
            reason="x",
            user_id=None,
            at=utcnow(),
        )


def test_a_count_correction_sets_on_hand_to_the_count(session: Any) -> None:
    main, _, food = ids(session)
    ledger.put(
        session, site_id=main, item_id=food, quantity=10, kind="donation", user_id=None, at=utcnow()
    )
    ledger.correct_count(
        session, site_id=main, item_id=food, counted=7, expected=10, user_id=None, at=utcnow()
    )
    assert level(session, main, food) == 7 == ledger_sum(session, main, food)


def test_a_count_correction_on_a_figure_that_moved_meanwhile_is_refused(session: Any) -> None:
    main, _, food = ids(session)
    ledger.put(
        session, site_id=main, item_id=food, quantity=10, kind="donation", user_id=None, at=utcnow()
    )
    with pytest.raises(ledger.StockChanged):
        ledger.correct_count(
            session, site_id=main, item_id=food, counted=7, expected=9, user_id=None, at=utcnow()
        )
    assert level(session, main, food) == 10


def test_the_database_refuses_a_negative_on_hand(session: Any) -> None:
    from sqlalchemy import update
    from sqlalchemy.exc import IntegrityError

    main, _, food = ids(session)
    ledger.put(
        session, site_id=main, item_id=food, quantity=1, kind="donation", user_id=None, at=utcnow()
    )
    with pytest.raises(IntegrityError):
        session.execute(update(StockLevel).values(on_hand=-1))
    session.rollback()


def test_an_unknown_movement_kind_is_refused_by_the_database(session: Any) -> None:
    from sqlalchemy.exc import IntegrityError

    main, _, food = ids(session)
    with pytest.raises(IntegrityError):
        ledger.put(
            session, site_id=main, item_id=food, quantity=1, kind="gift", user_id=None, at=utcnow()
        )
    session.rollback()


def test_a_handover_and_an_adjustment_take_stock_through_the_one_conditional_update(
    session: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    main, _, food = ids(session)
    ledger.record_adjustment(
        session, site_id=main, item_id=food, quantity=5, reason="found", user_id=None, at=utcnow()
    )
    taken: list[tuple[int, int, int]] = []
    real = ledger.take_level

    def watched(db: Any, *, site_id: int, item_id: int, quantity: int) -> bool:
        won = real(db, site_id=site_id, item_id=item_id, quantity=quantity)
        taken.append((site_id, item_id, quantity if won else 0))
        return won

    monkeypatch.setattr(ledger, "take_level", watched)
    real_levels = ledger.take_levels
    watched_taken = taken  # take_levels' own argument is called taken too

    def watched_levels(conn: Any, *, site_id: int, taken: dict[int, int]) -> bool:
        won = real_levels(conn, site_id=site_id, taken=dict(taken))
        watched_taken.extend((site_id, i, n if won else 0) for i, n in sorted(taken.items()))
        return won

    monkeypatch.setattr(ledger, "take_levels", watched_levels)
    real_at_once = at_once.take

    def watched_at_once(conn: Any, *, site_id: int, **kw: Any) -> None:
        real_at_once(conn, site_id=site_id, **kw)
        taken.extend((site_id, item_id, n) for item_id, n in kw["taken"].items())

    # On PostgreSQL a handover's stock is one statement (decision 0036), with the same
    # condition in its UPDATE; on SQLite its items go through take_levels (one call, the same
    # UPDATE for each); the adjustments still go through take_level.
    monkeypatch.setattr(at_once, "take", watched_at_once)
    services.take_stock(session, site_id=main, wanted={food: 2}, kind="handover", user_id=None)
    ledger.record_adjustment(
        session, site_id=main, item_id=food, quantity=-1, reason="broken", user_id=None, at=utcnow()
    )
    with pytest.raises(ledger.InsufficientStock):
        ledger.record_adjustment(
            session,
            site_id=main,
            item_id=food,
            quantity=-3,
            reason="lost",
            user_id=None,
            at=utcnow(),
        )
    assert taken == [(main, food, 2), (main, food, 1), (main, food, 0)]
    assert level(session, main, food) == 2 == ledger_sum(session, main, food)


def test_a_handover_s_stock_leaves_an_audit_event_per_figure_lot_and_movement(
    session: Any,
) -> None:
    """On PostgreSQL the handover's stock is one statement the engine's listener cannot read
    (decision 0036): it writes the same events itself."""
    from app.audit.models import AuditEvent

    main, _, food = ids(session)
    for lot, expires_on in (("A", date(2026, 4, 1)), ("B", date(2026, 5, 1))):
        ledger.put(
            session,
            site_id=main,
            item_id=food,
            quantity=2,
            kind="donation",
            user_id=None,
            at=utcnow(),
            lot=lot,
            expires_on=expires_on,
        )
    session.commit()
    first = session.scalar(select(func.max(AuditEvent.id)))
    taken = services.take_stock(
        session, site_id=main, wanted={food: 3}, kind="handover", user_id=None
    )
    session.commit()
    assert taken == {food: 3}
    events = session.execute(
        select(AuditEvent.action, AuditEvent.entity).where(AuditEvent.id > first)
    ).all()
    assert sorted(events) == [
        ("create", "stock_movements"),
        ("create", "stock_movements"),
        ("update", "stock_levels"),
        ("update", "stock_lots"),
        ("update", "stock_lots"),
    ]
    pieces = session.execute(
        select(StockMovement.quantity).where(StockMovement.kind == "handover")
    ).scalars()
    assert sorted(pieces) == [-2, -1]  # lot A (first to expire) emptied, then one of B
    assert level(session, main, food) == 1 == ledger_sum(session, main, food)


def test_a_handover_s_movement_keeps_its_moment_whatever_the_session_s_time_zone(
    session: Any,
) -> None:
    """The one statement of decision 0036 binds its moments as the columns store them (UTC),
    not as the server's TimeZone would read an aware value."""
    from datetime import UTC, datetime

    main, _, food = ids(session)
    ledger.put(
        session, site_id=main, item_id=food, quantity=3, kind="donation", user_id=None, at=utcnow()
    )
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL TIME ZONE 'Asia/Tokyo'"))
    moment = datetime(2026, 3, 10, 9, 30, tzinfo=UTC)
    services.take_stock(
        session, site_id=main, wanted={food: 1}, kind="handover", user_id=None, at=moment
    )
    session.commit()
    taken_at = session.scalar(select(StockMovement.at).where(StockMovement.kind == "handover"))
    assert taken_at == moment
