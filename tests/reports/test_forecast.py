"""Low stock and the run-out forecast, from today's pace or this week's pattern."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from app.reports.forecast import low_stock_forecast
from tests.conftest import TZ


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=ZoneInfo(TZ)).astimezone(UTC)


def serve_at(app: Any, desk: Any, qr: str, moment: datetime) -> None:
    app.config["CLOCK"] = lambda: moment
    response = desk.post("/api/v1/distributions", json={"qr": qr})
    assert response.status_code == 201, response.text


def test_forecast_from_todays_pace_and_items_under_their_minimum(
    app: Any, api: Any, register: Any, session: Any, login: Any
) -> None:
    storekeeper, desk = api("stock_manager"), api("volunteer")
    storekeeper.post(
        "/api/v1/donations",
        json={
            "donor": "WV",
            "items": [{"sku": "FOOD", "quantity": 12}, {"sku": "HYGIENE", "quantity": 100}],
        },
    )
    login("stock_manager").post(
        "/stock/items/HYGIENE/settings",
        data={"name": "Hygiene kit", "category": "hygiene", "unit": "kit", "minimum": "200"},
    )
    cards = [register()["card"]["qr"] for _ in range(6)]
    serve_at(app, desk, cards[0], at(9, 9))
    serve_at(app, desk, cards[1], at(9, 17))  # yesterday the desks closed at 17:00
    for qr, (hour, minute) in zip(cards[2:], [(9, 0), (10, 0), (10, 30), (11, 0)], strict=True):
        serve_at(app, desk, qr, at(10, hour, minute))

    found = {f.sku: f for f in low_stock_forecast(session, site_id=None, now=at(10, 11))}
    session.rollback()  # the page below writes (the login); the service's transaction ends

    food = found["FOOD"]
    assert (food.on_hand, food.basis, food.per_hour) == (6, "today", 2.0)
    assert food.runs_out_at == at(10, 14)  # 6 left at 2 an hour from 11:00
    hygiene = found["HYGIENE"]
    assert hygiene.below_minimum and hygiene.runs_out_at is None  # lasts beyond today
    # None left and no minimum set: listed last, as such, not left out.
    assert found["BABY"].out and found["BABY"].no_minimum and found["BABY"].per_hour is None
    assert list(found)[:2] == ["FOOD", "HYGIENE"]  # the soonest first

    app.config["CLOCK"] = lambda: at(10, 11)
    page = " ".join(login("stock_manager").get("/stock").text.split())
    assert "Food parcel</strong>: about 6 left, out around 14:00 at today's pace" in page
    assert "(minimum 200)" in page


def test_early_in_the_day_the_weeks_pattern_is_used(
    app: Any, api: Any, register: Any, session: Any
) -> None:
    storekeeper, desk = api("stock_manager"), api("volunteer")
    storekeeper.post(
        "/api/v1/donations", json={"donor": "WV", "items": [{"sku": "FOOD", "quantity": 3}]}
    )
    cards = [register()["card"]["qr"] for _ in range(3)]
    serve_at(app, desk, cards[0], at(9, 9))
    serve_at(app, desk, cards[1], at(9, 13))  # 2 in 4 hours: half an hour each
    serve_at(app, desk, cards[2], at(10, 9))
    found = {f.sku: f for f in low_stock_forecast(session, site_id=None, now=at(10, 9, 10))}
    food = found["FOOD"]
    assert (food.basis, food.per_hour, food.on_hand) == ("week", 0.5, 0)
    assert food.out


def test_nothing_low_says_so(login: Any, stock_up: Any) -> None:
    stock_up()
    assert (
        "Nothing is under its minimum or running out today."
        in login("stock_manager").get("/stock").text
    )
