"""The queue's API: tickets at the door, calls, the queue, the desks' day (decision 0032)."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from openpyxl import load_workbook
from sqlalchemy import select, update

from app.extensions import db
from app.households.models import Household
from app.tickets.display import display_token
from app.tickets.figures import LineFigures, percentile
from app.tickets.models import Ticket

NOON = datetime(2027, 3, 11, 10, 0, tzinfo=UTC)  # 12:00 in Bucharest
TICKETS = "/api/v1/queue/tickets"
CALLS = "/api/v1/queue/calls"


@pytest.fixture
def clock(app: Flask) -> Any:
    def move(moment: datetime) -> None:
        app.config["CLOCK"] = lambda: moment

    move(NOON)
    return move


@pytest.fixture
def door(api: Any, clock: Any) -> Any:
    return api("volunteer")


def served_days_ago(app: Flask, household_id: int, days: int) -> None:
    with app.app_context():
        db.session.execute(
            update(Household)
            .where(Household.id == household_id)
            .values(last_served_on=NOON.date() - timedelta(days=days))
        )
        db.session.commit()


def test_a_card_at_the_door_gets_a_ticket_and_the_same_ticket_again(door, register) -> None:
    first, second = register(), register()
    answer = door.post(TICKETS, json={"qr": first["card"]["qr"]})
    assert answer.status_code == 201, answer.text
    body = answer.get_json()
    assert set(body) == {"number", "line", "issued_at", "position", "estimated_wait_minutes"}
    assert body["number"] == "A-001"
    assert body["line"] == "distribution"
    assert body["position"] == 1
    again = door.post(TICKETS, json={"card": first["card"]["number"]})
    assert again.status_code == 200
    assert again.get_json()["number"] == "A-001"
    other = door.post(TICKETS, json={"qr": second["card"]["qr"]}).get_json()
    assert other["number"] == "A-002"
    assert other["position"] == 2
    assert other["estimated_wait_minutes"] >= body["estimated_wait_minutes"]


def test_not_today_gives_no_ticket_and_the_day_to_come_back(app, door, register) -> None:
    household = register()
    served_days_ago(app, household["id"], 3)
    answer = door.post(TICKETS, json={"qr": household["card"]["qr"]})
    assert answer.status_code == 409
    body = answer.get_json()
    assert body["error"] == "not_eligible"
    assert body["next_eligible_on"] == (NOON.date() + timedelta(days=7)).isoformat()
    assert "household_id" not in body
    queue = door.get("/api/v1/queue").get_json()
    assert all(line["waiting"] == 0 for line in queue["lines"])


def test_bad_input_at_the_door_answers_as_the_desk(door, register) -> None:
    household = register()
    assert door.post(TICKETS, json={"qr": "5901234123457"}).status_code == 422  # a barcode
    assert door.post(TICKETS, json={"card": "1234567890"}).status_code in (404, 422)
    assert door.post(TICKETS, json={"qr": "AD1-" + "A" * 32}).status_code == 404
    assert door.post(TICKETS, json={}).status_code == 422
    assert door.post(TICKETS, json={"line": "distribution"}).status_code == 422
    both = {"qr": household["card"]["qr"], "line": "registration"}
    assert door.post(TICKETS, json=both).status_code == 422
    desk = door
    new_card = desk.post(f"/api/v1/households/{household['id']}/cards", json={"reason": "lost"})
    assert new_card.status_code in (200, 201), new_card.text
    revoked = door.post(TICKETS, json={"qr": household["card"]["qr"]})
    assert revoked.status_code == 410
    assert revoked.get_json()["error"] == "card_revoked"


def test_a_family_without_a_card_gets_a_registration_ticket(door) -> None:
    first = door.post(TICKETS, json={"line": "registration"})
    second = door.post(TICKETS, json={"line": "registration"})
    assert first.status_code == second.status_code == 201
    assert [first.get_json()["number"], second.get_json()["number"]] == ["R-001", "R-002"]


def test_desks_call_in_order_and_the_queue_shows_the_calls(api, door, register) -> None:
    for _ in range(3):
        door.post(TICKETS, json={"qr": register()["card"]["qr"]})
    desk = api("volunteer")
    assert desk.post(CALLS, json={"line": "distribution", "desk": "1"}).get_json() == {
        "number": "A-001",
        "desk": "1",
    }
    called = desk.post(CALLS, json={"line": "distribution", "desk": "2"})
    assert called.status_code == 201
    assert called.get_json()["number"] == "A-002"
    empty = desk.post(CALLS, json={"line": "registration", "desk": "2"})
    assert empty.status_code == 404
    assert empty.get_json()["error"] == "queue_empty"
    queue = door.get("/api/v1/queue").get_json()
    line = next(line for line in queue["lines"] if line["line"] == "distribution")
    assert line["waiting"] == 1
    assert [(c["number"], c["desk"]) for c in line["called"]] == [("A-002", "2"), ("A-001", "1")]


def test_the_handover_closes_the_ticket_and_the_desks_day_is_measured(
    api, door, register, stock_up, clock
) -> None:
    stock_up()
    household = register()
    door.post(TICKETS, json={"qr": household["card"]["qr"]})
    desk = api("volunteer")
    desk.post(CALLS, json={"line": "distribution", "desk": "3"})
    clock(NOON + timedelta(seconds=150))
    served = desk.post("/api/v1/distributions", json={"qr": household["card"]["qr"]})
    assert served.status_code == 201
    again = door.post(TICKETS, json={"qr": household["card"]["qr"]})
    assert again.status_code == 200  # served today: its ticket still, no second one
    assert again.get_json()["position"] == 0
    report = api("coordinator").get("/api/v1/reports/desks?date=2027-03-11")
    assert report.status_code == 200
    assert report.get_json() == [
        {"desk": "3", "served": 1, "per_hour": 6.0, "median_seconds": 150, "p90_seconds": 150}
    ]
    assert api("volunteer").get("/api/v1/reports/desks").status_code == 403


def test_a_call_not_answered_goes_back_once(api, door, register, clock) -> None:
    door.post(TICKETS, json={"qr": register()["card"]["qr"]})
    door.post(TICKETS, json={"qr": register()["card"]["qr"]})
    desk = api("volunteer")
    assert desk.post(CALLS, json={"line": "distribution", "desk": "1"}).get_json()["number"] == (
        "A-001"
    )
    clock(NOON + timedelta(minutes=6))  # AID_QUEUE_RECALL_MINUTES is 5
    assert desk.post(CALLS, json={"line": "distribution", "desk": "1"}).get_json()["number"] == (
        "A-001"
    )
    clock(NOON + timedelta(minutes=12))
    assert desk.post(CALLS, json={"line": "distribution", "desk": "1"}).get_json()["number"] == (
        "A-002"
    )
    clock(NOON + timedelta(minutes=18))
    last = desk.post(CALLS, json={"line": "distribution", "desk": "1"})
    assert last.get_json()["number"] == "A-002"  # its one recall; A-001 has had its two
    clock(NOON + timedelta(minutes=24))
    assert desk.post(CALLS, json={"line": "distribution", "desk": "1"}).status_code == 404


def test_the_queue_opens_to_the_display_token_and_names_no_one(app, client, door, register) -> None:
    household = register()
    door.post(TICKETS, json={"qr": household["card"]["qr"]})
    assert client.get("/api/v1/queue").status_code == 401
    assert client.get("/api/v1/queue", headers={"X-Display-Token": "nope"}).status_code == 401
    with app.test_request_context():
        token = display_token()
    answer = client.get("/api/v1/queue", headers={"X-Display-Token": token})
    assert answer.status_code == 200
    text = answer.text
    head = household["members"][0] if "members" in household else {}
    for value in (household["card"]["qr"], household["card"]["number"], head.get("family_name")):
        if value:
            assert value not in text
    # The token opens the queue and the hall screen, nothing else.
    hall = client.get(f"/queue/hall?display={token}", headers={"Accept-Language": "en"})
    assert hall.status_code == 200
    # The families read the hall in their languages, whatever the TV's browser asks for.
    assert "Видача / Distribuire" in hall.text and "Стіл / Ghișeul" in hall.text
    assert "чекають / așteaptă" in hall.text
    assert (
        client.get(
            f"/api/v1/households/{household['id']}", headers={"X-Display-Token": token}
        ).status_code
        == 401
    )
    assert client.get(TICKETS, headers={"X-Display-Token": token}).status_code == 405
    assert (
        client.post(
            TICKETS, json={"line": "registration"}, headers={"Authorization": f"Bearer {token}"}
        ).status_code
        == 401
    )


def test_the_daily_report_and_the_dashboard_keep_the_desks_figures(
    api, door, login, register, stock_up, clock
) -> None:
    stock_up()
    desk = api("volunteer")
    families = [register() for _ in range(4)]
    for family in families:
        door.post(TICKETS, json={"qr": family["card"]["qr"]})
    for i, family in enumerate(families):  # desk 1 takes 60 s, desk 2 takes 180 s a family
        start = NOON + timedelta(minutes=10 * i)
        clock(start)
        name = "1" if i % 2 == 0 else "2"
        desk.post(CALLS, json={"line": "distribution", "desk": name})
        clock(start + timedelta(seconds=60 if name == "1" else 180))
        assert desk.post(
            "/api/v1/distributions", json={"qr": family["card"]["qr"]}
        ).status_code == (201)
    coordinator = api("coordinator")
    daily = coordinator.get("/api/v1/reports/daily?date=2027-03-11").get_json()
    assert [(d["desk"], d["served"], d["median_seconds"]) for d in daily["desks"]] == [
        ("1", 2, 60),
        ("2", 2, 180),
    ]
    door.post(TICKETS, json={"line": "registration"})
    client = login("coordinator")
    sheet = load_workbook(io.BytesIO(client.get("/reports/daily.xlsx?date=2027-03-11").data))
    cells = [c for row in sheet.active.iter_rows(values_only=True) for c in row]
    assert "Median service time (s)" in cells
    assert "2" in cells and 180 in cells
    board = client.get("/reports/dashboard.json").get_json()
    assert "Queue at the door" in board["queue_html"]
    assert "/queue/hall?display=" in board["queue_html"]


def test_an_erased_household_keeps_its_ticket_without_the_card(app, api, door, register) -> None:
    household = register()
    assert door.post(TICKETS, json={"qr": household["card"]["qr"]}).status_code == 201
    erased = api("coordinator").delete(f"/api/v1/households/{household['id']}")
    assert erased.status_code == 200, erased.text
    with app.app_context():
        ticket = db.session.scalars(select(Ticket)).one()
        assert (ticket.number, ticket.card_id) == (1, None)
    queue = door.get("/api/v1/queue").get_json()
    assert {line["line"]: line["waiting"] for line in queue["lines"]}["distribution"] == 1


def test_the_wait_is_the_place_times_the_lines_time_per_family() -> None:
    assert percentile([], 0.5) is None
    assert percentile([30, 10, 20], 0.5) == 20
    assert percentile(list(range(1, 11)), 0.9) == 9
    line = LineFigures("distribution", 4, 10, 20.0, 120, 200, seconds_per_family=90)
    assert line.wait_minutes(1) == 2  # 90 s, rounded up
    assert line.estimated_wait_minutes == 8  # place 5: 450 s


def test_a_family_called_on_its_registration_ticket_is_served_without_a_warning(
    app, door, register, login
) -> None:
    """A registration ticket has no card: the family registered at the desk and served with
    its new card closes the ticket the desk called, and nothing says it is someone else's."""
    assert door.post(TICKETS, json={"line": "registration"}).get_json()["number"] == "R-001"
    desk = login("volunteer")
    called = desk.post("/desk/call", data={"desk": "2", "line": "registration"})
    assert 'data-called="R-001"' in called.text
    household = register()  # at the desk
    done = desk.post("/desk/handover", data={"scan": household["card"]["qr"]})
    assert 'data-state="served"' in done.text
    assert "Ticket R-001 closed." in done.text
    assert "not ticket" not in done.text
    with app.app_context():
        ticket = db.session.scalars(select(Ticket)).one()
        assert ticket.closed_at is not None and ticket.desk == "2" and not ticket.other_card


