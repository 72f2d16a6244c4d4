"""The offline desk: the snapshot it keeps (no personal data, only what changed, paged) and the
journal it sends back (at the time it happened, a collision is a double service, bound to
its account, hostile input refused whole)."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import openpyxl
import pytest
from flask import Flask
from sqlalchemy import func, select

from app.desk.models import Distribution
from app.desk.offline_models import OfflineHandover, OfflineHandoverLine
from app.extensions import db
from app.stock.models import Item, StockLevel
from tests.conftest import member

NOON = datetime(2027, 3, 11, 10, 0, tzinfo=UTC)  # 12:00 in Bucharest


@pytest.fixture
def clock(app: Flask) -> Callable[[datetime], None]:
    def move(moment: datetime) -> None:
        app.config["CLOCK"] = lambda: moment

    move(NOON)
    return move


def snapshot(desk: Any, **query: Any) -> dict[str, Any]:
    args = "&".join(f"{k}={v}" for k, v in query.items())
    response = desk.get("/api/v1/desk/snapshot" + (f"?{args}" if args else ""))
    assert response.status_code == 200, response.text
    return response.get_json()


def token_of(qr: str) -> str:
    return qr.removeprefix("AD1-")


def desk_hash(key_hex: str, qr: str) -> str:
    """What the desk's script computes from a scanned QR."""
    token_hash = hashlib.sha256(token_of(qr).encode()).hexdigest()
    return hmac.new(bytes.fromhex(key_hex), token_hash.encode(), hashlib.sha256).hexdigest()


def card_for(snap: dict[str, Any], qr: str) -> dict[str, Any]:
    wanted = desk_hash(snap["key"], qr)
    return next(c for c in snap["cards"] if c["hash"] == wanted)


def entry(card: dict[str, Any], at: datetime, key: str = "k-0000001") -> dict[str, Any]:
    return {"key": key, "card": card["card"], "served_at": at.isoformat(), "items": card["due"]}


def send(desk: Any, grant: str, *entries: dict[str, Any]) -> Any:
    return desk.post("/api/v1/desk/journal", json={"grant": grant, "entries": list(entries)})


def count(app: Flask, model: type) -> int:
    with app.app_context():
        return int(db.session.scalar(select(func.count()).select_from(model)) or 0)


def on_hand(app: Flask, sku: str) -> int:
    with app.app_context():
        return int(
            db.session.scalar(
                select(func.sum(StockLevel.on_hand)).join(Item).where(Item.sku == sku)
            )
            or 0
        )


def test_the_snapshot_holds_no_personal_data(register, api, clock) -> None:
    head = member("Olena", "Shevchenko", born="1950-05-05", doc="FZ123987", disability=True)
    child = member("Taras", "Shevchenko", relationship="child", doc="CH778899")
    household = register(head, child, phone="+40 721 000 111", locality="Ploiești")
    raw = api("volunteer").get("/api/v1/desk/snapshot").get_data(as_text=True)
    snap = json.loads(raw)
    card = card_for(snap, household["card"]["qr"])
    assert set(card) == {"card", "hash", "people", "last_served_on", "due"}
    assert card["people"] == 2 and card["last_served_on"] is None
    assert {d["sku"] for d in card["due"]} >= {"FOOD", "HYGIENE"}
    for personal in (
        "Olena",
        "Taras",
        "Shevchenko",
        "FZ123987",
        "CH778899",
        "1950",
        "721",
        "Ploie",
        "disab",
        "chronic",
        "pregnan",
        household["card"]["number"],
        token_of(household["card"]["qr"]),
        hashlib.sha256(token_of(household["card"]["qr"]).encode()).hexdigest(),
    ):
        assert personal.lower() not in raw.lower(), personal


def test_a_refresh_sends_only_the_cards_that_changed(register, api, clock) -> None:
    clock(NOON - timedelta(minutes=10))
    first, second = register(), register()
    desk = api("volunteer")
    clock(NOON)
    start = snapshot(desk)
    assert len(start["cards"]) == 2
    clock(NOON + timedelta(minutes=30))
    assert desk.post("/api/v1/distributions", json={"qr": second["card"]["qr"]}).status_code == 201
    clock(NOON + timedelta(hours=1))  # past the look-back: only the served family comes again
    changed = snapshot(desk, since=start["cursor"].replace("+", "%2B"))
    assert [c["hash"] for c in changed["cards"]] == [desk_hash(start["key"], second["card"]["qr"])]
    assert changed["cards"][0]["last_served_on"] == "2027-03-11"
    assert desk_hash(start["key"], first["card"]["qr"]) != changed["cards"][0]["hash"]


