"""GET /healthz: 200 when the database answers at the code's migration head, 503 otherwise."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import stamp
from sqlalchemy import text

from app import ROOT, create_app
from app.extensions import db
from app.ops.health import Migrations, check_health, read_migrations

MIGRATIONS = ROOT / "migrations"


def _set_revision(app: Flask, revision: str) -> None:
    with app.app_context():
        db.session.execute(
            text("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
        )
        db.session.execute(text("INSERT INTO alembic_version VALUES (:r)"), {"r": revision})
        db.session.commit()


def test_healthz_is_ok_without_an_account_when_the_schema_is_at_the_head(
    app: Flask, client: FlaskClient
) -> None:
    with app.app_context():
        stamp()  # the fixture's tables are the models', that is the head's
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "migrations": "current"}
    assert response.headers["Cache-Control"] == "no-store"


def test_healthz_is_503_when_the_migrations_were_never_applied(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "unavailable"
    assert (body["database"], body["migrations"]) == ("ok", "not applied")
    assert body["database_revision"] == []
    assert body["expected_revision"] == sorted(read_migrations(MIGRATIONS).heads)


def test_healthz_is_503_when_the_database_is_newer_than_the_code(
    app: Flask, client: FlaskClient
) -> None:
    _set_revision(app, "f00dcafe")
    body = client.get("/healthz").get_json()
    assert body["migrations"] == "newer than the code"
    assert body["database_revision"] == ["f00dcafe"]


def test_a_database_at_an_older_revision_is_behind(app: Flask) -> None:
    _set_revision(app, "0001")
    migrations = Migrations(heads=frozenset({"0002"}), known=frozenset({"0001", "0002"}))
    with app.app_context():
        health = check_health(db.engine, migrations)
    assert (health.ok, health.migrations) == (False, "behind")
    assert health.to_json()["expected_revision"] == ["0002"]


def test_healthz_is_503_when_the_database_does_not_answer(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "s",
            "CARD_KEY": "c",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'no such folder' / 'x.db'}",
        }
    )
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {
        "status": "unavailable",
        "database": "unreachable",
        "migrations": "unknown",
    }
    assert "the database did not answer: unable to open database file" in capsys.readouterr().err


def test_the_migration_scripts_have_one_head_among_the_revisions_they_know() -> None:
    migrations = read_migrations(MIGRATIONS)
    assert len(migrations.heads) == 1
    assert migrations.heads <= migrations.known
