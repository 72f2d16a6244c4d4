"""What the public check answers for each kind of input, and its budget per address."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from app.extensions import db
from app.public.budget import BURST, INTERVAL_MS, TooManyChecks, address_key, spend_check
from app.public.services import PublicAnswer, next_visit


def _answer(app, typed: str, today: date) -> PublicAnswer:  # type: ignore[no-untyped-def]
    with app.app_context():
        return next_visit(db.session, typed, today=today, days=10)


def test_a_family_served_on_the_first_may_come_from_the_eleventh(
    app, register, api, set_today
) -> None:  # type: ignore[no-untyped-def]
    household = register()
    set_today(date(2026, 3, 1))
    api("volunteer").post("/api/v1/distributions", json={"qr": household["card"]["qr"]})
    number = household["card"]["number"]
    spaced = f"{number[:4]} {number[4:8]} {number[8:]}"
    for typed in (number, spaced, household["card"]["qr"]):
        assert _answer(app, typed, date(2026, 3, 4)) == PublicAnswer("date", date(2026, 3, 11))
    assert _answer(app, number, date(2026, 3, 11)) == PublicAnswer("today")
    never = register()
    assert _answer(app, never["card"]["number"], date(2026, 3, 4)) == PublicAnswer("today")


def test_a_replaced_card_and_an_unknown_number_get_the_same_answer(app, register, api) -> None:  # type: ignore[no-untyped-def]
    household = register()
    old = household["card"]["number"]
    api("coordinator").post(f"/api/v1/households/{household['id']}/cards", json={"reason": "lost"})
    unknown = "000000000" + "0"  # a valid check digit, no card
    assert _answer(app, old, date(2026, 3, 4)) == PublicAnswer("no_date")
    assert _answer(app, unknown, date(2026, 3, 4)) == PublicAnswer("no_date")
    assert _answer(app, household["card"]["qr"], date(2026, 3, 4)) == PublicAnswer("no_date")


@pytest.mark.parametrize(
    ("typed", "kind"),
    [
        ("", "not_a_number"),
        ("hello", "not_a_number"),
        ("5901234123457", "not_a_number"),  # a product's EAN-13 barcode
        ("' OR 1=1 --", "not_a_number"),
        ("1" * 5000, "not_a_number"),
        ("AD1-" + "!" * 32, "not_a_number"),
        ("1234567890", "bad_number"),  # ten digits, a wrong check digit
    ],
)
def test_garbage_is_told_apart_from_a_number_without_a_lookup(app, typed, kind) -> None:  # type: ignore[no-untyped-def]
    assert _answer(app, typed, date(2026, 3, 4)).kind == kind


def test_an_address_has_a_burst_then_one_check_every_interval(app) -> None:  # type: ignore[no-untyped-def]
    now = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)
    with app.app_context():
        for _ in range(BURST):
            spend_check(db.session, "203.0.113.7", now)
            db.session.commit()
        with pytest.raises(TooManyChecks) as refused:
            spend_check(db.session, "203.0.113.7", now)
        assert refused.value.retry_after == INTERVAL_MS // 1000
        spend_check(db.session, "203.0.113.8", now)  # another address has its own budget
        later = now + timedelta(milliseconds=INTERVAL_MS)
        spend_check(db.session, "203.0.113.7", later)
        db.session.commit()


def test_an_ipv6_caller_is_counted_by_its_slash_64() -> None:
    assert (
        address_key("2001:db8:1:2::1") == address_key("2001:db8:1:2:ffff::9") == "2001:db8:1:2::/64"
    )
    assert address_key("2001:db8:1:3::1") != address_key("2001:db8:1:2::1")
    assert address_key("::ffff:198.51.100.4") == "198.51.100.4"
    assert address_key("not an address") == address_key(None) == "unknown"


def test_an_address_is_forgotten_once_its_bucket_is_full_again(app) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from app.public.models import PublicCheckBudget

    now = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)
    with app.app_context():
        spend_check(db.session, "203.0.113.7", now)
        spend_check(db.session, "203.0.113.8", now + timedelta(milliseconds=INTERVAL_MS // 2))
        assert len(db.session.scalars(select(PublicCheckBudget.address)).all()) == 2
        later = now + timedelta(milliseconds=INTERVAL_MS + 1)
        spend_check(db.session, "198.51.100.1", later)
        db.session.commit()
        kept = set(db.session.scalars(select(PublicCheckBudget.address)))
    assert kept == {"203.0.113.8", "198.51.100.1"}
