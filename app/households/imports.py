"""Importing an existing register from a spreadsheet (.xlsx or .csv: an older register, a
Kobo export), all or nothing.

Upload (the rows are kept in the import_jobs table), map the file's columns to fields, then
a background thread checks every row: the same checks as the desk (households.rules, typed
numbers held to their format), documents held by nobody else and written once in the file,
and the likely-duplicate check (households.duplicates) against the people registered. The
preview lists a problem per bad row; only a file without problems can be imported, and the
import is one transaction: the whole file lands, or nothing does. Progress lives in the
database (as for card sheets, cards.jobs); while the one import transaction runs, the bar
shows the checking's count and then "saving".

One row is one person. Rows with the same value in the "household" column are one household
(the first row its head unless a relationship column says otherwise); without that column
every row is a household of one.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from flask import Flask
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, insert, select, tuple_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.cards import tokens
from app.cards.models import Card
from app.errors import NotFound, ValidationFailed
from app.extensions import db
from app.households.duplicates import PERSON_COLUMNS, like
from app.households.import_files import FIELDS, REQUIRED, guess_mapping, read_table
from app.households.models import Document, Household, ImportJob, Member
from app.households.rules import (
    DOCUMENT_TYPES,
    RELATIONSHIPS,
    NewDocument,
    NewHousehold,
    NewMember,
    check_household,
)
from app.households.services import identity as document_identity
from app.households.services import index_names, new_member_row, normal_phone

log = logging.getLogger(__name__)
KEEP_FOR = timedelta(days=1)
STALE_AFTER = timedelta(minutes=2)
PROGRESS_EVERY_S = 0.2
CHUNK = 500
_SEXES = {"f": "F", "female": "F", "ж": "F", "m": "M", "male": "M", "ч": "M", "x": "X"}
_DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%Y/%m/%d")


# --- Rows into households (pure) -----------------------------------------------------------


@dataclass
class Problem:
    row: int  # the row's number in the file, the header being row 1
    field: str
    message: str


@dataclass
class Group:
    """One household of the file: its members and the file's row number of each."""

    rows: list[int] = field(default_factory=list)
    members: list[NewMember] = field(default_factory=list)
    phone: str | None = None
    locality: str | None = None

    def household(self) -> NewHousehold:
        return NewHousehold(tuple(self.members), self.phone, self.locality)


def _date(text: str) -> date | None:
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def build_groups(
    rows: list[list[str]], mapping: dict[str, int | None]
) -> tuple[list[Group], list[Problem]]:
    """The file's households, and the problems of rows that cannot even be read (a date that
    is not one, a sex or type not known)."""

    def get(row: list[str], name: str) -> str:
        index = mapping.get(name)
        return row[index].strip() if index is not None and index < len(row) else ""

    groups: dict[str, Group] = {}
    problems: list[Problem] = []
    for i, row in enumerate(rows):
        number = i + 2
        key = get(row, "household") or f"\x00{number}"
        group = groups.setdefault(key, Group())
        bad = len(problems)
        born = _date(get(row, "birth_date"))
        if born is None:
            problems.append(Problem(number, "birth_date", "not a date (YYYY-MM-DD or DD.MM.YYYY)"))
        expires_text = get(row, "document_expires_on")
        expires = _date(expires_text) if expires_text else None
        if expires_text and expires is None:
            problems.append(Problem(number, "document_expires_on", "not a date"))
        sex = _SEXES.get(get(row, "sex").lower())
        if sex is None:
            problems.append(Problem(number, "sex", "F, M or X"))
        relationship = get(row, "relationship").lower() or ("head" if not group.rows else "other")
        if relationship not in RELATIONSHIPS:
            problems.append(Problem(number, "relationship", f"one of {', '.join(RELATIONSHIPS)}"))
        doc_type = get(row, "document_type").lower().replace(" ", "_") or "passport"
        if doc_type not in DOCUMENT_TYPES:
            problems.append(Problem(number, "document_type", f"one of {', '.join(DOCUMENT_TYPES)}"))
        if len(problems) > bad:
            continue
        group.rows.append(number)
        group.phone = group.phone or get(row, "phone") or None
        group.locality = group.locality or get(row, "locality") or None
        group.members.append(
            NewMember(
                given_name=get(row, "given_name"),
                family_name=get(row, "family_name"),
                given_name_native=get(row, "given_name_native") or None,
                family_name_native=get(row, "family_name_native") or None,
                birth_date=born,  # type: ignore[arg-type]
                sex=sex,  # type: ignore[arg-type]
                relationship=relationship,
                documents=(
                    NewDocument(
                        doc_type,
                        get(row, "document_number"),
                        get(row, "document_country") or "UKR",
                        expires,
                    ),
                ),
            )
        )
    return [g for g in groups.values() if g.members], problems


