"""Four app processes on one database behave as one: the rules hold across processes, and a
process keeps nothing of its own (a session, a retry's answer) that another would lack.

This is the set-up of a network of sites on PostgreSQL (docs/operations.md); on SQLite the same
tests show that a second process on the laptop's file cannot break the rules either.
"""

from __future__ import annotations

import http.cookiejar
import re
import threading
import urllib.parse
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from app.extensions import db
from app.stock.models import StockLevel, StockMovement
from tests.conftest import PASSWORD, member
from tests.live import LiveServer, start_server

pytestmark = pytest.mark.server

PROCESSES = 4
DESKS = 16
ROUNDS = 40


@pytest.fixture
def servers(app: Flask, database_url: str) -> Iterator[list[LiveServer]]:
    started = [start_server(database_url, threads=4) for _ in range(PROCESSES)]
    yield started
    for server in started:
        server.stop()


def test_sixteen_desks_on_four_processes_record_one_handover_per_round(
    servers: list[LiveServer], token_for: Any
) -> None:
    desk = token_for("volunteer")
    cards = [
        servers[i % PROCESSES]
        .request("POST", "/api/v1/households", desk, {"members": [member()]})
        .body["card"]["qr"]
        for i in range(ROUNDS)
    ]
    barrier = threading.Barrier(DESKS)
    outcomes: list[list[int]] = [[] for _ in range(ROUNDS)]

    def desk_loop(desk_no: int) -> None:
        server = servers[desk_no % PROCESSES]
        for round_no, qr in enumerate(cards):
            barrier.wait()
            answer = server.request("POST", "/api/v1/distributions", desk, {"qr": qr})
            outcomes[round_no].append(answer.status)

    with ThreadPoolExecutor(DESKS) as pool:
        list(pool.map(desk_loop, range(DESKS)))
    bad = [(i, sorted(o)) for i, o in enumerate(outcomes) if sorted(o) != [201] + [409] * 15]
    assert bad == []


def test_donations_and_handovers_on_four_processes_keep_the_ledger_equal_to_on_hand(
    app: Flask, servers: list[LiveServer], token_for: Any
) -> None:
    desk = token_for("volunteer")
    stock = token_for("stock_manager")
    cards = [
        servers[0]
        .request("POST", "/api/v1/households", desk, {"members": [member()]})
        .body["card"]["qr"]
        for _ in range(24)
    ]
    donation = {"donor": "WV", "items": [{"sku": "FOOD", "quantity": 1}]}

    def work(i: int) -> int:
        server = servers[i % PROCESSES]
        if i % 2:
            return server.request("POST", "/api/v1/donations", stock, donation).status
        return server.request("POST", "/api/v1/distributions", desk, {"qr": cards[i // 2]}).status

    barrier = threading.Barrier(len(cards) * 2)

    def at_once(i: int) -> int:
        barrier.wait()
        return work(i)

    with ThreadPoolExecutor(len(cards) * 2) as pool:
        statuses = list(pool.map(at_once, range(len(cards) * 2)))
    assert set(statuses) == {201}

    with app.app_context():
        ledger = dict(
            db.session.execute(
                select(StockMovement.item_id, func.sum(StockMovement.quantity)).group_by(
                    StockMovement.item_id
                )
            ).all()
        )
        on_hand = dict(db.session.execute(select(StockLevel.item_id, StockLevel.on_hand)).all())
    assert {item: on_hand.get(item, 0) for item in ledger} == ledger
    assert min(on_hand.values()) >= 0


def _browser() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )


def test_a_login_on_one_process_is_a_login_on_all(
    servers: list[LiveServer], make_user: Any
) -> None:
    name = make_user("volunteer")
    browser = _browser()
    page = browser.open(servers[0].url + "/login").read().decode()
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert csrf, "the login form carries a CSRF token"
    form = urllib.parse.urlencode(
        {"csrf_token": csrf.group(1), "username": name, "password": PASSWORD}
    ).encode()
    browser.open(servers[1].url + "/login", data=form).read()  # its token, another process

    for server in servers:
        with browser.open(server.url + "/desk") as answer:
            assert answer.status == 200
            assert answer.url.endswith("/desk"), "not sent back to the login"


def test_a_retry_on_another_process_gets_the_first_answer(
    servers: list[LiveServer], token_for: Any
) -> None:
    desk = token_for("volunteer")
    qr = (
        servers[0]
        .request("POST", "/api/v1/households", desk, {"members": [member()]})
        .body["card"]["qr"]
    )
    key = {"Idempotency-Key": "retry-across-processes-1"}
    answers = [
        server.request("POST", "/api/v1/distributions", desk, {"qr": qr}, headers=key)
        for server in servers
    ]
    assert [a.status for a in answers] == [201] * PROCESSES
    assert len({a.body["id"] for a in answers}) == 1
