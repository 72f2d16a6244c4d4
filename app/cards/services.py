"""Issuing cards and finding the household behind a scan."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import IntegrityError

from app.cards import tokens
from app.cards.models import Card
from app.cards.render import render_card_png
from app.cards.sheets import card_face
from app.db import DbSession, Reader, connection_of
from app.errors import DomainError
from app.households.models import Household


class NotACard(DomainError):
    code = "not_a_card"
    status = 422


class BadCardNumber(DomainError):
    code = "bad_card_number"
    status = 422


class UnknownCard(DomainError):
    code = "unknown_card"
    status = 404


class CardRevoked(DomainError):
    code = "card_revoked"
    status = 410


@dataclass(frozen=True)
class IssuedCard:
    card: Card
    qr: str

    @property
    def number(self) -> str:
        return self.card.number


def issue_card(
    session: DbSession,
    household: Household,
    *,
    card_key: str,
    now: datetime,
    user_id: int | None,
    reason: str | None = None,
) -> IssuedCard:
    """Issue a new card to the household; the card it held until now stops working."""
    session.execute(
        update(Card)
        .where(Card.household_id == household.id, Card.revoked_at.is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    for _ in range(5):  # a clash of random card numbers is rare; try a few before giving up
        nonce = tokens.new_nonce()
        token = tokens.derive_token(card_key, nonce)
        card = Card(
            household_id=household.id,
            number=tokens.new_card_number(),
            nonce=nonce,
            token_hash=tokens.token_hash(token),
            issued_at=now,
            issued_by_id=user_id,
            reason=reason,
        )
        try:
            with session.begin_nested():
                session.add(card)
        except IntegrityError:
            continue
        return IssuedCard(card, tokens.qr_text(token))
    raise RuntimeError("could not draw an unused card number")


def current_card(session: DbSession, household_id: int) -> Card | None:
    return session.scalar(
        select(Card).where(Card.household_id == household_id, Card.revoked_at.is_(None))
    )


def card_qr(card: Card, card_key: str) -> str:
    """The QR text of a card, derived again from its nonce (so it can always be reprinted)."""
    return tokens.qr_text(tokens.derive_token(card_key, card.nonce))


def current_card_png(
    session: DbSession, household_id: int, *, card_key: str, photo_dir: str | None = None
) -> bytes:
    """The household's card in force, drawn again: it can always be reprinted.

    NotFound for an unknown household or one without a card in force (see card_face)."""
    return render_card_png(card_face(session, household_id, card_key=card_key, photo_dir=photo_dir))


@dataclass(frozen=True)
class CardRef:
    id: int
    household_id: int
    revoked_at: datetime | None


# Built once: the desk runs these on every scan (see app/desk/services.py).
_cards = Card.__table__
_CARD_BY_TOKEN = select(_cards.c.id, _cards.c.household_id, _cards.c.revoked_at).where(
    _cards.c.token_hash == bindparam("token_hash")
)
_CARD_BY_NUMBER = select(_cards.c.id, _cards.c.household_id, _cards.c.revoked_at).where(
    _cards.c.number == bindparam("number")
)


def find_card(session: Reader, scanned: str, *, typed: bool = False) -> CardRef:
    """The card in force behind a scanned QR text or a card number (``typed``: only a number).

    Raises NotACard, BadCardNumber, UnknownCard or CardRevoked, each with its own answer.
    """
    scan = tokens.read_scan(scanned)
    if typed and scan.kind not in ("number", "bad_number"):
        raise BadCardNumber(_l("A card number is ten digits, as printed on the card."))
    if scan.kind == "not_a_card":
        raise NotACard(_l("This is not an AidDesk card."))
    if scan.kind == "bad_number":
        raise BadCardNumber(_l("This card number is mistyped: its check digit does not match."))
    conn = connection_of(session)
    if scan.kind == "qr":
        row = conn.execute(_CARD_BY_TOKEN, {"token_hash": tokens.token_hash(scan.value)}).first()
    else:
        row = conn.execute(_CARD_BY_NUMBER, {"number": scan.value}).first()
    card = CardRef(*row) if row else None
    if card is None:
        raise UnknownCard(_l("No household holds this card."))
    if card.revoked_at is not None:
        raise CardRevoked(
            _l("This card was replaced by a newer one."),
            revoked_at=card.revoked_at.isoformat(),
            household_id=card.household_id,
        )
    return card