def _problems_of(group: Group, fields: dict[str, str]) -> list[Problem]:
    found = []
    for path, message in fields.items():
        parts = path.split(".")
        if parts[0] == "members" and len(parts) > 2 and parts[1].isdigit():
            row = group.rows[int(parts[1])]
            name = "document_" + parts[4] if parts[2] == "documents" else parts[2]
            found.append(Problem(row, name, message))
        else:
            found.append(Problem(group.rows[0], path, message))
    return found


# --- Checking against the register -----------------------------------------------------------


def check_groups(
    session: Session, groups: list[Group], today: date, progress: Callable[[int], None]
) -> list[Problem]:
    """Every problem of the file: the desk's checks per household, a document written twice
    in the file or held by someone registered, and people like someone registered."""
    problems: list[Problem] = []
    seen: dict[tuple[str, str, str], int] = {}
    done = 0
    for group in groups:
        problems += _problems_of(group, check_household(group.household(), today, typed=True))
        for row, member in zip(group.rows, group.members, strict=True):
            for document in member.documents:
                identity = document_identity(document)
                if identity in seen:
                    message = f"the same document as row {seen[identity]}"
                    problems.append(Problem(row, "document_number", message))
                seen.setdefault(identity, row)
        done += len(group.rows)
        progress(done // 2)
    rows_of = {identity: row for identity, row in seen.items()}
    identities = list(rows_of)
    for start in range(0, len(identities), CHUNK):
        chunk = identities[start : start + CHUNK]
        for type_, country, key, household_id in session.execute(
            select(Document.type, Document.country, Document.number_key, Member.household_id)
            .join(Member, Member.id == Document.member_id)
            .where(tuple_(Document.type, Document.country, Document.number_key).in_(chunk))
        ):
            problems.append(
                Problem(
                    rows_of[(type_, country, key)],
                    "document_number",
                    f"registered already, in household {household_id}",
                )
            )
    problems += _likely(session, groups)
    progress(done)
    return sorted(problems, key=lambda p: p.row)


def _likely(session: Session, groups: list[Group]) -> list[Problem]:
    dates = sorted({m.birth_date for g in groups for m in g.members})
    phones = sorted({p for g in groups if (p := normal_phone(g.phone))})
    by_date: dict[date, list[Any]] = defaultdict(list)
    by_phone: dict[str, list[Any]] = defaultdict(list)
    query = select(*PERSON_COLUMNS, Household.phone).join(
        Household, Household.id == Member.household_id
    )
    for start in range(0, len(dates), CHUNK):
        chunk = dates[start : start + CHUNK]
        for row in session.execute(query.where(Member.birth_date.in_(chunk))):
            by_date[row.birth_date].append(row)
    for start in range(0, len(phones), CHUNK):
        for row in session.execute(query.where(Household.phone.in_(phones[start : start + CHUNK]))):
            by_phone[row.phone].append(row)
    problems = []
    for group in groups:
        phone = normal_phone(group.phone)
        for number, member in zip(group.rows, group.members, strict=True):
            alike = [r for r in by_date.get(member.birth_date, []) if like(member, r)]
            alike += [r for r in by_phone.get(phone or "", []) if like(member, r)]
            if alike:
                person = alike[0]
                problems.append(
                    Problem(
                        number,
                        "given_name",
                        f"like {person.given_name} {person.family_name}, registered in household "
                        f"{person.household_id}: check, and leave the row out if it is them",
                    )
                )
    return problems


# --- Saving, all or nothing ------------------------------------------------------------------


def save_groups(
    session: Session,
    groups: list[Group],
    *,
    site_id: int,
    today: date,
    now: datetime,
    user_id: int | None,
    card_key: str,
) -> int:
    """Register every household of the file in the session's one transaction, each with its
    first card. Returns how many; the caller commits, or rolls all of it back."""
    households = []
    for group in groups:
        household = Household(
            site_id=site_id,
            registered_on=today,
            created_at=now,
            created_by_id=user_id,
            phone=normal_phone(group.phone),
            locality=(group.locality or "").strip() or None,
        )
        household.members = [new_member_row(m, now) for m in group.members]
        households.append(household)
    session.add_all(households)
    session.flush()
    index_names(session, [m for h in households for m in h.members])
    _issue_cards(session, [h.id for h in households], card_key=card_key, now=now, user_id=user_id)
    return len(households)


def _issue_cards(
    session: Session, household_ids: list[int], *, card_key: str, now: datetime, user_id: int | None
) -> None:
    """First cards for many new households at once (cards.services.issue_card, in bulk)."""
    for _ in range(5):  # a clash of random card numbers is rare: draw them all again
        rows = []
        for household_id in household_ids:
            nonce = tokens.new_nonce()
            rows.append(
                {
                    "household_id": household_id,
                    "number": tokens.new_card_number(),
                    "nonce": nonce,
                    "token_hash": tokens.token_hash(tokens.derive_token(card_key, nonce)),
                    "issued_at": now,
                    "issued_by_id": user_id,
                }
            )
        try:
            with session.begin_nested():
                for start in range(0, len(rows), CHUNK):
                    session.execute(insert(Card), rows[start : start + CHUNK])
            return
        except IntegrityError:
            continue
    raise RuntimeError("could not draw unused card numbers")


# --- The job -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    id: int
    status: str
    done: int
    total: int
    message: str | None
    households: int

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "status": self.status,
            "done": self.done,
            "total": self.total,
            "message": self.message,
            "households": self.households,
        }