def test_a_revoked_card_is_gone_from_the_next_refresh(register, api, clock) -> None:
    clock(NOON - timedelta(minutes=10))
    household = register()
    desk = api("volunteer")
    clock(NOON)
    start = snapshot(desk)
    old = card_for(start, household["card"]["qr"])
    clock(NOON + timedelta(hours=1))
    reissued = api("coordinator").post(f"/api/v1/households/{household['id']}/cards", json={})
    assert reissued.status_code in (200, 201), reissued.text
    changed = snapshot(desk, since=start["cursor"].replace("+", "%2B"))
    assert old["card"] in changed["gone"]
    assert [c["card"] for c in changed["cards"]] != [old["card"]]


def test_the_snapshot_comes_in_pages(register, api, clock, monkeypatch) -> None:
    monkeypatch.setattr("app.desk.offline.PAGE_SIZE", 2)
    for _ in range(5):
        register()
    desk = api("volunteer")
    seen, after, pages = [], 0, 0
    while after is not None:
        page = snapshot(desk, after=after)
        seen += [c["card"] for c in page["cards"]]
        after, pages = page["after"], pages + 1
    assert pages == 3 and len(seen) == len(set(seen)) == 5


def test_only_desk_roles_read_the_snapshot(api, clock) -> None:
    assert api("stock_manager").get("/api/v1/desk/snapshot").status_code == 403


def test_a_journaled_handover_is_recorded_at_the_time_it_happened(
    app, register, api, stock_up, clock
) -> None:
    stock_up(FOOD=10, HYGIENE=10)
    household = register()
    desk = api("volunteer")
    snap = snapshot(desk)
    card = card_for(snap, household["card"]["qr"])
    clock(NOON + timedelta(minutes=30))
    at = NOON + timedelta(minutes=12)
    answer = send(desk, snap["grant"], entry(card, at))
    assert answer.status_code == 200, answer.text
    assert answer.get_json()["served"] == 1
    result = answer.get_json()["results"][0]
    assert result["outcome"] == "served" and not result["again"] and result["short"] == []
    with app.app_context():
        served = db.session.get(Distribution, result["distribution_id"])
        assert served.served_at == at and served.without_card is False
    assert on_hand(app, "FOOD") == 9
    # The desk sends it again (its answer was lost): nothing new.
    again = send(desk, snap["grant"], entry(card, at)).get_json()
    assert again["results"][0]["again"] is True and again["served"] == 0
    assert count(app, Distribution) == 1 and on_hand(app, "FOOD") == 9


def test_a_collision_is_a_double_service_counted_listed_and_taken_from_stock(
    app, register, api, login, stock_up, clock
) -> None:
    stock_up(FOOD=10, HYGIENE=10)
    household = register()
    offline_desk, other_desk = api("volunteer"), api("volunteer")
    snap = snapshot(offline_desk)
    card = card_for(snap, household["card"]["qr"])
    clock(NOON + timedelta(minutes=5))  # another desk serves the family during the outage
    other = other_desk.post("/api/v1/distributions", json={"qr": household["card"]["qr"]})
    assert other.status_code == 201
    clock(NOON + timedelta(minutes=30))
    answer = send(offline_desk, snap["grant"], entry(card, NOON + timedelta(minutes=9)))
    assert answer.status_code == 200, answer.text
    body = answer.get_json()
    assert body["double"] == 1 and body["served"] == 0
    assert body["results"][0]["distribution_id"] == other.get_json()["id"]
    assert on_hand(app, "FOOD") == 8  # both handovers left the shelves
    assert count(app, Distribution) == 1
    report = api("coordinator").get("/api/v1/reports/daily?date=2027-03-11").get_json()
    assert report["double_services"] == 1 and report["households_served"] == 1
    workbook = api("coordinator").get("/api/v1/reports/daily.xlsx?date=2027-03-11")
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.data)).active
    assert sheet is not None
    values = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if len(row) > 1}
    assert values["Double services (served offline, served elsewhere too)"] == 1
    page = login("coordinator").get("/desk/double-services?date=2027-03-11")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "12:09" in text and "12:05" in text and str(household["id"]) in text


