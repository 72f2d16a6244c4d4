"""A document waiting for its key (households.key_conflicts) after the upgrade: the coordinator
is told and sees the pair, the document still blocks a third registration, and once the other
household is resolved the document takes its key, from the page or the command."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Flask
from sqlalchemy import select

from app.extensions import db
from app.households.key_conflicts import placeholder_key
from app.households.models import Document, DocumentKeyConflict
from tests.api.contract import assert_error
from tests.conftest import member


def waiting_pair(app: Flask, register: Any) -> tuple[int, int]:
    """Household 1 holds FA123456; household 2 has it with a Cyrillic А, as migration 0014
    leaves a pair registered before the key: a placeholder key, and listed."""
    first = register(member(doc="FA123456"))
    second = register(member(doc="FB000001"))
    with app.app_context():
        document = db.session.scalars(select(Document).where(Document.number == "FB000001")).one()
        document.number = "FА123456"
        document.number_key = placeholder_key(document.id)
        db.session.add(
            DocumentKeyConflict(
                document_id=document.id,
                number_key="FA123456",
                found_at=datetime(2026, 12, 6, tzinfo=UTC),
            )
        )
        db.session.commit()
    return first["id"], second["id"]


def test_the_coordinator_is_told_and_sees_both_households(app, login, register) -> None:  # type: ignore[no-untyped-def]
    first, second = waiting_pair(app, register)
    coordinator = login("coordinator")
    search = coordinator.get("/households/search").text
    assert "Documents registered twice, waiting for a coordinator: 1." in search
    page = coordinator.get("/households/document-conflicts").text
    assert f'href="/households/{first}"' in page and f'href="/households/{second}"' in page
    assert "FA123456" in page and "FА123456" in page
    assert "waiting for a coordinator" not in login("volunteer").get("/households/search").text


def test_a_waiting_document_blocks_a_new_registration_until_settled(
    app, api, login, register
) -> None:  # type: ignore[no-untyped-def]
    first, second = waiting_pair(app, register)
    coordinator = api("coordinator")
    assert coordinator.delete(f"/api/v1/households/{first}").status_code == 200
    again = api("volunteer").post("/api/v1/households", json={"members": [member(doc="FA123456")]})
    assert assert_error(again, 409, "duplicate_document")["household_id"] == second
    answer = login("coordinator").post("/households/document-conflicts", follow_redirects=True)
    assert "1 document took its key." in answer.text
    assert "No document waits" in answer.text
    with app.app_context():
        assert db.session.scalar(
            select(Document.number_key).where(Document.number == "FА123456")
        ) == ("FA123456")


def test_the_command_lists_the_pairs_and_settles_what_is_free(app, api, register) -> None:  # type: ignore[no-untyped-def]
    first, second = waiting_pair(app, register)
    runner = app.test_cli_runner()
    listed = runner.invoke(args=["documents", "conflicts"])
    assert listed.exit_code == 0, listed.output
    assert f"held by household {first}" in listed.output
    assert f"waits in household {second}" in listed.output
    assert runner.invoke(args=["documents", "conflicts", "--settle"]).output.startswith(
        "Documents that took their key: 0."
    )
    api("coordinator").delete(f"/api/v1/households/{first}")
    settled = runner.invoke(args=["documents", "conflicts", "--settle"])
    assert "Documents that took their key: 1." in settled.output
    assert "Documents waiting for a coordinator: 0." in settled.output
