"""The migrations build exactly the schema the models declare, on SQLite and PostgreSQL."""

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from app import create_app
from app.extensions import db


def test_migrations_match_the_models(app: Flask) -> None:
    with app.app_context():
        db.drop_all()
        upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
        assert diff == []


def test_the_upgrade_on_sqlite_never_gives_an_erased_id_again_and_keeps_one_head(
    tmp_path: Path,
) -> None:
    """0013 rebuilds the tables whose ids name people with AUTOINCREMENT, keeping their
    partial indexes, and starts after the highest id the audit trail ever saw."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "CARD_KEY": "test-card-key",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.db'}",
        }
    )
    with app.app_context():
        upgrade(revision="0012")
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO sites (id, code, name, kind) "
                    "VALUES (1, 'M', 'Main', 'distribution')"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO households (id, site_id, registered_on, created_at) "
                    "VALUES (1, 1, '2026-01-05', '2026-01-05 09:00:00')"
                )
            )
            conn.execute(text(_MEMBER.format(id=1, relationship="head")))
            conn.execute(text(_MEMBER.format(id=2, relationship="child")))
            # Member 3 was erased before the upgrade: only the trail remembers its id.
            conn.execute(
                text(
                    "INSERT INTO audit_events (at, action, entity, entity_id) "
                    "VALUES ('2026-01-06 09:00:00', 'erase', 'members', '3')"
                )
            )
        upgrade()
        with db.engine.begin() as conn:
            conn.execute(text("DELETE FROM members WHERE id = 2"))
            new = _MEMBER.replace("(id, ", "(").replace("({id}, ", "(")
            added = conn.execute(text(new.format(relationship="child")))
            assert added.lastrowid == 4  # not 2, nor 3
        with pytest.raises(IntegrityError), db.engine.begin() as conn:
            conn.execute(text(_MEMBER.format(id=5, relationship="head")))
        db.engine.dispose()


_MEMBER = (
    "INSERT INTO members (id, household_id, given_name, family_name, birth_date, sex, "
    "relationship, disability, chronic_disease, pregnant_or_breastfeeding, single_parent, "
    "created_at) VALUES ({id}, 1, 'A', 'B', '1980-01-01', 'F', '{relationship}', 0, 0, 0, 0, "
    "'2026-01-05 09:00:00')"
)
