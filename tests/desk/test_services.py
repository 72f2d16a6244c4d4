from datetime import UTC, date, datetime
from itertools import count

import pytest
from sqlalchemy import func, select

from app.cards.services import CardRevoked, NotACard, UnknownCard, issue_card
from app.desk.models import Distribution, DistributionLine, Refusal
from app.desk.services import Handover, Refused, check_card, record_handover
from app.households.models import Household
from app.households.rules import NewDocument, NewHousehold, NewMember
from app.registry.registration import register_household
from app.sites.services import site_by_code
from app.stock.donations import DonationLineInput, record_donation
from app.stock.models import StockLevel, StockMovement
from tests.conftest import FAMILY_NAMES

CARD_KEY = "test-card-key"
NOW = datetime(2026, 3, 1, 10, tzinfo=UTC)
FAMILIES = count()


def new_family(session, *births: date, number: str = "FA1") -> tuple[Household, str]:
    # A family name of its own, so the duplicate check sees different people.
    family_name = FAMILY_NAMES[next(FAMILIES) % len(FAMILY_NAMES)]
    members = tuple(
        NewMember(
            given_name="Name",
            family_name=family_name,
            birth_date=born,
            sex="F" if i % 2 else "M",
            relationship="head" if i == 0 else "child",
            documents=(NewDocument("passport", f"{number}-{i}", "UKR"),),
        )
        for i, born in enumerate(births or (date(1980, 1, 1),))
    )
    registered = register_household(
        session,
        NewHousehold(members),
        site_id=site_by_code(session, "MAIN").id,
        today=date(2026, 2, 1),
        now=NOW,
        user_id=None,
        card_key=CARD_KEY,
    )
    session.commit()
    return registered.household, registered.card.qr


def attempt(session, qr: str, day: date) -> Handover | Refused:
    """A handover as the desk sends it, committed whatever its outcome."""
    site = site_by_code(session, "MAIN")
    outcome = record_handover(
        session, scanned=qr, today=day, now=NOW, days=10, site_id=site.id, user_id=None
    )
    session.commit()
    return outcome


def serve(session, qr: str, day: date) -> Handover:
    outcome = attempt(session, qr, day)
    assert isinstance(outcome, Handover), outcome
    return outcome


def refuse(session, qr: str, day: date) -> Refused:
    outcome = attempt(session, qr, day)
    assert isinstance(outcome, Refused), outcome
    return outcome


def donate(session, **quantities: int) -> None:
    site = site_by_code(session, "MAIN")
    lines = [DonationLineInput(sku.replace("_", "-"), q) for sku, q in quantities.items()]
    record_donation(
        session,
        donor="UNHCR",
        lines=lines,
        site_id=site.id,
        received_on=date(2026, 2, 1),
        user_id=None,
    )
    session.commit()


def test_refused_on_day_ten_of_the_interval_and_served_on_the_eleventh(session) -> None:
    _, qr = new_family(session)
    serve(session, qr, date(2026, 3, 1))
    refused = refuse(session, qr, date(2026, 3, 10))
    assert refused.decision.next_eligible_on == date(2026, 3, 11) and refused.counted
    assert refused.error().details["next_eligible_on"] == "2026-03-11"  # the API's 409
    assert session.scalar(select(func.count(Refusal.id))) == 1
    served = serve(session, qr, date(2026, 3, 11))
    assert served.next_eligible_on == date(2026, 3, 21)
    assert session.scalar(select(func.count(Distribution.id))) == 2


def test_a_refusal_counts_once_per_household_and_day(session) -> None:
    _, qr = new_family(session)
    serve(session, qr, date(2026, 3, 1))
    for _ in range(3):
        assert refuse(session, qr, date(2026, 3, 5)).counted
    assert session.scalar(select(func.count(Refusal.id))) == 1


def test_a_repeat_scan_on_the_day_of_service_is_not_a_refusal(session) -> None:
    _, qr = new_family(session)
    serve(session, qr, date(2026, 3, 1))
    assert not refuse(session, qr, date(2026, 3, 1)).counted
    check = check_card(session, scanned=qr, today=date(2026, 3, 1), days=10, site_id=1)
    assert not check.decision.eligible and not check.refusal_due
    assert session.scalar(select(func.count(Refusal.id))) == 0


