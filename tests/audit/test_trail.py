"""Every write leaves who, what, when and from which desk; never a value."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event, select, text
from sqlalchemy.exc import DBAPIError

from app.audit.models import AuditEvent
from app.auth.services import find_user
from app.extensions import db
from tests.conftest import member


def _events(app: Flask, **where: Any) -> list[AuditEvent]:
    with app.app_context():
        stmt = select(AuditEvent).order_by(AuditEvent.id)
        for name, value in where.items():
            stmt = stmt.where(getattr(AuditEvent, name) == value)
        return list(db.session.scalars(stmt))


def test_a_registration_is_recorded_with_its_user_and_desk_and_no_value(
    app: Flask, api: Any
) -> None:
    desk = api("volunteer")
    body = desk.post(
        "/api/v1/households",
        json={"members": [member(given="Olena", doc="FA100200")], "phone": "+40721000000"},
        environ_base={"REMOTE_ADDR": "10.1.2.3"},
    ).get_json()
    created = _events(app, action="create")
    kinds = {(e.entity, e.entity_id) for e in created}
    assert ("households", str(body["id"])) in kinds
    assert ("members", str(body["members"][0]["id"])) in kinds
    assert any(e.entity == "documents" for e in created)
    assert any(e.entity == "cards" for e in created)
    assert {e.address for e in created if e.entity == "households"} == {"10.1.2.3"}
    with app.app_context():
        volunteer_ids = {e.user_id for e in created if e.entity == "households"}
        assert None not in volunteer_ids
        everything = db.session.execute(text("SELECT * FROM audit_events")).all()
    flat = repr(everything)
    assert "Olena" not in flat and "FA100200" not in flat and "40721000000" not in flat


def test_a_handover_made_with_plain_statements_is_recorded_too(
    app: Flask, api: Any, register: Any, stock_up: Any, set_today: Any
) -> None:
    set_today(date(2026, 3, 1))
    stock_up()
    household = register()
    qr = household["card"]["qr"]
    assert api("volunteer").post("/api/v1/distributions", json={"qr": qr}).status_code == 201
    entities = {(e.action, e.entity) for e in _events(app)}
    assert ("update", "households") in entities  # the conditional UPDATE of last_served_on
    assert ("create", "distributions") in entities
    assert ("create", "visit_people") in entities
    assert ("update", "stock_levels") in entities or ("create", "stock_movements") in entities
    updated = [e for e in _events(app, action="update", entity="households")]
    assert updated and "last_served_on" in (updated[-1].fields or "")
    assert updated[-1].entity_id == str(household["id"])


def test_writes_of_tables_added_later_are_recorded_without_edits(app: Flask) -> None:
    from app.audit.trail import NOT_AUDITED
    from app.db import Base

    audited = set(Base.metadata.tables) - NOT_AUDITED
    assert {"households", "members", "documents", "cards", "users", "distributions"} <= audited


def test_the_trail_is_append_only_in_the_database(app: Flask, register: Any) -> None:
    register()
    with app.app_context():
        for statement in ("UPDATE audit_events SET action = 'x'", "DELETE FROM audit_events"):
            with pytest.raises(DBAPIError):
                db.session.execute(text(statement))
            db.session.rollback()
        assert db.session.scalar(text("SELECT count(*) FROM audit_events"))


def test_a_refused_write_leaves_no_event(app: Flask, api: Any) -> None:
    desk = api("volunteer")
    before = len(_events(app))
    bad = {"members": [member(relationship="child")]}  # no head
    assert desk.post("/api/v1/households", json=bad).status_code == 422
    assert len(_events(app)) == before


def test_coordinators_browse_and_filter_the_trail(app: Flask, login: Any, register: Any) -> None:
    created = register()
    client = login("coordinator")
    page = client.get("/audit?entity=households").text
    assert f"household {created['id']}" in page
    with app.app_context():
        volunteer = db.session.scalar(
            select(AuditEvent.user_id).where(AuditEvent.entity == "households")
        )
        from app.auth.models import User

        name = db.session.get(User, volunteer).username  # type: ignore[union-attr]
    assert f"household {created['id']}" in client.get(f"/audit?user={name}").text
    assert "Nothing recorded" in client.get("/audit?user=nobody").text
    assert "Nothing recorded" in client.get("/audit?since=2001-01-01&until=2001-01-02").text


def test_the_trail_exports_as_csv_with_a_bom(app: Flask, login: Any, register: Any) -> None:
    created = register()
    response = login("coordinator").get("/audit/events.csv?entity=households")
    assert response.mimetype == "text/csv"
    assert response.data.startswith("\ufeff".encode())
    lines = response.data.decode("utf-8-sig").splitlines()
    assert lines[0] == "at,user,address,action,entity,entity_id,fields"
    assert any(f",create,households,{created['id']}," in line for line in lines[1:])


def test_a_command_line_write_is_recorded_from_the_cli(app: Flask, make_user: Any) -> None:
    name = make_user("volunteer")
    app.test_cli_runner().invoke(args=["users", "deactivate", name])
    with app.app_context():
        user_id = find_user(db.session, name).id  # type: ignore[union-attr]
    updates = _events(app, action="update", entity="users", entity_id=str(user_id))
    assert updates and updates[-1].address == "cli" and "active" in (updates[-1].fields or "")


def _site_events(app: Flask) -> set[str]:
    return {e.entity_id or "" for e in _events(app, entity="sites", action="create")}


def test_a_transactions_events_are_written_in_one_statement_when_it_commits(
    app: Flask, api: Any, register: Any, stock_up: Any, set_today: Any
) -> None:
    set_today(date(2026, 3, 1))
    stock_up()
    qr = register()["card"]["qr"]
    desk = api("volunteer")
    audit_inserts: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO AUDIT_EVENTS"):
            audit_inserts.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        assert desk.post("/api/v1/distributions", json={"qr": qr}).status_code == 201
    finally:
        event.remove(engine, "before_cursor_execute", count)
    # The handover writes several tables (households, distributions, items, stock) ...
    assert len({(e.entity) for e in _events(app, action="create")}) > 3
    # ... and its events reach the trail together, in one INSERT.
    assert len(audit_inserts) == 1


def test_events_of_a_rolled_back_savepoint_or_transaction_are_forgotten(app: Flask) -> None:
    from app.db import writing
    from app.sites.models import Site

    before = _site_events(app)
    with app.app_context(), writing():
        db.session.add(Site(code="KEEP", name="Kept"))
        db.session.flush()
        kept = db.session.scalar(select(Site.id).where(Site.code == "KEEP"))
        try:
            with db.session.begin_nested():
                db.session.add(Site(code="UNDO", name="Undone"))
                db.session.flush()
                raise RuntimeError("the savepoint is rolled back")
        except RuntimeError:
            pass
        with db.session.begin_nested():
            db.session.add(Site(code="INNER", name="Released"))
        inner = db.session.scalar(select(Site.id).where(Site.code == "INNER"))
        db.session.commit()
    assert _site_events(app) - before == {str(kept), str(inner)}

    with app.app_context(), writing():
        db.session.add(Site(code="GONE", name="Rolled back"))
        db.session.flush()
        db.session.rollback()
    with app.app_context(), writing():  # the next transaction does not inherit them
        db.session.add(Site(code="NEXT", name="Next"))
        db.session.commit()
        following = db.session.scalar(select(Site.id).where(Site.code == "NEXT"))
    assert _site_events(app) - before == {str(kept), str(inner), str(following)}


def test_a_long_transaction_writes_its_events_as_it_goes_and_savepoints_still_forget(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.audit import trail
    from app.db import writing
    from app.sites.models import Site

    monkeypatch.setattr(trail, "MAX_NOTED", 3)
    before = _site_events(app)
    writes: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO AUDIT_EVENTS"):
            writes.append(statement)

    def site_id(code: str) -> str:
        return str(db.session.scalar(select(Site.id).where(Site.code == code)))

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", count)
    with app.app_context(), writing():
        for code in ("A1", "A2"):
            db.session.add(Site(code=code, name=code))
            db.session.flush()
        kept = {site_id("A1"), site_id("A2")}
        try:
            with db.session.begin_nested():
                for code in ("B1", "B2"):  # nothing is written early inside a savepoint
                    db.session.add(Site(code=code, name=code))
                    db.session.flush()
                raise RuntimeError("undo the savepoint")
        except RuntimeError:
            pass
        for code in ("C1", "C2", "C3", "C4"):
            db.session.add(Site(code=code, name=code))
            db.session.flush()
            kept.add(site_id(code))
        db.session.commit()
        event.remove(db.engine, "before_cursor_execute", count)
    assert _site_events(app) - before == kept
    assert len(writes) == 2  # A1 A2 C1, then C2 C3 C4, each as the third came


def test_demo_data_is_one_bulk_load_in_the_trail_not_a_row_each(app: Flask) -> None:
    from app import context
    from app.db import writing
    from app.demo import seed_demo

    before = len(_events(app))
    with app.test_request_context(), writing():
        seed_demo(db.session, households=20, days=30, today=context.today(), card_key="k")
        db.session.commit()
    new = _events(app)[before:]
    assert [(e.action, e.entity) for e in new] == [("bulk_load", "demo")]