def test_a_card_without_a_ticket_served_on_anothers_call_still_warns(door, register, login) -> None:
    called_for = register()
    assert door.post(TICKETS, json={"qr": called_for["card"]["qr"]}).status_code == 201
    desk = login("volunteer")
    assert (
        'data-called="A-001"'
        in desk.post("/desk/call", data={"desk": "1", "line": "distribution"}).text
    )
    done = desk.post("/desk/handover", data={"scan": register()["card"]["qr"]})
    assert "Ticket A-001 closed." in done.text
    assert "not ticket A-001" in done.text and "the one this desk called" in done.text


def test_a_family_still_at_the_desk_that_called_it_is_not_called_to_another(
    api, door, register, login, clock
) -> None:
    """Called past the recall time, a ticket goes back only once its desk has moved on (its
    desk called or served someone else): a long registration is not a family gone away."""
    families = [register() for _ in range(3)]
    for family in families:
        door.post(TICKETS, json={"qr": family["card"]["qr"]})
    desk_1 = login("volunteer")
    assert (
        'data-called="A-001"'
        in desk_1.post("/desk/call", data={"desk": "1", "line": "distribution"}).text
    )
    desk_2 = api("volunteer")
    clock(NOON + timedelta(minutes=6))  # A-001's family is still at desk 1
    assert desk_2.post(CALLS, json={"line": "distribution", "desk": "2"}).get_json()["number"] == (
        "A-002"
    )
    clock(NOON + timedelta(minutes=7))  # desk 1 serves A-003's family instead: it moved on
    done = desk_1.post("/desk/handover", data={"scan": families[2]["card"]["qr"]})
    assert "Ticket A-003 closed." in done.text
    clock(NOON + timedelta(minutes=8))
    assert desk_2.post(CALLS, json={"line": "distribution", "desk": "2"}).get_json()["number"] == (
        "A-001"
    )


