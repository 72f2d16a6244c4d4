"""Decision 0038: a handover reads what changes seldom (the card, the household's members, the
programmes and their rules) before its writes, on SQLite apart from the write gate, and reads
again what the rule relies on (the household's claims) once it holds the gate."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from app.db import GatedConnection
from app.desk import services as desk
from app.desk.models import Distribution
from app.desk.services import Handover, Refused, record_handover
from app.sites.services import site_by_code
from tests.desk.test_services import NOW, donate, new_family

DAY = date(2026, 3, 1)


def handover(session: Any, qr: str, site_id: int) -> Handover | Refused:
    outcome = record_handover(
        session, scanned=qr, today=DAY, now=NOW, days=10, site_id=site_id, user_id=None
    )
    session.commit()
    return outcome


def test_the_card_household_and_programmes_are_read_before_the_write_gate(
    session: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    donate(session, FOOD=5, HYGIENE=5)
    _, qr = new_family(session, date(1990, 1, 1), date(2015, 1, 1))
    site_id = site_by_code(session, "MAIN").id
    session.commit()  # the handover starts with no transaction open, as in a request
    held: list[bool] = [False]
    begin, release = GatedConnection.begin_write, GatedConnection._release

    def taking(conn: GatedConnection) -> None:
        begin(conn)
        held[0] = True

    def giving(conn: GatedConnection) -> None:
        release(conn)
        held[0] = False

    monkeypatch.setattr(GatedConnection, "begin_write", taking)
    monkeypatch.setattr(GatedConnection, "_release", giving)
    ran: list[tuple[str, bool]] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        ran.append((" ".join(statement.split()), held[0]))

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", note)
    try:
        served = handover(session, qr, site_id)
    finally:
        event.remove(engine, "before_cursor_execute", note)
    assert isinstance(served, Handover)

    def first(fragment: str) -> int:
        return next(i for i, (s, _) in enumerate(ran) if fragment in s)

    claim = first("UPDATE households SET last_served_on")
    planned = [first("FROM cards"), first("FROM programmes"), first("FROM households JOIN")]
    again = first("households.last_served_on AS day")  # the claims, read again
    assert max(planned) < again < claim
    if engine.dialect.name == "sqlite":
        # The other desks wait for the gate: the plan is read without it, the claims and
        # everything written with it.
        assert not any(ran[i][1] for i in planned)
        assert all(in_gate for _, in_gate in ran[again:])


def test_a_household_served_between_the_reads_and_the_writes_is_refused_once(
    session: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another desk serves the family while this one reads its programmes: the claims read
    again in the gate say so, and the family is refused instead of served twice (or a 500)."""
    donate(session, FOOD=10, HYGIENE=10)
    household, qr = new_family(session, date(1990, 1, 1), date(2015, 1, 1))
    site_id = site_by_code(session, "MAIN").id
    session.commit()
    real = desk.in_force
    other_desk: list[Handover | Refused] = []

    def meanwhile(reader: Any, today: date) -> Any:
        found = real(reader, today)
        if not other_desk:  # once: the other desk's whole handover, committed
            monkeypatch.setattr(desk, "in_force", real)
            with Session(session.get_bind()) as other:
                other_desk.append(handover(other, qr, site_id))
        return found

    monkeypatch.setattr(desk, "in_force", meanwhile)
    outcome = handover(session, qr, site_id)
    assert isinstance(other_desk[0], Handover)
    assert isinstance(outcome, Refused) and not outcome.counted  # served today: no refusal
    served = session.scalar(
        select(func.count())
        .select_from(Distribution)
        .where(Distribution.household_id == household.id)
    )
    assert served == 1


def test_the_answer_is_built_after_the_commit_unless_it_is_kept_with_it(
    app: Any,
    api: Any,
    register: Any,
    stock_up: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The API's handover commits before it builds its answer (SQLite's gate is given back
    first); with an Idempotency-Key the answer is kept in the same transaction, so then it is
    built inside it."""
    from app.desk import api as desk_api
    from app.extensions import db

    stock_up()
    desk = api("volunteer")
    real = desk_api.handover_json
    open_while_answering: list[bool] = []

    def answering(*args: Any, **kwargs: Any) -> Any:
        open_while_answering.append(db.session().in_transaction())
        return real(*args, **kwargs)

    monkeypatch.setattr(desk_api, "handover_json", answering)
    for headers in ({}, {"Idempotency-Key": "k-1"}):
        qr = register()["card"]["qr"]
        served = desk.client.post(
            "/api/v1/distributions", json={"qr": qr}, headers={**desk.headers, **headers}
        )
        assert served.status_code == 201, served.text
    assert open_while_answering == [False, True]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Distribution)) == 2