def test_a_double_service_beyond_the_ledger_records_the_shortfall(
    app, register, api, stock_up, clock
) -> None:
    stock_up(FOOD=1, HYGIENE=5)
    household = register()
    desk, other_desk = api("volunteer"), api("volunteer")
    snap = snapshot(desk)
    card = card_for(snap, household["card"]["qr"])
    assert (
        other_desk.post("/api/v1/distributions", json={"qr": household["card"]["qr"]}).status_code
        == 201
    )
    assert on_hand(app, "FOOD") == 0
    answer = send(desk, snap["grant"], entry(card, NOON + timedelta(minutes=1)))
    result = answer.get_json()["results"][0]
    assert result["outcome"] == "double"
    assert {"sku": "FOOD", "quantity": 1} in result["short"]
    assert on_hand(app, "FOOD") == 0  # never below zero
    with app.app_context():
        line = db.session.scalar(select(OfflineHandoverLine).join(Item).where(Item.sku == "FOOD"))
        assert (line.handed, line.taken) == (1, 0)


def test_another_account_cannot_replay_a_desks_journal(app, register, api, clock) -> None:
    household = register()
    desk, thief = api("volunteer"), api("volunteer")
    snap = snapshot(desk)
    card = card_for(snap, household["card"]["qr"])
    answer = send(thief, snap["grant"], entry(card, NOON + timedelta(minutes=1)))
    assert answer.status_code == 403
    assert answer.get_json()["error"] == "offline_grant_invalid"
    forged = send(desk, snap["grant"][:-3] + "AAA", entry(card, NOON + timedelta(minutes=1)))
    assert forged.status_code == 403
    assert count(app, OfflineHandover) == 0 and count(app, Distribution) == 0


@pytest.mark.parametrize(
    ("at", "why"),
    [
        (NOON + timedelta(minutes=40), "in the future"),
        (NOON - timedelta(minutes=10), "before the snapshot"),
        (NOON + timedelta(minutes=121 + 3), "past the snapshot's limit"),
    ],
)
def test_a_handover_time_out_of_bounds_is_refused_whole(
    app, register, api, clock, at: datetime, why: str
) -> None:
    first, second = register(), register()
    desk = api("volunteer")
    snap = snapshot(desk)
    clock(NOON + timedelta(minutes=30) if "future" in why else NOON + timedelta(hours=5))
    good = entry(card_for(snap, first["card"]["qr"]), NOON + timedelta(minutes=5), "good-0001")
    bad = entry(card_for(snap, second["card"]["qr"]), at, "bad-00001")
    answer = send(desk, snap["grant"], good, bad)
    assert answer.status_code == 422, why
    assert "entries.1.served_at" in answer.get_json()["fields"]
    assert count(app, OfflineHandover) == 0 and count(app, Distribution) == 0


def test_hostile_journals_get_a_clear_4xx(app, register, api, clock) -> None:
    household = register()
    desk = api("volunteer")
    snap = snapshot(desk)
    card = card_for(snap, household["card"]["qr"])
    at = NOON + timedelta(minutes=1)
    good = entry(card, at)
    url = "/api/v1/desk/journal"
    cases = [
        desk.client.post(
            url, data="{not json", headers=desk.headers, content_type="application/json"
        ),
        desk.post(url, json={"entries": [good]}),
        desk.post(url, json={"grant": snap["grant"], "entries": []}),
        desk.post(url, json={"grant": snap["grant"], "entries": [{**good, "key": "x"}]}),
        desk.post(url, json={"grant": snap["grant"], "entries": [{**good, "key": "a/../b' OR 1"}]}),
        desk.post(url, json={"grant": snap["grant"], "entries": [{**good, "card": 2**40}]}),
        desk.post(url, json={"grant": snap["grant"], "entries": [{**good, "card": 999999}]}),
        desk.post(
            url,
            json={
                "grant": snap["grant"],
                "entries": [{**good, "served_at": "2027-03-11T10:01:00"}],
            },
        ),
        desk.post(
            url, json={"grant": snap["grant"], "entries": [{**good, "served_at": "yesterday"}]}
        ),
        desk.post(
            url,
            json={
                "grant": snap["grant"],
                "entries": [{**good, "items": [{"sku": "FOOD", "quantity": -1}]}],
            },
        ),
        desk.post(
            url,
            json={
                "grant": snap["grant"],
                "entries": [{**good, "items": [{"sku": "NOPE", "quantity": 1}]}],
            },
        ),
        desk.post(url, json={"grant": snap["grant"], "entries": [good, good]}),
        desk.post(url, json={"grant": "x" * 600, "entries": [good]}),
        desk.post(url, json={"grant": 7, "entries": [good]}),
    ]
    for n, answer in enumerate(cases):
        assert 400 <= answer.status_code < 500, (n, answer.status_code, answer.text)
    assert count(app, OfflineHandover) == 0 and count(app, Distribution) == 0