def test_the_wait_at_the_start_of_a_morning_is_the_desks_pace_not_their_first_families(
    api, door, register, clock, stock_up
) -> None:
    """Two desks from noon, one family every 3 minutes at desk 1 and every 4 at desk 2: the
    line serves a family every 103 s. At 12:07 three were served; counted over the seven
    minutes since the first call, the pace was 140 s a family (each desk's first family and
    the one at each desk now counted as time with nobody served)."""
    stock_up(FOOD=10)
    families = [register() for _ in range(8)]
    for family in families:
        door.post(TICKETS, json={"qr": family["card"]["qr"]})
    desk = api("volunteer")
    by_number = {f"A-{n:03d}": f["card"]["qr"] for n, f in enumerate(families, start=1)}
    called = {}

    def call(name: str, minute: int) -> None:
        clock(NOON + timedelta(minutes=minute))
        answer = desk.post(CALLS, json={"line": "distribution", "desk": name})
        called[name] = answer.get_json()["number"]

    def serve(name: str, minute: int) -> None:
        clock(NOON + timedelta(minutes=minute))
        done = desk.post("/api/v1/distributions", json={"qr": by_number[called[name]]})
        assert done.status_code == 201, done.text
        call(name, minute)

    call("1", 0)
    call("2", 0)
    serve("1", 3)
    serve("2", 4)
    serve("1", 6)
    clock(NOON + timedelta(minutes=7))
    queue = desk.get("/api/v1/queue").get_json()
    line = next(line for line in queue["lines"] if line["line"] == "distribution")
    assert line["waiting"] == 3
    assert line["estimated_wait_minutes"] == 7  # place 4 × 103 s (by the old pace: 10)


