"""Migration 0014 re-keys every document with the document key, and lists, never merges, the
households that registered one document twice on two keyboards; the upgrade never fails on
them, and afterwards a coordinator resolves each pair and settles."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import MetaData, select

from app import create_app
from app.extensions import db
from app.households.key_conflicts import key_conflicts, settle_key_conflicts
from app.households.models import Document, DocumentKeyConflict
from app.privacy.services import erase_household
from app.registry.search import search_people
from tests.test_upgrade import _insert

AT = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)
# (household, type, number as typed, its key as release 0012 wrote it), in registration order.
BEFORE = [
    (1, "passport", "FA123456", "FA123456"),
    (2, "passport", "FА123456", "FА123456"),  # a Cyrillic А: the same passport, again
    (3, "passport", "FA/123456", "FA/123456"),  # and a third time
    (1, "birth_certificate", "I-BK 000001", "IВК000001"),  # keyed Cyrillic then
    (4, "passport", "FE１２３４５６", "FE１２３４５６"),  # fullwidth: alone, only re-keyed
    (5, "passport", "EK١٢٣٤٥٦", "EK١٢٣٤٥٦"),  # registered first, but...
    (6, "passport", "EK123456", "EK123456"),  # ...this one holds the key already: it keeps it
    (7, "id_card", "FA123456", "FA123456"),  # another type: another document
]


def release_0012(database_url: str) -> Flask:
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "CARD_KEY": "test-card-key",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "AID_TIMEZONE": "Europe/Bucharest",
            "WTF_CSRF_ENABLED": False,
        }
    )
    with app.app_context():
        upgrade(revision="0012")
        with db.engine.begin() as conn:
            tables = MetaData()
            tables.reflect(conn)

            def insert(table: str, **values: Any) -> int:
                return _insert(conn, tables, table, **values)

            site = insert("sites", code="MAIN", name="Main", kind="distribution")
            for household in sorted({h for h, *_ in BEFORE}):
                insert("households", id=household, site_id=site, registered_on=AT.date(),
                       created_at=AT)  # fmt: skip
            for i, (household, type_, number, key) in enumerate(BEFORE, start=1):
                person = insert("members", household_id=household, given_name=f"Given{i}",
                                family_name="Koval", birth_date=date(1980 + i, 1, 1), sex="F",
                                relationship="head" if i != 4 else "child", disability=False,
                                chronic_disease=False, created_at=AT)  # fmt: skip
                insert("documents", id=i, member_id=person, type=type_, number=number,
                       number_key=key, country="UKR")  # fmt: skip
        db.engine.dispose()
    return app


def test_colliding_documents_are_listed_not_merged_and_the_upgrade_succeeds(
    database_url: str,
) -> None:
    app = release_0012(database_url)
    result = app.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    assert "Documents registered twice, waiting for a coordinator: 3" in result.output
    with app.app_context():
        session = db.session
        keys = dict(session.execute(select(Document.id, Document.number_key)).all())
        assert keys == {1: "FA123456", 2: "~2", 3: "~3", 4: "IBK000001", 5: "FE123456",
                        6: "~6", 7: "EK123456", 8: "FA123456"}  # fmt: skip
        # Nothing merged: every household and document is still there, the numbers as typed.
        numbers = session.scalars(select(Document.number).order_by(Document.id)).all()
        assert list(numbers) == [number for *_, number, _ in BEFORE]
        listed = [(c.waiting.household_id, c.holder and c.holder.household_id, c.key)
                  for c in key_conflicts(session)]  # fmt: skip
        assert listed == [(2, 1, "FA123456"), (3, 1, "FA123456"), (5, 6, "EK123456")]
        # Search by the real number finds every household that holds the passport.
        found = {p.household_id for p in search_people(session, "FA 123456", everything=True)}
        assert found == {1, 2, 3, 7}

        # The coordinator sees the pairs, erases household 2 (the duplicate) and checks again:
        # nothing frees the key of FA123456 (household 1 holds it), so no document moves.
        page = _coordinator(app).get("/households/document-conflicts").text
        assert "Household 2" in page and "Household 6" in page and "FА123456" in page
        erase_household(session, 2, now=AT)
        session.commit()
        assert settle_key_conflicts(session) == 0
        assert [c.waiting.household_id for c in key_conflicts(session)] == [3, 5]
        # Household 6 was the duplicate of household 5: once erased, 5's passport takes its key.
        erase_household(session, 6, now=AT)
        session.commit()
        assert settle_key_conflicts(session) == 1
        session.commit()
        assert session.get(Document, 6).number_key == "EK123456"
        assert session.scalars(select(DocumentKeyConflict.document_id)).all() == [3]
        session.remove()
        db.engine.dispose()


def _coordinator(app: Flask) -> Any:
    from werkzeug.security import generate_password_hash

    from app.auth.models import User

    db.session.add(
        User(
            username="coord",
            password_hash=generate_password_hash("pw-pw-pw-pw-pw", method="pbkdf2:sha256:1000"),
            role="coordinator",
        )
    )
    db.session.commit()
    client = app.test_client()
    client.post("/login", data={"username": "coord", "password": "pw-pw-pw-pw-pw"})
    return client
