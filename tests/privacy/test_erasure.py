"""Erasing a household or a person leaves every past report unchanged and no trace of them."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from urllib.parse import quote

from flask import Flask
from sqlalchemy import select, text

from app.audit.models import AuditEvent
from app.db import Base
from app.extensions import db
from app.reports.services import daily_counts
from tests.conftest import member

FIRST = date(2026, 3, 1)
DAYS = [FIRST + timedelta(days=n) for n in range(25)]


def _reports(app: Flask) -> list[Any]:
    with app.app_context():
        return [daily_counts(db.session, day) for day in DAYS]


def _api_reports(coordinator: Any) -> list[Any]:
    return [coordinator.get(f"/api/v1/reports/daily?date={d}").get_json() for d in DAYS]


def _everything_stored(app: Flask) -> str:
    with app.app_context():
        return "\n".join(
            repr(row)
            for table in Base.metadata.sorted_tables
            for row in db.session.execute(select(table)).all()
        )


def _history(api: Any, register: Any, stock_up: Any, set_today: Any) -> dict[str, Any]:
    """Three families registered and served on several days, one refused once."""
    set_today(FIRST)
    stock_up()
    desk = api("volunteer")
    olena = register(
        member(given="Olena", family="Zhuk", doc="FZ100001", born="1950-01-01"),
        member(
            given="Taras",
            family="Zhuk",
            doc="FZ100002",
            born="2024-06-01",
            relationship="child",
            disability=True,
        ),
        phone="+40 721 555 111",
        locality="Siret",
    )
    set_today(FIRST + timedelta(days=2))
    ivan = register(member(given="Ivan", family="Petrenko", doc="FP200001"))
    for day in (0, 3, 11, 14, 22):
        set_today(FIRST + timedelta(days=day))
        for family in (olena, ivan):
            response = desk.post("/api/v1/distributions", json={"qr": family["card"]["qr"]})
            if response.status_code == 409:  # refused within the interval: counted as such
                desk.get(f"/api/v1/eligibility?qr={quote(family['card']['qr'])}")
    return {"olena": olena, "ivan": ivan}


def test_erasing_leaves_every_past_report_unchanged(
    app: Flask, api: Any, register: Any, stock_up: Any, set_today: Any
) -> None:
    families = _history(api, register, stock_up, set_today)
    coordinator = api("coordinator")
    before, before_api = _reports(app), _api_reports(coordinator)
    assert sum(r.people_served for r in before) > 0 and sum(r.new_households for r in before) == 2
    child = families["olena"]["members"][1]["id"]
    set_today(FIRST + timedelta(days=30))
    client_erase = coordinator.delete(f"/api/v1/households/{families['ivan']['id']}")
    assert client_erase.status_code == 200, client_erase.text
    with app.app_context():
        from app.privacy.services import erase_member

        erase_member(db.session, child, now=app.config["CLOCK"]())
        db.session.commit()
    assert coordinator.delete(f"/api/v1/households/{families['olena']['id']}").status_code == 200
    assert _reports(app) == before
    assert _api_reports(coordinator) == before_api


def test_erasing_leaves_no_trace_of_the_people_in_the_database(
    app: Flask, api: Any, register: Any, stock_up: Any, set_today: Any
) -> None:
    families = _history(api, register, stock_up, set_today)
    coordinator = api("coordinator")
    card = families["olena"]["card"]["number"]
    stored = _everything_stored(app)
    for value in ("Olena", "Zhuk", "FZ100001", "40721555111", "Siret", card):
        assert value in stored  # the test looks for real values
    for family in families.values():
        assert coordinator.delete(f"/api/v1/households/{family['id']}").status_code == 200
    stored = _everything_stored(app)
    for value in (
        "Olena",
        "Zhuk",
        "Taras",
        "Ivan",
        "Petrenko",
        "FZ100001",
        "FZ100002",
        "FP200001",
        "40721555111",
        "Siret",
        card,
        "1950-01-01",
        "2024-06-01",
    ):
        assert value not in stored, value
    with app.app_context():
        erased = db.session.scalars(
            select(AuditEvent.entity_id).where(AuditEvent.action == "erase")
        ).all()
    assert sorted(erased) == sorted(str(f["id"]) for f in families.values())


def test_an_erased_household_is_gone_for_the_desk_and_the_api(
    api: Any, register: Any, login: Any
) -> None:
    family = register()
    coordinator = api("coordinator")
    assert coordinator.delete(f"/api/v1/households/{family['id']}").status_code == 200
    assert coordinator.get(f"/api/v1/households/{family['id']}").status_code == 404
    assert coordinator.delete(f"/api/v1/households/{family['id']}").status_code == 410
    check = api("volunteer").get(f"/api/v1/eligibility?qr={quote(family['card']['qr'])}")
    assert check.status_code == 404
    assert login("coordinator").get(f"/households/{family['id']}").status_code == 404


def test_erasing_one_person_keeps_the_household(
    app: Flask, api: Any, register: Any, login: Any
) -> None:
    family = register(member(given="Olena"), member(given="Taras", relationship="child"))
    taras = family["members"][1]["id"]
    client = login("coordinator")
    assert client.post(f"/members/{taras}/erase", data={"confirm": "y"}).status_code == 302
    body = api("coordinator").get(f"/api/v1/households/{family['id']}").get_json()
    assert [m["given_name"] for m in body["members"]] == ["Olena"]


def test_erasing_the_head_erases_the_household(api: Any, register: Any, login: Any) -> None:
    family = register()
    head = family["members"][0]["id"]
    client = login("coordinator")
    assert client.post(f"/members/{head}/erase", data={"confirm": "y"}).status_code == 302
    assert api("coordinator").get(f"/api/v1/households/{family['id']}").status_code == 404


def test_erasure_on_the_page_needs_the_box_ticked(api: Any, register: Any, login: Any) -> None:
    family = register()
    client = login("coordinator")
    client.post(f"/households/{family['id']}/erase", data={})
    assert api("coordinator").get(f"/api/v1/households/{family['id']}").status_code == 200
    client.post(f"/households/{family['id']}/erase", data={"confirm": "y"})
    assert api("coordinator").get(f"/api/v1/households/{family['id']}").status_code == 404


def test_a_coordinator_exports_everything_held_about_a_household(
    app: Flask, api: Any, register: Any, login: Any
) -> None:
    family = register(
        member(given="Olena", doc="FE700001"),
        member(given="Taras", relationship="child", chronic_disease=True),
        phone="+40 721 000 123",
    )
    held = api("coordinator").get(f"/api/v1/households/{family['id']}/export").get_json()
    assert held["household"]["phone"] == "+40721000123"
    assert [m["given_name"] for m in held["members"]] == ["Olena", "Taras"]
    assert held["members"][0]["documents"][0]["number"] == "FE700001"
    assert held["members"][1]["chronic_disease"] is True
    assert held["cards"][0]["number"] == family["card"]["number"]
    client = login("coordinator")
    page = client.get(f"/households/{family['id']}/record")
    assert page.status_code == 200 and "FE700001" in page.text
    download = client.get(f"/households/{family['id']}/export.json")
    assert download.get_json() == held
    assert "attachment" in download.headers["Content-Disposition"]
    with app.app_context():
        exports = db.session.scalars(
            select(AuditEvent.entity_id).where(AuditEvent.action == "export")
        ).all()
    assert exports == [str(family["id"])] * 3


def test_volunteers_cannot_export_or_erase(api: Any, register: Any) -> None:
    family = register()
    desk = api("volunteer")
    assert desk.get(f"/api/v1/households/{family['id']}/export").status_code == 403
    assert desk.delete(f"/api/v1/households/{family['id']}").status_code == 403


def test_retention_lists_by_default_and_erases_with_apply(
    app: Flask, register: Any, set_today: Any, stock_up: Any, api: Any
) -> None:
    set_today(date(2024, 1, 10))
    old = register()
    set_today(date(2025, 6, 1))
    recent = register()
    set_today(date(2026, 2, 1))
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["privacy", "retention"])
    assert dry.exit_code == 0 and f"would be erased: {old['id']}" in dry.output
    coordinator = api("coordinator")
    assert coordinator.get(f"/api/v1/households/{old['id']}").status_code == 200
    applied = runner.invoke(args=["privacy", "retention", "--apply"])
    assert "Erased 1 households" in applied.output
    assert coordinator.get(f"/api/v1/households/{old['id']}").status_code == 404
    assert coordinator.get(f"/api/v1/households/{recent['id']}").status_code == 200
    with app.app_context():
        address = db.session.scalar(select(AuditEvent.address).where(AuditEvent.action == "erase"))
    assert address == "cli"


def test_a_visit_keeps_a_household_within_the_retention_period(
    app: Flask, register: Any, set_today: Any, stock_up: Any, api: Any
) -> None:
    set_today(date(2024, 1, 10))
    stock_up()
    family = register()
    set_today(date(2025, 1, 10))
    api("volunteer").post("/api/v1/distributions", json={"qr": family["card"]["qr"]})
    set_today(date(2026, 2, 1))
    dry = app.test_cli_runner().invoke(args=["privacy", "retention"])
    assert "0 households" in dry.output
    with app.app_context():
        assert db.session.execute(text("SELECT count(*) FROM households")).scalar() == 1


def test_a_table_added_later_is_exported_and_erased_with_its_photo_files(
    app: Flask, api: Any, register: Any, tmp_path: Any
) -> None:
    """What another module adds (a consent, a photo) is found through its foreign key."""
    from sqlalchemy import Column, Date, ForeignKey, Integer, String, Table, insert

    consents = Table(
        "test_consents",
        Base.metadata,
        Column("id", Integer, primary_key=True),
        Column("member_id", Integer, ForeignKey("members.id")),
        Column("photo_path", String(200)),
        Column("given_on", Date),
    )
    photo = tmp_path / "olena.jpg"
    photo.write_bytes(b"\xff\xd8 a face")
    try:
        with app.app_context():
            consents.create(db.engine)
        family = register(member(given="Olena"))
        olena = family["members"][0]["id"]
        with app.app_context():
            db.session.execute(
                insert(consents),
                {"member_id": olena, "photo_path": str(photo), "given_on": date(2026, 3, 1)},
            )
            db.session.commit()
        coordinator = api("coordinator")
        held = coordinator.get(f"/api/v1/households/{family['id']}/export").get_json()
        assert held["members"][0]["test_consents"] == [
            {"id": 1, "member_id": olena, "photo_path": str(photo), "given_on": "2026-03-01"}
        ]
        erased = coordinator.delete(f"/api/v1/households/{family['id']}").get_json()
        assert erased["files"] == 1 and not photo.exists()
        with app.app_context():
            assert db.session.execute(select(consents)).all() == []
    finally:
        with app.app_context():
            consents.drop(db.engine, checkfirst=True)
        Base.metadata.remove(consents)


def test_erasing_keeps_period_figures_and_leaves_a_handed_over_serial_issued(
    app: Flask, api: Any, register: Any, stock_up: Any, set_today: Any
) -> None:
    set_today(FIRST)
    stock_up()
    batch = {
        "sku": "CHILD-VOUCHER",
        "donor": "Salvation Army",
        "first_serial": "SA-000100",
        "last_serial": "SA-000109",
    }
    assert api("stock_manager").post("/api/v1/voucher-batches", json=batch).status_code == 201
    desk = api("volunteer")
    zhuk = register(
        member(given="Olena", family="Zhuk", doc="FZ300001", born="1980-01-01"),
        member(
            given="Taras",
            family="Zhuk",
            doc="FZ300002",
            born="2015-06-01",
            relationship="child",
            disability=True,
        ),
    )
    petrenko = register(
        member(given="Ivan", family="Petrenko", doc="FP300001", born="1979-02-02"),
        member(
            given="Anna", family="Petrenko", doc="FP300002", born="2016-03-03", relationship="child"
        ),
    )
    voucher = [{"sku": "CHILD-VOUCHER", "serial": "SA-000100"}]
    served = desk.post(
        "/api/v1/distributions", json={"qr": zhuk["card"]["qr"], "vouchers": voucher}
    )
    assert served.status_code == 201, served.text
    coordinator = api("coordinator")
    period = f"/api/v1/reports/period?from={FIRST}&to={FIRST + timedelta(days=1)}"
    before = coordinator.get(period).get_json()
    assert (before["distinct_people"], before["people_with_disability"]) == (2, 1)

    assert coordinator.delete(f"/api/v1/households/{zhuk['id']}").status_code == 200

    assert coordinator.get(period).get_json() == before
    # The voucher was handed over: its serial stays issued, to no one, and never again.
    again = desk.post(
        "/api/v1/distributions", json={"qr": petrenko["card"]["qr"], "vouchers": voucher}
    )
    assert again.status_code == 422
    assert again.get_json()["error"] == "voucher_invalid"
    with app.app_context():
        row = db.session.execute(
            text("SELECT household_id, distribution_id FROM vouchers WHERE serial = 'SA-000100'")
        ).one()
    assert row.household_id is None and row.distribution_id is not None