def upload(
    session: Session, filename: str, data: bytes, *, user_id: int, now: datetime
) -> ImportJob:
    """Keep an uploaded register's rows for mapping; old jobs (and their rows) are deleted."""
    columns, rows = read_table(filename, data)
    session.execute(delete(ImportJob).where(ImportJob.created_at < now - KEEP_FOR))
    job = ImportJob(
        status="uploaded",
        filename=filename[-200:],
        columns=json.dumps(columns, ensure_ascii=False),
        rows=json.dumps(rows, ensure_ascii=False),
        mapping=json.dumps(guess_mapping(columns)),
        total=len(rows),
        requested_by_id=user_id,
        created_at=now,
        updated_at=now,
    )
    session.add(job)
    session.flush()
    return job


def get_job(session: Session, job_id: int, *, user_id: int) -> ImportJob:
    job = session.scalar(
        select(ImportJob)
        .where(ImportJob.id == job_id, ImportJob.requested_by_id == user_id)
        .execution_options(populate_existing=True)  # its thread writes it behind the session
    )
    if job is None:
        raise NotFound(_l("No import %(job_id)s.", job_id=job_id))
    return job


def set_mapping(
    session: Session, job: ImportJob, mapping: dict[str, int | None], *, now: datetime
) -> None:
    """Map the file's columns and queue the check. Every required field needs a column."""
    if job.status not in ("uploaded", "checked"):
        raise ValidationFailed({"mapping": "this import has started already"})
    width = len(json.loads(job.columns))
    problems = {name: "choose the column" for name in REQUIRED if mapping.get(name) is None} | {
        name: "no such column"
        for name, index in mapping.items()
        if index is not None and not 0 <= index < width
    }
    if problems:
        raise ValidationFailed(problems)
    job.mapping = json.dumps({name: mapping.get(name) for name in FIELDS})
    job.status, job.done, job.message, job.updated_at = "checking", 0, None, now
    session.flush()


def queue_import(session: Session, job: ImportJob, *, now: datetime) -> None:
    """Queue the saving of a checked file without problems."""
    if job.status != "checked" or job.problems != "[]":
        raise ValidationFailed({"import": "only a checked file without problems is imported"})
    job.status, job.message, job.updated_at = "importing", None, now
    session.flush()


def _note(session: Session, job_id: int, clock: Callable[[], datetime], **values: Any) -> None:
    session.execute(
        update(ImportJob)
        .where(ImportJob.id == job_id)
        .values(updated_at=clock(), **values)
        .execution_options(synchronize_session=False)
    )
    session.commit()


