"""The offline desk's API: the snapshot a desk keeps, and the journal it sends back.

The desk page reaches the same two answers through its own session routes
(app/desk/offline_views.py); both build them here.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated, Any

from flask import Blueprint, Response, current_app, jsonify, request
from flask_babel import lazy_gettext as _l
from pydantic import AwareDatetime, Field, StringConstraints

from app import context
from app.api import parse_body, query_model, writes
from app.api.docs import Answer, doc
from app.api.types import Body, Code, Id
from app.auth.access import DESK, allow
from app.desk.journal import Desk, JournalEntry, OfflineGrantInvalid, replay_journal
from app.desk.offline import Grant, read_grant, sign_grant, site_key, snapshot_page
from app.errors import ValidationFailed
from app.extensions import db
from app.stock.ledger import InsufficientStock

bp = Blueprint("desk_offline_api", __name__)

# An idempotency key as the desk makes them (crypto.randomUUID), or any short token.
Key = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{8,64}$")]
Cursor = Annotated[str, StringConstraints(min_length=1, max_length=40)]


class SnapshotQuery(Body):
    """``since``: the cursor of the last refresh (only what changed after it); ``after``: the
    page to read, the card id the previous page ended with."""

    since: Cursor | None = None
    after: int = Field(default=0, ge=0, le=2**31 - 1)


class DueOut(Answer):
    sku: str
    quantity: int


class OfflineCardOut(Answer):
    card: int
    hash: str
    people: int
    last_served_on: date | None
    due: list[DueOut]


class SnapshotOut(Answer):
    snapshot_at: datetime
    cursor: str
    today: date
    days: int
    key: str
    grant: str
    max_age_minutes: int
    journal_max: int
    cards: list[OfflineCardOut]
    gone: list[int]
    after: int | None


class HandedIn(Body):
    sku: Code
    quantity: int = Field(ge=0, le=1000)


class EntryIn(Body):
    key: Key
    card: Id
    served_at: AwareDatetime
    items: list[HandedIn] = Field(default_factory=list, max_length=50)


class JournalIn(Body):
    grant: Annotated[str, StringConstraints(min_length=1, max_length=500)]
    entries: list[EntryIn] = Field(min_length=1, max_length=10_000)


class ShortOut(Answer):
    sku: str
    quantity: int


class ReplayedOut(Answer):
    key: str
    outcome: str  # served or double
    distribution_id: int | None
    again: bool
    short: list[ShortOut]


class JournalOut(Answer):
    results: list[ReplayedOut]
    served: int
    double: int


def snapshot_answer(args: dict[str, Any]) -> dict[str, Any]:
    query = query_model(SnapshotQuery, args)
    since = None
    if query.since is not None:
        try:
            since = datetime.fromisoformat(query.since)
            since - timedelta(days=1)  # a year-1 cursor cannot be looked back from: a 422
        except (ValueError, OverflowError):
            since = None
        if since is None or since.tzinfo is None:
            raise ValidationFailed({"since": _l("the cursor of an earlier snapshot")})
    config = current_app.config
    now = context.now()
    key = site_key(context.card_key(), config["AID_SITE"])
    page = snapshot_page(db.session, key=key, today=context.today(), since=since, after=query.after)
    actor = context.actor_id()
    assert actor is not None
    grant = Grant(actor, context.site_id(), now)
    return {
        "snapshot_at": now.isoformat(),
        "cursor": now.isoformat(),
        "today": context.today().isoformat(),
        "days": context.eligibility_days(),
        "key": key.hex(),
        "grant": sign_grant(config["SECRET_KEY"], grant),
        "max_age_minutes": config["AID_OFFLINE_MAX_AGE_MINUTES"],
        "journal_max": config["AID_OFFLINE_JOURNAL_MAX"],
        "cards": [
            {
                "card": c.card_id,
                "hash": c.hash,
                "people": c.people,
                "last_served_on": c.last_served_on.isoformat() if c.last_served_on else None,
                "due": [{"sku": d.sku, "quantity": d.quantity} for d in c.due],
            }
            for c in page.cards
        ],
        "gone": page.gone,
        "after": page.after,
    }


def journal_answer() -> dict[str, Any]:
    body = parse_body(JournalIn)
    config = current_app.config
    if len(body.entries) > config["AID_OFFLINE_JOURNAL_MAX"]:
        raise ValidationFailed(
            {"entries": _l("at most %(n)s handovers at once", n=config["AID_OFFLINE_JOURNAL_MAX"])}
        )
    actor = context.actor_id()
    assert actor is not None
    desk = Desk(
        user_id=actor,
        site_id=context.site_id(),
        days=context.eligibility_days(),
        timezone=config["AID_TIMEZONE"],
        card_key=context.card_key(),
        max_age=timedelta(minutes=config["AID_OFFLINE_MAX_AGE_MINUTES"]),
    )
    entries = [
        JournalEntry(
            key=e.key,
            card_id=e.card,
            served_at=e.served_at,
            items={i.sku: i.quantity for i in e.items},
        )
        for e in body.entries
    ]
    done = replay_journal(
        db.session,
        desk=desk,
        grant=read_grant(config["SECRET_KEY"], body.grant),
        entries=entries,
        now=context.now(),
    )
    return {
        "results": [
            {
                "key": r.key,
                "outcome": r.outcome,
                "distribution_id": r.distribution_id,
                "again": r.again,
                "short": [{"sku": s, "quantity": n} for s, n in sorted(r.short.items())],
            }
            for r in done
        ],
        "served": sum(r.outcome == "served" and not r.again for r in done),
        "double": sum(r.outcome == "double" and not r.again for r in done),
    }


@bp.get("/desk/snapshot")
@doc(query=SnapshotQuery, responses={200: SnapshotOut}, errors=(ValidationFailed,))
@allow(*DESK)
def snapshot() -> Response:
    """What a desk keeps to decide without the server (no names, no documents, no health
    flags), one page of cards at a time; with ``since``, only what changed."""
    return jsonify(snapshot_answer(request.args.to_dict()))


@bp.post("/desk/journal")
@doc(
    body=JournalIn,
    responses={200: JournalOut},
    errors=(ValidationFailed, OfflineGrantInvalid, InsufficientStock),
)
@allow(*DESK)
@writes
def journal() -> Response:
    """The handovers a desk made offline, each recorded at its time; a collision is a double
    service. Sending the same journal again records nothing twice."""
    return jsonify(journal_answer())