def test_a_journal_longer_than_the_limit_is_refused(app, register, api, clock) -> None:
    app.config["AID_OFFLINE_JOURNAL_MAX"] = 2
    household = register()
    desk = api("volunteer")
    snap = snapshot(desk)
    assert snap["journal_max"] == 2
    card = card_for(snap, household["card"]["qr"])
    entries = [entry(card, NOON + timedelta(minutes=1), f"key-{n:05d}") for n in range(3)]
    answer = send(desk, snap["grant"], *entries)
    assert answer.status_code == 422 and "entries" in answer.get_json()["fields"]


def test_a_bad_cursor_is_a_422(api, clock) -> None:
    desk = api("volunteer")
    for since in ("yesterday", "2027-03-11T10:00:00", "x" * 50):
        assert desk.get(f"/api/v1/desk/snapshot?since={since}").status_code == 422
    assert desk.get("/api/v1/desk/snapshot?after=-1").status_code == 422


def test_the_desk_page_reads_the_snapshot_and_sends_its_journal(
    app, register, login, clock
) -> None:
    household = register()
    page = login("volunteer")
    desk = page.get("/desk")
    assert b"desk-offline.js" in desk.data and b'id="offline"' in desk.data
    snap = page.get("/desk/offline/snapshot").get_json()
    card = card_for(snap, household["card"]["qr"])
    answer = page.post(
        "/desk/offline/journal",
        json={"grant": snap["grant"], "entries": [entry(card, NOON + timedelta(minutes=2))]},
    )
    assert answer.status_code == 200 and answer.get_json()["served"] == 1
    assert count(app, Distribution) == 1
    assert date(2027, 3, 11) == date.fromisoformat(snap["today"])


# The services themselves, without HTTP.


def _desk(session: Any, user_id: int) -> Any:
    from app.desk.journal import Desk
    from app.sites.services import site_by_code

    return Desk(
        user_id=user_id,
        site_id=site_by_code(session, "MAIN").id,
        days=10,
        timezone="Europe/Bucharest",
        card_key="test-card-key",
        max_age=timedelta(minutes=120),
    )


def _volunteer(session: Any, name: str) -> int:
    from app.auth.models import User

    user = User(username=name, role="volunteer", password_hash="x")
    session.add(user)
    session.flush()
    return user.id


def test_replay_services_bind_bound_and_record_a_collision(session) -> None:
    from app.cards.models import Card
    from app.desk.journal import JournalEntry, OfflineGrantInvalid, replay_journal
    from app.desk.offline import Grant
    from app.desk.services import record_handover
    from app.errors import ValidationFailed
    from tests.desk.test_services import new_family

    household, qr = new_family(session)
    card_id = session.scalar(select(Card.id).where(Card.household_id == household.id))
    mine, theirs = _volunteer(session, "desk-a"), _volunteer(session, "desk-b")
    desk = _desk(session, mine)
    grant = Grant(mine, desk.site_id, NOON)
    entry = JournalEntry("key-00000001", card_id, NOON + timedelta(minutes=3), {"FOOD": 1})
    later = NOON + timedelta(minutes=10)

    with pytest.raises(OfflineGrantInvalid):  # another account's grant
        replay_journal(
            session, desk=desk, grant=Grant(theirs, desk.site_id, NOON), entries=[entry], now=later
        )
    with pytest.raises(OfflineGrantInvalid):  # no grant this server signed
        replay_journal(session, desk=desk, grant=None, entries=[entry], now=later)
    future = JournalEntry("key-00000002", card_id, later + timedelta(minutes=5), {})
    with pytest.raises(ValidationFailed):
        replay_journal(session, desk=desk, grant=grant, entries=[future], now=later)

    # Another desk serves the family at 12:01, online; the journal's 12:03 handover collides.
    record_handover(
        session,
        scanned=qr,
        today=date(2027, 3, 11),
        now=NOON + timedelta(minutes=1),
        days=10,
        site_id=desk.site_id,
        user_id=theirs,
    )
    [result] = replay_journal(session, desk=desk, grant=grant, entries=[entry], now=later)
    assert result.outcome == "double" and result.distribution_id is not None
    assert result.short == {"FOOD": 1}  # nothing donated: handed over beyond the ledger
    recorded = session.scalar(select(OfflineHandover))
    assert (recorded.outcome, recorded.served_at, recorded.user_id) == (
        "double",
        entry.served_at,
        mine,
    )


