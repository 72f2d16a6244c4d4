"""Minimum levels that mean something: a catalog without them is asked for them, and gets
two days of the entitlement rules' need, or of the recent pace once families are served."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from app.reports.minimums import set_missing_minimums
from app.stock.models import Item


def minimums(session: Any) -> dict[str, int]:
    return {i.sku: i.minimum for i in session.scalars(select(Item))}


def test_a_new_catalog_is_asked_for_minimums_and_gets_them_from_the_rules(
    login: Any, session: Any
) -> None:
    client = login("stock_manager")
    page = " ".join(client.get("/stock").text.split())
    assert "5 items have no minimum level, so they are never shown as low." in page
    assert "Nothing is under its minimum" not in page
    assert "Food parcel</strong>: none left <small>(no minimum set)</small>" in page

    answer = client.post("/stock/items/minimums", data={"households_a_day": "150"})
    assert answer.status_code == 302
    # One a household a visit, 150 households a day, two days: 300.
    assert minimums(session) == {
        "FOOD": 300,
        "HYGIENE": 300,
        "BABY": 300,
        "CHILD-VOUCHER": 300,
        "MEDICAL-VOUCHER": 300,
    }
    page = " ".join(client.get("/stock").text.split())
    assert "no minimum level" not in page and "(minimum 300)" in page


def test_the_recent_pace_wins_over_the_rules_and_a_chosen_minimum_is_kept(
    app: Any, session: Any, register: Any, api: Any, stock_up: Any, set_today: Any
) -> None:
    stock_up(FOOD=50, HYGIENE=50)
    desk = api("volunteer")
    for day in (2, 3):
        set_today(date(2026, 3, day))
        for _ in range(3):
            qr = register()["card"]["qr"]
            assert desk.post("/api/v1/distributions", json={"qr": qr}).status_code == 201
    item = session.scalar(select(Item).where(Item.sku == "HYGIENE"))
    item.minimum = 7
    session.commit()

    chosen = set_missing_minimums(session, today=date(2026, 3, 4), households_a_day=150)
    # 3 food parcels a serving day for two days; the baby pack was not handed over: its
    # rule times the 3 households a day the desks really served.
    assert chosen["FOOD"] == 6 and chosen["BABY"] == 6
    assert "HYGIENE" not in chosen and minimums(session)["HYGIENE"] == 7


def test_a_bad_households_figure_is_refused_with_a_message(login: Any, session: Any) -> None:
    client = login("stock_manager")
    answer = client.post(
        "/stock/items/minimums", data={"households_a_day": "0"}, follow_redirects=True
    )
    assert "Say how many households are expected a day (1-10000)." in answer.text
    assert set(minimums(session).values()) == {0}
