"""What became of an ELIGIBLE answer that did not end in a handover.

The desk never lets an ELIGIBLE answer go without a word: before it answers the next card it
asks whether the family was served, and a "no" is recorded here with its reason, so the day's
report says how many families were told yes and left without their parcel.
"""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l

from app.db import DbSession, dialect_insert
from app.desk.models import DECLINE_REASONS, DeclinedHandover
from app.desk.services import visitor
from app.errors import ValidationFailed


def decline_handover(
    session: DbSession,
    *,
    household_id: int,
    reason: str,
    site_id: int,
    today: date,
    now: datetime,
    user_id: int | None,
) -> bool:
    """Record that the household was not served after all, and why.

    A household already served today (at another desk, or a moment ago) was not turned away:
    nothing is recorded and False comes back. The same reason said again the same day (a
    double click) counts once.
    """
    if reason not in DECLINE_REASONS:
        raise ValidationFailed(
            {"reason": _l("one of %(choices)s", choices=", ".join(DECLINE_REASONS))}
        )
    if visitor(session, household_id).last_served_on == today:
        return False
    insert_ignoring = dialect_insert(session.get_bind().dialect.name)
    session.execute(
        insert_ignoring(DeclinedHandover)
        .values(
            household_id=household_id,
            site_id=site_id,
            declined_on=today,
            at=now,
            user_id=user_id,
            reason=reason,
        )
        .on_conflict_do_nothing(index_elements=["household_id", "declined_on", "reason"])
    )
    return True
