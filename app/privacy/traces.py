"""What else holds the people being erased (privacy.services), and what an erasure leaves
behind on purpose.

Forgotten: the stored API answers that name them, however old (idempotency.services); their
rows in import jobs not yet imported (households.imports.erasure); card sheets made since the
household came. On SQLite, once the erasure commits, the write-ahead log is emptied (a
TRUNCATE checkpoint, app.checkpoints): the rows were zeroed in the pages (secure_delete,
app.db), but the log would keep the pages as they were until SQLite wrote over them.

Kept: a row in the register of erasures (privacy.models), ids and the moment only, which a
restore replays (privacy.register).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from app import checkpoints
from app.cards.models import CardSheetJob
from app.db import DbSession, dialect_insert
from app.households.imports.erasure import forget_rows
from app.households.models import Document
from app.idempotency.services import forget_names
from app.privacy.models import ErasureEntry


def forget_copies(
    session: DbSession,
    since: datetime,
    *,
    household_ids: list[int],
    member_ids: list[int],
    now: datetime,
) -> None:
    """Forget what else holds the people: the stored API answers that name them, their rows in
    import jobs not yet imported, and card sheets made since the household came."""
    forget_names(session, household_ids=household_ids, member_ids=member_ids)
    numbers = session.execute(
        select(Document.number, Document.number_key).where(Document.member_id.in_(member_ids))
    ).all()
    forget_rows(session, {n for row in numbers for n in row}, now=now)
    session.execute(
        update(CardSheetJob)
        .where(CardSheetJob.created_at >= since, CardSheetJob.pdf.is_not(None))
        .values(pdf=None, status="failed", message="erased")
        .execution_options(synchronize_session=False)
    )


def note_erasure(session: DbSession, entity: str, entity_id: int, now: datetime) -> None:
    """Note the erasure in the register, and have the log emptied once it commits."""
    insert = dialect_insert(session.get_bind().dialect.name)
    session.execute(
        insert(ErasureEntry)
        .values(entity=entity, entity_id=entity_id, erased_at=now)
        .on_conflict_do_nothing(index_elements=["entity", "entity_id"])
    )
    bind = session.get_bind()
    if bind.dialect.name == "sqlite":
        path = checkpoints.database_file(bind.engine)
        if path is not None:
            session.info[EMPTY_THE_LOG] = path


EMPTY_THE_LOG = "aid_empty_the_log_after_commit"


@event.listens_for(Session, "after_commit")
def _empty_the_log(session: DbSession) -> None:
    path = session.info.pop(EMPTY_THE_LOG, None)
    if path is not None:
        checkpoints.truncate_soon(path)


@event.listens_for(Session, "after_rollback")
def _nothing_to_empty(session: DbSession) -> None:
    session.info.pop(EMPTY_THE_LOG, None)