def test_before_the_first_handover_the_wait_is_guessed_from_the_last_day_served(
    api, door, register, clock, stock_up
) -> None:
    """Yesterday two desks took 4 minutes a family: this morning, before anyone is served, a
    family taking the 11th ticket is told 11 × 240 s / 2 desks = 22 minutes (not 11 × 3)."""
    stock_up(FOOD=20)
    yesterday = NOON - timedelta(days=1)
    clock(yesterday)
    early = [register() for _ in range(4)]
    for family in early:
        door.post(TICKETS, json={"qr": family["card"]["qr"]})
    desk = api("volunteer")
    by_number = {f"A-{n:03d}": f["card"]["qr"] for n, f in enumerate(early, start=1)}
    for minute, name in ((0, "1"), (0, "2"), (4, "1"), (4, "2")):
        clock(yesterday + timedelta(minutes=minute))
        number = desk.post(CALLS, json={"line": "distribution", "desk": name}).get_json()["number"]
        clock(yesterday + timedelta(minutes=minute + 4))
        assert desk.post("/api/v1/distributions", json={"qr": by_number[number]}).status_code == 201

    clock(NOON - timedelta(hours=4))  # 08:00 today, the door open, no desk yet
    today = [register() for _ in range(11)]
    for family in today[:10]:
        door.post(TICKETS, json={"qr": family["card"]["qr"]})
    ticket = door.post(TICKETS, json={"qr": today[10]["card"]["qr"]}).get_json()
    assert ticket["position"] == 11
    assert ticket["estimated_wait_minutes"] == 22