def test_handover_takes_the_entitlement_out_of_stock_with_a_movement_each(session) -> None:
    donate(session, FOOD=5, HYGIENE=5, BABY=5, CHILD_VOUCHER=5)
    _, qr = new_family(session, date(1990, 1, 1), date(2025, 6, 1), date(2015, 1, 1))
    result = serve(session, qr, date(2026, 3, 1))
    assert {(i.sku, i.given) for i in result.items} == {
        ("FOOD", 1),
        ("HYGIENE", 1),
        ("BABY", 1),
        ("CHILD-VOUCHER", 2),
    }
    levels = dict(session.execute(select(StockLevel.item_id, StockLevel.on_hand)).all())
    movements = dict(
        session.execute(
            select(StockMovement.item_id, func.sum(StockMovement.quantity)).group_by(
                StockMovement.item_id
            )
        ).all()
    )
    assert levels == movements  # the ledger adds up to what is on hand
    assert sorted(levels.values()) == [3, 4, 4, 4]


def test_short_stock_is_given_as_far_as_it_goes_and_the_visit_counts(session) -> None:
    donate(session, FOOD=1)
    _, first = new_family(session, number="A")
    _, second = new_family(session, number="B")
    serve(session, first, date(2026, 3, 1))
    result = serve(session, second, date(2026, 3, 1))
    assert {(i.sku, i.entitled, i.given) for i in result.items} == {
        ("FOOD", 1, 0),
        ("HYGIENE", 1, 0),
    }
    assert session.scalar(select(func.min(StockLevel.on_hand))) == 0
    lines = session.scalars(select(DistributionLine)).all()
    assert len(lines) == 4
    refuse(session, second, date(2026, 3, 2))


def test_unknown_revoked_and_foreign_codes_each_have_their_own_error(session) -> None:
    household, qr = new_family(session)
    issue_card(session, household, card_key=CARD_KEY, now=NOW, user_id=None, reason="lost")
    session.commit()
    with pytest.raises(CardRevoked):
        serve(session, qr, date(2026, 3, 1))
    with pytest.raises(UnknownCard):
        serve(session, "AD1-" + "A" * 32, date(2026, 3, 1))
    with pytest.raises(NotACard):
        serve(session, "5901234123457", date(2026, 3, 1))
    assert session.scalar(select(Household.last_served_on)) is None


def test_the_card_number_typed_by_hand_serves_like_the_qr(session) -> None:
    household, _ = new_family(session)
    from app.cards.services import current_card

    number = current_card(session, household.id).number
    result = serve(session, f"{number[:4]} {number[4:8]} {number[8:]}", date(2026, 3, 1))
    assert result.visitor.household_id == household.id


def test_a_line_the_shelves_fill_in_part_is_recorded_with_what_was_given(session) -> None:
    donate(session, FOOD=5, CHILD_VOUCHER=1)
    _, qr = new_family(session, date(1990, 1, 1), date(2025, 6, 1), date(2015, 1, 1))
    result = serve(session, qr, date(2026, 3, 1))
    answered = {(i.sku, i.entitled, i.given) for i in result.items}
    assert ("CHILD-VOUCHER", 2, 1) in answered and ("FOOD", 1, 1) in answered
    recorded = {
        (line.item.sku, line.entitled, line.given)
        for line in session.scalars(select(DistributionLine))
    }
    assert recorded == answered  # the lines written before the stock were corrected after it


def test_the_stock_is_the_last_thing_a_handover_writes(session) -> None:
    """Decision 0036: every desk takes the same stock rows and holds them to its commit, so
    nothing but the stock comes after they are locked; on PostgreSQL it is one statement."""
    from sqlalchemy import event

    donate(session, FOOD=5, HYGIENE=5, BABY=5, CHILD_VOUCHER=5)
    _, qr = new_family(session, date(1990, 1, 1), date(2025, 6, 1), date(2015, 1, 1))
    ran: list[str] = []
    engine = session.get_bind()

    def note(_conn, _cursor, statement, *_args) -> None:
        ran.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", note)
    try:
        served = record_handover(
            session,
            scanned=qr,
            today=date(2026, 3, 1),
            now=NOW,
            days=10,
            site_id=site_by_code(session, "MAIN").id,
            user_id=None,
            close_ticket=True,  # as the API and the desk page ask
        )
        session.commit()
    finally:
        event.remove(engine, "before_cursor_execute", note)
    locked = next(i for i, s in enumerate(ran) if "FROM stock_levels" in s)
    after = ran[locked + 1 :]
    if engine.dialect.name == "postgresql":
        assert len(after) == 1 and after[0].startswith("WITH taken AS")
    else:
        tables = ("stock_levels", "stock_lots", "stock_movements", "audit_events")
        assert after and all(any(t in s for t in tables) for s in after)
    assert isinstance(served, Handover) and served.ticket is not None
    assert any("queue_tickets" in s for s in ran[:locked])  # the ticket before the stock