def test_an_erased_household_keeps_its_offline_handovers_as_anonymous_counts(
    app, register, api, stock_up, clock
) -> None:
    stock_up(FOOD=10, HYGIENE=10)
    household = register()
    desk, other_desk, coordinator = api("volunteer"), api("volunteer"), api("coordinator")
    snap = snapshot(desk)
    card = card_for(snap, household["card"]["qr"])
    clock(NOON + timedelta(minutes=5))
    served = other_desk.post("/api/v1/distributions", json={"qr": household["card"]["qr"]})
    assert served.status_code == 201
    clock(NOON + timedelta(minutes=30))
    assert send(desk, snap["grant"], entry(card, NOON + timedelta(minutes=9))).status_code == 200
    held = coordinator.get(f"/api/v1/households/{household['id']}/export").get_json()
    assert held["handed_over_offline"] == [{"on": "2027-03-11", "outcome": "double"}]

    assert coordinator.delete(f"/api/v1/households/{household['id']}").status_code == 200
    with app.app_context():
        kept = db.session.scalars(select(OfflineHandover)).one()
        assert kept.card_id is None and kept.outcome == "double"
        assert db.session.scalar(select(func.count()).select_from(OfflineHandoverLine)) >= 1
    report = coordinator.get("/api/v1/reports/daily?date=2027-03-11").get_json()
    assert report["double_services"] == 1 and report["households_served"] == 1


def test_the_desk_page_registers_a_worker_whose_scope_is_the_desk_page(
    login: Callable[[str], Any],
) -> None:
    """Served from /desk/sw.js, the worker may look after /desk itself only because the
    server says so; the policy lets only the site's own scripts be workers (decision 0033)."""
    desk = login("volunteer")
    page = desk.get("/desk")
    assert "worker-src 'self'" in page.headers["Content-Security-Policy"]
    assert 'data-worker-url="/desk/sw.js?static=/static/"' in page.text
    assert 'data-desk-url="/desk"' in page.text and 'data-page="live"' in page.text
    worker = desk.get("/desk/sw.js?static=/static/")
    assert worker.status_code == 200
    assert worker.mimetype == "text/javascript"
    assert worker.headers["Service-Worker-Allowed"] == "/desk"
    assert 'const CACHE = "aiddesk-desk-v1";' in worker.text


def test_a_journaled_handover_claims_the_starting_programme_alone(
    app, register, api, stock_up, clock
) -> None:
    """The offline desk knew the starting programme only: its journal takes nothing of the
    others (decision 0034), which stay due at the next scan."""
    stock_up(FOOD=10, HYGIENE=10, CHILD_VOUCHER=10)
    made = api("coordinator").post(
        "/api/v1/programmes",
        json={
            "code": "CHILD",
            "name": "Child vouchers",
            "period": "month",
            "criteria": {"under_age": 18},
            "entitlements": [{"sku": "CHILD-VOUCHER", "per": "household", "quantity": 3}],
        },
    )
    assert made.status_code == 201
    household = register(member(), member(relationship="child", born="2019-01-01"))
    desk = api("volunteer")
    snap = snapshot(desk)
    card = card_for(snap, household["card"]["qr"])
    assert {d["sku"] for d in card["due"]} == {"FOOD", "HYGIENE", "CHILD-VOUCHER"}
    clock(NOON + timedelta(minutes=30))
    answer = send(desk, snap["grant"], entry(card, NOON + timedelta(minutes=5)))
    assert answer.get_json()["served"] == 1, answer.text
    assert on_hand(app, "CHILD-VOUCHER") == 9  # the starting rule's one, not CHILD's three
    checked = desk.get("/api/v1/eligibility", query_string={"qr": household["card"]["qr"]})
    child = {p["code"]: p for p in checked.get_json()["programmes"]}["CHILD"]
    assert child["last_served_on"] is None
