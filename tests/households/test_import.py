"""Importing a register from .csv or .xlsx: map, check every row, preview, all or nothing."""

from __future__ import annotations

import io
import threading
import time
from functools import partial
from typing import Any

from openpyxl import Workbook
from sqlalchemy import func, select

from app.extensions import db
from app.households.imports.checks import build_groups
from app.households.imports.files import guess_mapping, read_table
from app.households.models import Household, ImportJob, Member

WAIT_S = 60.0
HEADER = ["Family", "Relationship", "First name", "Surname", "Date of birth", "Gender",
          "Document type", "Document number", "Phone"]  # fmt: skip


def people(n: int, start: int = 0) -> list[list[str]]:
    """``n`` rows: households of two, a head and a child, with valid documents."""
    rows = []
    for i in range(start, start + n):
        household = str(i // 2)
        if i % 2 == 0:
            rows.append([household, "head", f"Given{_letters(i)}", f"Family{_letters(i)}",
                         f"19{60 + i % 30}-0{1 + i % 9}-1{i % 9}", "F", "passport",
                         f"FA{i:06d}", f"+40 700 {i:06d}"])  # fmt: skip
        else:
            rows.append([household, "child", f"Child{_letters(i)}", f"Family{_letters(i - 1)}",
                         "2015-06-01", "M", "birth certificate", f"I-БК {i:06d}", ""])  # fmt: skip
    return rows


def _letters(i: int) -> str:
    """A number as letters, so every name is its own (names are compared without digits)."""
    word = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        word = "abcdefghijklmnopqrstuvwxyz"[r] + word
    return word.title()


def as_csv(rows: list[list[str]], header: list[str] = HEADER, sep: str = ",") -> bytes:
    return "\n".join(sep.join(r) for r in [header, *rows]).encode()


def as_xlsx(rows: list[list[str]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def join_threads() -> None:
    for thread in threading.enumerate():
        if thread.name.startswith("import-"):
            thread.join(WAIT_S)


def wait(client: Any, job_id: int, *statuses: str) -> dict[str, Any]:
    deadline = time.monotonic() + WAIT_S
    while True:
        progress = client.get(f"/households/import/{job_id}/progress").get_json()
        if progress["status"] in statuses:
            join_threads()
            return progress
        assert time.monotonic() < deadline, progress
        time.sleep(0.05)


def upload(client: Any, data: bytes, name: str = "register.csv") -> int:
    answer = client.post(
        "/households/import",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 302, answer.text
    return int(answer.headers["Location"].rsplit("/", 1)[1])


def check(client: Any, job_id: int) -> dict[str, Any]:
    page = client.get(f"/households/import/{job_id}").text
    mapping = {}
    for name in ("household", "relationship", "given_name", "family_name", "birth_date", "sex",
                 "document_type", "document_number", "phone"):  # fmt: skip
        assert f'name="map-{name}"' in page
    columns = guess_mapping(HEADER)
    mapping = {f"map-{k}": str(v) for k, v in columns.items() if v is not None}
    answer = client.post(f"/households/import/{job_id}/mapping", data=mapping)
    assert answer.status_code == 302
    return wait(client, job_id, "checked", "failed")


def count(app: Any, model: Any) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_the_columns_are_guessed_from_the_header() -> None:
    found = guess_mapping(HEADER)
    assert found["given_name"] == 2 and found["birth_date"] == 4 and found["sex"] == 5
    assert found["locality"] is None


def test_a_semicolon_csv_and_an_xlsx_read_alike() -> None:
    rows = people(4)
    assert read_table("a.csv", as_csv(rows, sep=";")) == read_table("a.xlsx", as_xlsx(rows))


def test_rows_of_one_household_value_are_one_household() -> None:
    columns, rows = read_table("a.csv", as_csv(people(6)))
    groups, problems = build_groups(rows, guess_mapping(columns))
    assert problems == [] and [len(g.members) for g in groups] == [2, 2, 2]
    assert [m.relationship for m in groups[0].members] == ["head", "child"]


def test_a_file_of_rows_is_checked_previewed_and_imported_whole(app, login) -> None:  # type: ignore[no-untyped-def]
    client = login("coordinator")
    job_id = upload(client, as_csv(people(40)))
    progress = check(client, job_id)
    assert progress["status"] == "checked" and progress["households"] == 20
    page = client.get(f"/households/import/{job_id}").text
    assert "Every row is fine" in page and "GivenA" in page
    assert count(app, Household) == 0
    assert client.post(f"/households/import/{job_id}/run").status_code == 302
    done = wait(client, job_id, "done", "failed")
    assert done["status"] == "done" and done["households"] == 20
    assert count(app, Household) == 20 and count(app, Member) == 40
    with app.app_context():
        assert db.session.scalar(select(ImportJob.rows)) is None  # personal data dropped
    found = client.get("/households/search", query_string={"q": "FA000002"}).text
    assert "GivenC" in found


def test_a_bad_row_is_named_in_the_preview_and_nothing_is_imported(app, login) -> None:  # type: ignore[no-untyped-def]
    rows = people(10)
    rows[3][4] = "2030-02-30"  # row 5 of the file: an impossible date
    rows[6][7] = "FA12"  # row 8: a passport number too short
    client = login("coordinator")
    job_id = upload(client, as_xlsx(rows), "register.xlsx")
    check(client, job_id)
    page = client.get(f"/households/import/{job_id}").text
    assert "2 problems" in page
    assert "<td>5</td><td>Birth date</td>" in page and "<td>8</td><td>Document number</td>" in page
    assert 'id="import-run"' not in page
    refused = client.post(f"/households/import/{job_id}/run")
    assert refused.status_code == 302
    join_threads()
    assert count(app, Household) == 0


def test_a_document_or_a_person_registered_already_is_a_problem(app, login, register) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import member

    register(member(doc="FA000000"))
    register(member("Chyldb", "Familia", born="2015-06-01"))  # ChildB FamilyA, respelt
    client = login("coordinator")
    job_id = upload(client, as_csv(people(2)))
    check(client, job_id)
    page = client.get(f"/households/import/{job_id}").text
    assert "registered already, in household 1" in page
    assert "registered in household 2" in page
    assert count(app, Household) == 2


def test_the_same_document_twice_in_the_file_is_a_problem(login) -> None:  # type: ignore[no-untyped-def]
    rows = people(4)
    rows[2][7] = rows[0][7]
    client = login("coordinator")
    job_id = upload(client, as_csv(rows))
    check(client, job_id)
    assert "the same document as row 2" in client.get(f"/households/import/{job_id}").text


def test_files_that_are_not_registers_are_refused_at_the_field(login) -> None:  # type: ignore[no-untyped-def]
    client = login("coordinator")
    for data, name in (
        (b"", "empty.csv"),
        (b"just a header\n", "header.csv"),
        (b"PK\x03\x04 not really a zip", "broken.xlsx"),
        (b"%PDF-1.4", "register.pdf"),
    ):
        answer = client.post(
            "/households/import",
            data={"file": (io.BytesIO(data), name)},
            content_type="multipart/form-data",
        )
        assert answer.status_code == 422, name
        assert '<small class="error">' in answer.text


def test_a_mapping_without_the_required_columns_is_refused(login) -> None:  # type: ignore[no-untyped-def]
    client = login("coordinator")
    job_id = upload(client, as_csv(people(2)))
    answer = client.post(f"/households/import/{job_id}/mapping", data={"map-given_name": "2"})
    assert answer.status_code == 302
    page = client.get(f"/households/import/{job_id}").text
    assert "choose the column" in page


def test_only_coordinators_import_and_only_their_own_jobs(login, client, make_user) -> None:  # type: ignore[no-untyped-def]
    coordinator = login("coordinator")
    job_id = upload(coordinator, as_csv(people(2)))
    client.post("/logout")
    assert login("volunteer").get("/households/import").status_code == 403
    client.post("/logout")
    assert login("coordinator").get(f"/households/import/{job_id}").status_code == 404


def test_an_erasure_while_an_import_runs_keeps_the_erased_persons_row_out(
    app: Any, make_user: Any, monkeypatch: Any
) -> None:
    """The import saves the rows it read; if an erasure took some out meanwhile, it saves
    nothing, and the job goes back to be checked again without them."""
    from datetime import date

    from sqlalchemy.orm import Session

    from app.auth.models import User
    from app.db import utcnow
    from app.households.imports import job as imports
    from app.households.imports.erasure import forget_rows
    from app.registry.import_save import save_groups
    from app.sites.models import Site

    name = make_user("coordinator")
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.username == name))
        site_id = db.session.scalar(select(Site.id))
        job = imports.upload(db.session, "register.csv", as_csv(people(4)), user_id=user_id,
                             now=utcnow())  # fmt: skip
        imports.set_mapping(db.session, job, guess_mapping(HEADER), now=utcnow())
        db.session.commit()
        job_id = job.id
        imports.check_job(db.session, job_id, today=date(2026, 3, 1), clock=utcnow)
        checked = db.session.get(ImportJob, job_id, populate_existing=True)
        assert checked is not None and (checked.status, checked.problems) == ("checked", "[]")
        imports.queue_import(db.session, checked, now=utcnow())
        db.session.commit()
        read_rows = imports._groups_of

        def erased_meanwhile(session: Any, job: int) -> Any:
            groups = read_rows(session, job)
            with Session(db.engine) as other:  # the coordinator's erasure, in another request
                assert forget_rows(other, {"FA000000"}, now=utcnow()) == 1
                other.commit()
            return groups

        monkeypatch.setattr(imports, "_groups_of", erased_meanwhile)
        save = partial(save_groups, site_id=site_id, today=date(2026, 3, 1), user_id=user_id,
                       card_key="test-card-key")  # fmt: skip
        imports.import_job(db.session, job_id, today=date(2026, 3, 1), save=save, clock=utcnow)
        job = db.session.get(ImportJob, job_id, populate_existing=True)
        assert job is not None and (job.status, job.total) == ("uploaded", 3)
        assert "FA000000" not in (db.session.scalar(select(ImportJob.rows)) or "")
    assert count(app, Household) == 0
