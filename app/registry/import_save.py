"""Saving an import, all or nothing (households.imports.job runs it, given save_groups with its
arguments bound as its ``save``): every household of the file registered in one transaction,
each with its first card, issued in bulk."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from app.cards import tokens
from app.cards.models import Card
from app.db import DbSession
from app.households.imports.checks import CHUNK, Group
from app.households.models import Household
from app.households.services import index_names, new_member_row, normal_phone


def save_groups(
    session: DbSession,
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
    session: DbSession,
    household_ids: list[int],
    *,
    card_key: str,
    now: datetime,
    user_id: int | None,
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