def _groups_of(session: Session, job_id: int) -> tuple[list[Group], list[Problem]]:
    job_rows, mapping = session.execute(
        select(ImportJob.rows, ImportJob.mapping).where(ImportJob.id == job_id)
    ).one()
    session.commit()
    mapping = {k: v for k, v in json.loads(mapping).items()}
    return build_groups(json.loads(job_rows or "[]"), mapping)


def check_job(session: Session, job_id: int, *, today: date, clock: Callable[[], datetime]) -> None:
    """Check every row of a mapped file, writing the progress and then the problems."""
    groups, problems = _groups_of(session, job_id)
    last = time.monotonic()

    def progress(done: int) -> None:
        nonlocal last
        if time.monotonic() - last >= PROGRESS_EVERY_S:
            _note(session, job_id, clock, done=done)
            last = time.monotonic()

    problems += check_groups(session, groups, today, progress)
    session.commit()
    listed = [[p.row, p.field, p.message] for p in sorted(problems, key=lambda p: p.row)]
    _note(
        session,
        job_id,
        clock,
        status="checked",
        done=ImportJob.total,
        problems=json.dumps(listed, ensure_ascii=False),
        households=len(groups),
    )


def import_job(
    session: Session,
    job_id: int,
    *,
    site_id: int,
    today: date,
    user_id: int,
    card_key: str,
    clock: Callable[[], datetime],
) -> None:
    """Save a checked file in one transaction; the rows are dropped once saved. The checks
    run again inside it, so what changed since the preview cannot slip through."""
    groups, problems = _groups_of(session, job_id)
    problems += check_groups(session, groups, today, lambda _: None)
    if problems:
        session.rollback()
        listed = [[p.row, p.field, p.message] for p in problems]
        _note(
            session,
            job_id,
            clock,
            status="checked",
            problems=json.dumps(listed, ensure_ascii=False),
            message="The register changed since the check: see the problems.",
        )
        return
    count = save_groups(
        session, groups, site_id=site_id, today=today, now=clock(), user_id=user_id,
        card_key=card_key,
    )  # fmt: skip
    session.execute(
        update(ImportJob)
        .where(ImportJob.id == job_id)
        .values(status="done", done=ImportJob.total, households=count, rows=None)
        .values(updated_at=clock())
        .execution_options(synchronize_session=False)
    )
    session.commit()


def start(
    app: Flask,
    work: Callable[[Session], None],
    job_id: int,
    name: str,
    clock: Callable[[], datetime],
) -> threading.Thread:
    """Run ``work`` on a thread of this process, recording a failure on the job."""

    def run() -> None:
        with app.app_context():
            try:
                work(db.session)
            except Exception:
                log.exception("import %s failed", job_id)
                try:
                    db.session.rollback()
                    _note(
                        db.session,
                        job_id,
                        clock,
                        status="failed",
                        message="The import failed: nothing was saved.",
                    )
                except Exception:
                    log.exception("import %s: could not record the failure", job_id)
            finally:
                db.session.remove()

    thread = threading.Thread(target=run, name=f"import-{name}-{job_id}", daemon=True)
    thread.start()
    return thread


def job_progress(session: Session, job_id: int, *, user_id: int, now: datetime) -> Progress:
    job = get_job(session, job_id, user_id=user_id)
    status, message = job.status, job.message
    if status in ("checking", "importing") and job.updated_at < now - STALE_AFTER:
        status, message = "failed", "The server stopped while working: start again."
    return Progress(job.id, status, job.done, job.total, message, job.households)


def job_problems(session: Session, job: ImportJob) -> list[Problem]:
    raw = session.scalar(select(ImportJob.problems).where(ImportJob.id == job.id))
    return [Problem(*p) for p in json.loads(raw or "[]")]


def preview_rows(session: Session, job: ImportJob, limit: int = 10) -> list[dict[str, str]]:
    """The first rows as the mapping reads them."""
    raw = session.scalar(select(ImportJob.rows).where(ImportJob.id == job.id))
    mapping = json.loads(job.mapping or "{}")
    rows = json.loads(raw or "[]")[:limit]
    return [
        {name: (row[i] if i is not None and i < len(row) else "") for name, i in mapping.items()}
        for row in rows
    ]
