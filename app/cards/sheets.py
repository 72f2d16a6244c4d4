"""Which cards to print, and what each of them shows."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import Row, and_, exists, select
from sqlalchemy.orm import aliased

from app.cards import tokens
from app.cards.layout import CardFace
from app.cards.models import Card
from app.db import DbSession
from app.errors import NotFound, ValidationFailed
from app.households.models import Household, Member

MAX_SHEET_CARDS = 2000

_cards = Card.__table__
_members = Member.__table__
_FACES = (
    select(
        _cards.c.household_id,
        _cards.c.number,
        _cards.c.nonce,
        _members.c.given_name,
        _members.c.family_name,
        _members.c.given_name_native,
        _members.c.family_name_native,
        _members.c.photo,
    )
    .join(
        _members,
        and_(_members.c.household_id == _cards.c.household_id, _members.c.relationship == "head"),
    )
    .where(_cards.c.revoked_at.is_(None))
)


def card_face(
    session: DbSession, household_id: int, *, card_key: str, photo_dir: str | None = None
) -> CardFace:
    """What the household's card in force shows; the head's photo too when ``photo_dir`` (the
    center takes photos) holds one."""
    row = session.execute(_FACES.where(_cards.c.household_id == household_id)).first()
    if row is None:
        if session.get(Household, household_id) is None:
            raise NotFound(_l("No household %(household_id)s.", household_id=household_id))
        raise NotFound(_l("This household has no card in force."))
    return _face(row, card_key, photo_dir)


def sheet_faces(
    session: DbSession,
    household_ids: Sequence[int],
    *,
    card_key: str,
    field: str = "household_ids",
    photo_dir: str | None = None,
) -> list[CardFace]:
    """The cards in force of these households, in the order asked, each household once.

    Every household must exist and hold a card in force: otherwise ValidationFailed names
    each one that does not, as ``field.INDEX``, and nothing is printed.
    """
    rows = _cards_in_force(session, household_ids, field)
    return [_face(row, card_key, photo_dir) for row in rows.values()]


def check_printable(
    session: DbSession, household_ids: Sequence[int], *, field: str = "household_ids"
) -> None:
    """Raise ValidationFailed, as sheet_faces does, unless every household can be printed."""
    _cards_in_force(session, household_ids, field)


def _cards_in_force(
    session: DbSession, household_ids: Sequence[int], field: str
) -> dict[int, Row[*tuple[Any, ...]]]:
    wanted = list(dict.fromkeys(household_ids))
    found = {
        row.household_id: row
        for row in session.execute(_FACES.where(_cards.c.household_id.in_(wanted)))
    }
    missing = {i for i in wanted if i not in found}
    if missing:
        known = set(session.scalars(select(Household.id).where(Household.id.in_(missing))))
        raise ValidationFailed(
            {
                f"{field}.{index}": _l("household %(id)s has no card in force", id=i)
                if i in known
                else _l("no household %(id)s", id=i)
                for index, i in enumerate(household_ids)
                if i in missing
            },
            _l("Some households cannot be printed."),
        )
    return {i: found[i] for i in wanted}


def _photo(photo_dir: str | None, name: str | None) -> bytes | None:
    if not photo_dir or not name:
        return None
    path = Path(photo_dir) / name
    return path.read_bytes() if path.is_file() else None


def _face(row: Row[*tuple[Any, ...]], card_key: str, photo_dir: str | None = None) -> CardFace:
    return CardFace(
        name=f"{row.given_name} {row.family_name}",
        number=row.number,
        qr=tokens.qr_text(tokens.derive_token(card_key, row.nonce)),
        native_name=" ".join(
            part for part in (row.given_name_native, row.family_name_native) if part
        )
        or None,
        photo=_photo(photo_dir, row.photo),
    )


def registered_on(session: DbSession, day: date, *, site_id: int) -> list[int]:
    """Households this site registered on the day that hold a card in force."""
    return list(
        session.scalars(
            select(Household.id)
            .join(Card, and_(Card.household_id == Household.id, Card.revoked_at.is_(None)))
            .where(Household.site_id == site_id, Household.registered_on == day)
            .order_by(Household.id)
        )
    )


def reissued_on(session: DbSession, day: date, *, site_id: int, timezone: str) -> list[int]:
    """Households of this site whose card in force was issued on the day (at the site) to
    replace an earlier card."""
    zone = ZoneInfo(timezone)
    start, end = (
        datetime.combine(d, time(0), tzinfo=zone).astimezone(UTC) for d in (day, day + timedelta(1))
    )
    earlier = aliased(Card)
    return list(
        session.scalars(
            select(Card.household_id)
            .join(Household, Household.id == Card.household_id)
            .where(
                Household.site_id == site_id,
                Card.revoked_at.is_(None),
                Card.issued_at >= start,
                Card.issued_at < end,
                exists().where(earlier.household_id == Card.household_id, earlier.id != Card.id),
            )
            .order_by(Card.issued_at, Card.household_id)
        )
    )
