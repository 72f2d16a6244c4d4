"""Real concurrent requests against the real server: the database holds the rules."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from sqlalchemy import update

from app.extensions import db
from app.households.models import Household
from tests.conftest import member

pytestmark = pytest.mark.server

DESKS = 16


def all_at_once(calls: int, fn: Any) -> list[Any]:
    barrier = threading.Barrier(calls)

    def go(i: int) -> Any:
        barrier.wait()
        return fn(i)

    with ThreadPoolExecutor(calls) as pool:
        return list(pool.map(go, range(calls)))


def test_sixteen_desks_scanning_one_card_record_exactly_one_handover(
    live_server: Any, token_for: Any
) -> None:
    desk = token_for("volunteer")
    stock = token_for("stock_manager")
    donated = live_server.request(
        "POST",
        "/api/v1/donations",
        stock,
        {"donor": "WV", "items": [{"sku": "FOOD", "quantity": 5}]},
    )
    assert donated.status == 201
    created = live_server.request("POST", "/api/v1/households", desk, {"members": [member()]})
    assert created.status == 201, created.body
    qr = created.body["card"]["qr"]

    answers = all_at_once(
        DESKS, lambda _: live_server.request("POST", "/api/v1/distributions", desk, {"qr": qr})
    )

    statuses = sorted(a.status for a in answers)
    assert statuses == [201] + [409] * (DESKS - 1), [a.body for a in answers]
    assert all(a.body["error"] == "not_eligible" for a in answers if a.status == 409)
    on_hand = live_server.request("GET", "/api/v1/stock", stock).body
    assert {row["sku"]: row["on_hand"] for row in on_hand}["FOOD"] == 4
    report = live_server.request("GET", "/api/v1/reports/daily", token_for("coordinator")).body
    assert report["households_served"] == 1
    assert report["households_refused"] == 0  # the same day: repeat scans, not refusals


def test_sixteen_desks_refused_at_once_count_one_refusal_and_checks_count_none(
    app: Flask, live_server: Any, token_for: Any
) -> None:
    desk, coordinator = token_for("volunteer"), token_for("coordinator")
    created = live_server.request("POST", "/api/v1/households", desk, {"members": [member()]})
    assert created.status == 201, created.body
    qr = created.body["card"]["qr"]
    three_days_ago = datetime.now(ZoneInfo("Europe/Bucharest")).date() - timedelta(days=3)
    with app.app_context():  # served three days ago: not yet eligible
        db.session.execute(
            update(Household)
            .where(Household.id == created.body["id"])
            .values(last_served_on=three_days_ago)
        )
        db.session.commit()

    checks = all_at_once(
        DESKS, lambda _: live_server.request("GET", f"/api/v1/eligibility?qr={quote(qr)}", desk)
    )
    assert [(a.status, a.body["eligible"]) for a in checks] == [(200, False)] * DESKS
    report = live_server.request("GET", "/api/v1/reports/daily", coordinator).body
    assert report["households_refused"] == 0  # a check reads; it refuses no one

    answers = all_at_once(
        DESKS, lambda _: live_server.request("POST", "/api/v1/distributions", desk, {"qr": qr})
    )
    assert [a.status for a in answers] == [409] * DESKS, [a.body for a in answers]
    assert {a.body["last_served_on"] for a in answers} == {three_days_ago.isoformat()}
    report = live_server.request("GET", "/api/v1/reports/daily", coordinator).body
    assert (report["households_served"], report["households_refused"]) == (0, 1)


def test_last_items_in_stock_go_to_one_household_each_and_never_below_zero(
    live_server: Any, token_for: Any
) -> None:
    desk = token_for("volunteer")
    stock = token_for("stock_manager")
    live_server.request(
        "POST",
        "/api/v1/donations",
        stock,
        {"donor": "WV", "items": [{"sku": "FOOD", "quantity": 3}]},
    )
    cards = [
        live_server.request("POST", "/api/v1/households", desk, {"members": [member()]}).body[
            "card"
        ]["qr"]
        for _ in range(8)
    ]
    answers = all_at_once(
        8, lambda i: live_server.request("POST", "/api/v1/distributions", desk, {"qr": cards[i]})
    )
    assert [a.status for a in answers] == [201] * 8
    food = [sum(i["quantity"] for i in a.body["items"] if i["sku"] == "FOOD") for a in answers]
    assert sorted(food) == [0] * 5 + [1] * 3
    on_hand = live_server.request("GET", "/api/v1/stock", stock).body
    assert {row["sku"]: row["on_hand"] for row in on_hand}["FOOD"] == 0


def test_two_desks_registering_the_same_document_save_one_household(
    live_server: Any, token_for: Any
) -> None:
    desk = token_for("volunteer")
    body = {"members": [member(doc="EX 777 777")]}
    answers = all_at_once(
        8, lambda _: live_server.request("POST", "/api/v1/households", desk, body)
    )
    statuses = sorted(a.status for a in answers)
    assert statuses == [201] + [409] * 7, [a.body for a in answers]
    winner = next(a for a in answers if a.status == 201).body["id"]
    assert all(a.body["household_id"] == winner for a in answers if a.status == 409)


ROUNDS = 200


def test_sixteen_desks_two_hundred_rounds_one_handover_each_round(
    live_server: Any, token_for: Any
) -> None:
    desk = token_for("volunteer")
    cards = [
        live_server.request("POST", "/api/v1/households", desk, {"members": [member()]}).body[
            "card"
        ]["qr"]
        for _ in range(ROUNDS)
    ]
    barrier = threading.Barrier(DESKS)
    outcomes: list[list[int]] = [[] for _ in range(ROUNDS)]

    def desk_loop(_: int) -> None:
        for round_no, qr in enumerate(cards):
            barrier.wait()
            answer = live_server.request("POST", "/api/v1/distributions", desk, {"qr": qr})
            outcomes[round_no].append(answer.status)

    with ThreadPoolExecutor(DESKS) as pool:
        list(pool.map(desk_loop, range(DESKS)))
    bad = [(i, sorted(o)) for i, o in enumerate(outcomes) if sorted(o) != [201] + [409] * 15]
    assert bad == []


def test_retries_with_one_idempotency_key_get_one_answer_and_one_handover(
    live_server: Any, token_for: Any
) -> None:
    desk = token_for("volunteer")
    qr = live_server.request("POST", "/api/v1/households", desk, {"members": [member()]}).body[
        "card"
    ]["qr"]
    answers = all_at_once(
        DESKS,
        lambda _: live_server.request(
            "POST", "/api/v1/distributions", desk, {"qr": qr}, headers={"Idempotency-Key": "tab-7"}
        ),
    )
    assert [a.status for a in answers] == [201] * DESKS
    assert len({a.body["id"] for a in answers}) == 1
