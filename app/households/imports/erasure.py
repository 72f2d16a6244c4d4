"""An erased person's rows, taken out of the import jobs not yet imported (households.imports):
an uploaded register holds names, birth dates and document numbers until it is imported."""

from __future__ import annotations

import json
from datetime import datetime

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from app.db import DbSession
from app.households.models import ImportJob
from app.households.rules import document_key

ERASED_ROWS = _l("Rows of people since erased were taken out: check the file again.")


def forget_rows(session: DbSession, document_numbers: set[str], *, now: datetime) -> int:
    """Take out of every job not yet imported the rows that hold one of these document
    numbers (a person being erased), however the file spells them; returns how many rows.
    A job that lost rows goes back to its mapping, to be checked again: its problems and
    preview were of the rows it had."""
    keys = {document_key(number) for number in document_numbers if number}
    if not keys:
        return 0
    with force_locale("en"):  # kept in English, read in the reader's language (job_progress)
        message = str(ERASED_ROWS)
    taken = 0
    open_jobs = session.execute(
        select(ImportJob.id, ImportJob.rows).where(ImportJob.rows.is_not(None))
    ).all()
    for job_id, raw in open_jobs:  # the jobs of a day at most (KEEP_FOR)
        rows = json.loads(raw or "[]")
        kept = [row for row in rows if not any(document_key(str(c)) in keys for c in row)]
        if len(kept) == len(rows):
            continue
        taken += len(rows) - len(kept)
        session.execute(
            update(ImportJob)
            .where(ImportJob.id == job_id, ImportJob.rows.is_not(None))  # not imported since
            .values(
                rows=json.dumps(kept, ensure_ascii=False),
                total=len(kept),
                done=0,
                problems=None,
                households=0,
                status="uploaded",
                message=message,
                updated_at=now,
            )
            .execution_options(synchronize_session=False)
        )
    return taken
