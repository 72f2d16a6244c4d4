"""Real concurrent requests against the real server: the database holds the queue's rules."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import member
from tests.server.test_concurrency import all_at_once

pytestmark = pytest.mark.server

DOORS = 8


def test_eight_doors_scanning_one_card_at_once_give_one_ticket(
    live_server: Any, token_for: Any
) -> None:
    door = token_for("volunteer")
    created = live_server.request("POST", "/api/v1/households", door, {"members": [member()]})
    assert created.status == 201, created.body
    qr = created.body["card"]["qr"]

    answers = all_at_once(
        DOORS, lambda _: live_server.request("POST", "/api/v1/queue/tickets", door, {"qr": qr})
    )

    assert sorted(a.status for a in answers) == [200] * (DOORS - 1) + [201], [
        a.body for a in answers
    ]
    assert {a.body["number"] for a in answers} == {"A-001"}
    queue = live_server.request("GET", "/api/v1/queue", door).body
    assert {line["line"]: line["waiting"] for line in queue["lines"]}["distribution"] == 1


def test_doors_taking_tickets_at_once_never_share_a_number(
    live_server: Any, token_for: Any
) -> None:
    door = token_for("volunteer")
    qrs = []
    for _ in range(DOORS):
        created = live_server.request("POST", "/api/v1/households", door, {"members": [member()]})
        qrs.append(created.body["card"]["qr"])

    answers = all_at_once(
        DOORS * 2,
        lambda i: live_server.request(
            "POST",
            "/api/v1/queue/tickets",
            door,
            {"qr": qrs[i]} if i < DOORS else {"line": "registration"},
        ),
    )

    assert all(a.status == 201 for a in answers), [a.body for a in answers]
    numbers = sorted(a.body["number"] for a in answers)
    assert numbers == [f"A-{n:03d}" for n in range(1, DOORS + 1)] + [
        f"R-{n:03d}" for n in range(1, DOORS + 1)
    ]


def test_desks_calling_at_once_never_get_the_same_ticket(live_server: Any, token_for: Any) -> None:
    door = token_for("volunteer")
    for _ in range(6):
        assert (
            live_server.request(
                "POST", "/api/v1/queue/tickets", door, {"line": "registration"}
            ).status
            == 201
        )
    desks = [token_for("volunteer") for _ in range(8)]

    answers = all_at_once(
        8,
        lambda i: live_server.request(
            "POST", "/api/v1/queue/calls", desks[i], {"line": "registration", "desk": str(i + 1)}
        ),
    )

    called = [a.body["number"] for a in answers if a.status == 201]
    assert sorted(called) == [f"R-{n:03d}" for n in range(1, 7)]
    assert sorted(a.status for a in answers) == [201] * 6 + [404] * 2
    assert all(a.body["error"] == "queue_empty" for a in answers if a.status == 404)
