"""Erasure leaves nothing that names the person: not in the database file, its write-ahead
log, the photos folder, a stored API answer, an import not yet imported, nor a backup restored
after the erasure."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from flask import Flask
from PIL import Image
from sqlalchemy import select

from app.db import Base, utcnow
from app.extensions import db
from app.households import imports
from app.households.models import ImportJob
from app.households.photos import save_photo
from tests.conftest import member

PHONE = "+40 721 987 654"
REASON = "Lost at Gara de Nord"
LOCALITY = "Vatra Dornei"


def _post(api: Any, path: str, body: Any, key: str) -> Any:
    return api.client.post(
        path,
        data=json.dumps(body),
        content_type="application/json",
        headers={**api.headers, "Idempotency-Key": key},
    )


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 40), (200, 30, 90)).save(out, "JPEG")
    return out.getvalue()


def _files(database: Path) -> bytes:
    """The database file and its write-ahead log, as bytes on the disk."""
    wal = database.with_name(database.name + "-wal")
    return database.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def _tables(app: Flask) -> bytes:
    """Every value of every table, as text (a date as 2019-09-23 on either engine)."""
    with app.app_context():
        return "\n".join(
            " | ".join(map(str, row))
            for table in Base.metadata.sorted_tables
            for row in db.session.execute(select(table)).all()
        ).encode()


def _found(haystack: bytes, values: list[str]) -> list[str]:
    """The values in the bytes, in any case (search keys keep names folded)."""
    lowered = haystack.lower()  # ASCII only: Cyrillic is looked for in each case as well
    return [
        v
        for v in values
        if v.lower().encode() in lowered
        or any(form.encode() in haystack for form in (v, v.lower(), v.upper()))
    ]


def _sqlite_file(app: Flask) -> Path | None:
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            return None
        return Path(str(db.engine.url.database))


def test_erasure_leaves_no_value_in_the_database_its_log_the_photos_or_a_restored_backup(
    app: Flask, api: Any, tmp_path: Path
) -> None:
    photos = tmp_path / "photos"
    app.config["AID_PHOTO_DIR"] = str(photos)
    desk, coordinator = api("volunteer"), api("coordinator")
    family = {
        "members": [
            member(
                given="Yaryna",
                family="Ostapchuk",
                doc="FY770011",
                born="1961-04-17",
                given_name_native="Ярина",
                family_name_native="Остапчук",
            )
        ],
        "phone": PHONE,
        "locality": LOCALITY,
    }
    registered = _post(desk, "/api/v1/households", family, "7f3c1a0e-0001")
    assert registered.status_code == 201, registered.text
    household = registered.get_json()
    head = household["members"][0]["id"]
    child = member(given="Solomiia", family="Ostapchuk", doc="FY770012", born="2019-09-23")
    child["relationship"] = "child"
    added = _post(desk, f"/api/v1/households/{household['id']}/members", child, "7f3c1a0e-0002")
    assert added.status_code == 201, added.text
    reissued = _post(
        desk, f"/api/v1/households/{household['id']}/cards", {"reason": REASON}, "7f3c1a0e-0003"
    )
    assert reissued.status_code == 201, reissued.text
    consent = desk.post(
        f"/api/v1/households/{household['id']}/members/{head}/consents", json={"kind": "photo"}
    )
    assert consent.status_code == 201, consent.text
    other = {"members": [member(given="Mykhailo", family="Kovalenko", doc="FK880001")]}
    assert _post(desk, "/api/v1/households", other, "7f3c1a0e-0004").status_code == 201
    with app.app_context():
        save_photo(db.session, household["id"], _jpeg(), photo_dir=str(photos))
        upload = (
            b"given name,family name,birth date,sex,document number,phone\n"
            b"Yaryna,Ostapchuk,1961-04-17,F,FY 770011,+40721987654\n"
            b"Petro,Savchuk,1970-01-02,M,FS990001,\n"
        )
        job = imports.upload(db.session, "register.csv", upload, user_id=1, now=utcnow())
        db.session.commit()
        job_id = job.id
    photo = next(photos.glob("*.jpg"))
    values = [
        "Yaryna",
        "Ostapchuk",
        "Ярина",
        "Остапчук",
        "Solomiia",
        "FY770011",
        "FY 770011",
        "FY770012",
        "40721987654",
        LOCALITY,
        REASON,
        household["card"]["number"],
        reissued.get_json()["number"],
        "1961-04-17",
        "2019-09-23",
    ]
    database = _sqlite_file(app)
    before = _files(database) if database else _tables(app)
    assert _found(before, values) == values  # the scan finds real values

    backup = tmp_path / "before-erasure.backup"
    runner = app.test_cli_runner()
    made = runner.invoke(args=["backup", str(backup)])
    assert made.exit_code == 0, made.output

    erased = coordinator.delete(f"/api/v1/households/{household['id']}")
    assert erased.status_code == 200, erased.text

    # A retry of the registration or of the added member gives no one back.
    for path, body, key in (
        ("/api/v1/households", family, "7f3c1a0e-0001"),
        (f"/api/v1/households/{household['id']}/members", child, "7f3c1a0e-0002"),
        (f"/api/v1/households/{household['id']}/cards", {"reason": REASON}, "7f3c1a0e-0003"),
    ):
        replay = _post(desk, path, body, key)
        assert replay.status_code == 410, replay.text
        assert replay.get_json()["error"] == "erased"
        assert _found(replay.data, values) == []
    # The other family's answer is still given again.
    assert _post(desk, "/api/v1/households", other, "7f3c1a0e-0004").status_code == 201
    with app.app_context():
        kept = json.loads(
            db.session.scalar(select(ImportJob.rows).where(ImportJob.id == job_id)) or "[]"
        )
    assert [row[0] for row in kept] == ["Petro"]  # the other person's row stays to import

    assert not photo.exists()
    for file in photos.rglob("*"):
        assert not file.is_file() or _found(file.read_bytes(), values) == [], file
    assert _found(_tables(app), values) == []
    if database:
        assert _found(_files(database), values) == []

    restored = runner.invoke(args=["restore", "--force", str(backup)])
    assert restored.exit_code == 0, restored.output
    assert "Erased again 1" in restored.output
    assert coordinator.get(f"/api/v1/households/{household['id']}").status_code == 404
    assert _found(_tables(app), values) == []
    if database:
        assert _found(_files(database), values) == []
