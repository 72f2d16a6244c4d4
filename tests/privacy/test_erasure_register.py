"""What erasure keeps so that it holds: stored answers tied to whom they name, ids never given
again, and a register of erasures that a restore replays."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import select

from app.extensions import db
from tests.conftest import member


def _post(api: Any, path: str, body: Any, key: str) -> Any:
    return api.client.post(
        path,
        data=json.dumps(body),
        content_type="application/json",
        headers={**api.headers, "Idempotency-Key": key},
    )


def test_erasing_a_member_forgets_the_answers_that_name_them_and_only_those(
    api: Any, login: Any
) -> None:
    desk = api("volunteer")
    family = {"members": [member(given="Olha", family="Bondar")]}
    registered = _post(desk, "/api/v1/households", family, "a1")
    household = registered.get_json()
    child = member(given="Zoriana", family="Bondar", relationship="child")
    path = f"/api/v1/households/{household['id']}/members"
    added = _post(desk, path, child, "a2")
    assert added.status_code == 201, added.text
    zoriana = added.get_json()["members"][1]["id"]

    erased = login("coordinator").post(f"/members/{zoriana}/erase", data={"confirm": "y"})
    assert erased.status_code == 302

    again = _post(desk, path, child, "a2")
    assert again.status_code == 410 and b"Zoriana" not in again.data
    # The registration's answer named the head only: it is still given again, unchanged.
    first = _post(desk, "/api/v1/households", family, "a1")
    assert (first.status_code, first.data) == (201, registered.data)


def test_an_erased_persons_ids_are_never_given_to_someone_else(
    app: Flask, api: Any, register: Any
) -> None:
    family = register(member(given="Olha"), member(given="Denys", relationship="child"))
    denys = family["members"][1]["id"]  # the highest member id, and the highest document id
    with app.app_context():
        from app.households.models import Document

        document = db.session.scalar(select(Document.id).where(Document.member_id == denys))
    coordinator = api("coordinator")
    assert coordinator.delete(f"/api/v1/households/{family['id']}").status_code == 200

    other = register(member(given="Ivan"), member(given="Maksym", relationship="child"))
    ids = {m["id"] for m in other["members"]}
    assert min(ids) > denys
    with app.app_context():
        newest = db.session.scalar(select(Document.id).order_by(Document.id.desc()).limit(1))
    assert newest is not None and document is not None and newest > document + 1


def test_a_restore_erases_again_and_keeps_the_register_and_the_ids(
    app: Flask, api: Any, register: Any, tmp_path: Path
) -> None:
    kept, gone = register(member(given="Olha")), register(member(given="Stepan"))
    coordinator = api("coordinator")  # in the backup, so its token works after the restore
    runner = app.test_cli_runner()
    backup = tmp_path / "monday.backup"
    assert runner.invoke(args=["backup", str(backup)]).exit_code == 0
    later = register(member(given="Vira"))  # after the backup: not in it
    for family in (gone, later):
        assert coordinator.delete(f"/api/v1/households/{family['id']}").status_code == 200

    restored = runner.invoke(args=["restore", "--force", str(backup)])
    assert restored.exit_code == 0, restored.output

    assert coordinator.get(f"/api/v1/households/{kept['id']}").status_code == 200
    assert coordinator.get(f"/api/v1/households/{gone['id']}").status_code == 404
    from app.privacy.models import ErasureEntry

    with app.app_context():
        entries = db.session.execute(select(ErasureEntry.entity, ErasureEntry.entity_id)).all()
    assert sorted(entries) == [("households", gone["id"]), ("households", later["id"])]
    # The household and person registered after the backup, then erased, keep their ids.
    newcomer = register(member(given="Nadiia"))
    assert newcomer["id"] > later["id"]
    assert newcomer["members"][0]["id"] > later["members"][0]["id"]


def test_a_backup_older_than_the_register_is_upgraded_and_erased_again(tmp_path: Path) -> None:
    """On SQLite, whatever TEST_DATABASE_URL says: a backup made before revision 0015."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from app import create_app
    from app.db import utcnow
    from app.households.models import Household, Member
    from app.privacy.services import erase_household

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "CARD_KEY": "test-card-key",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'live.db'}",
            "AID_PHOTO_DIR": str(tmp_path / "photos"),
        }
    )
    with app.app_context():
        upgrade(revision="0012")
        with db.engine.begin() as conn:
            for sql in (
                "INSERT INTO sites (id, code, name, kind) VALUES (1, 'M', 'Main', 'distribution')",
                "INSERT INTO households (id, site_id, registered_on, created_at, phone) "
                "VALUES (1, 1, '2026-01-05', '2026-01-05 09:00:00', '+40711222333')",
                "INSERT INTO members (id, household_id, given_name, family_name, birth_date, "
                "sex, relationship, disability, chronic_disease, pregnant_or_breastfeeding, "
                "single_parent, created_at) VALUES (1, 1, 'Iryna', 'Hnatiuk', '1980-01-01', "
                "'F', 'head', 0, 0, 0, 0, '2026-01-05 09:00:00')",
            ):
                conn.execute(text(sql))
        db.engine.dispose()
    runner = app.test_cli_runner()
    backup = tmp_path / "old.backup"
    assert runner.invoke(args=["backup", str(backup)]).exit_code == 0
    with app.app_context():
        upgrade()
        erase_household(db.session, 1, now=utcnow())
        db.session.commit()
        db.engine.dispose()

    restored = runner.invoke(args=["restore", "--force", str(backup)])

    assert restored.exit_code == 0, restored.output
    assert "Erased again 1" in restored.output
    with app.app_context():
        household = db.session.get(Household, 1)
        assert household is not None and household.erased_at is not None
        assert household.phone is None
        assert db.session.scalar(select(Member.id)) is None
        db.engine.dispose()
