"""One read model of a household, for its page and for every API answer that carries one.

The caller's role is a required input, and need to know is applied here, not by each caller:
a volunteer's model holds the document numbers' last 4 characters, no health flag, and no
answer about the consent to health flags (a "yes" there would tell that a flag is likely set).
A coordinator's model holds everything, and building it notes a "view" event with the
sensitive fields in the audit trail, written when the session's transaction commits
(app.audit.seen.audited_read for a GET). Stock managers get no household at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.ages import age_on
from app.audit.trail import record
from app.cards.models import Card
from app.cards.services import current_card
from app.db import DbSession
from app.desk.models import Distribution
from app.entitlements.rules import Entitlement
from app.errors import DomainError
from app.households.changes import Change, history
from app.households.models import CONSENT_KINDS, Household, Member
from app.households.rules import SENIOR_AGE
from app.households.services import get_household
from app.households.visibility import (
    HEALTH_CONSENT_KIND,
    SENSITIVE_FIELDS,
    entitled_per_visit,
    masked_number,
    may_see_households,
    sees_everything,
)
from app.households.vulnerability import standing_consents
from app.stock.vouchers import IssuedSerial, household_serials

VISITS_SHOWN = 50


class NoHouseholdForRole(DomainError):
    code = "forbidden"
    status = 403


@dataclass(frozen=True)
class DocumentView:
    type: str
    number: str  # in full, or masked to its last 4 characters
    country: str
    expires_on: date | None


@dataclass(frozen=True)
class MemberView:
    id: int
    given_name: str
    family_name: str
    given_name_native: str | None
    family_name_native: str | None
    birth_date: date
    sex: str
    relationship: str
    departed_on: date | None
    has_photo: bool
    aged_65_or_over: bool
    # None: not for this caller to know.
    disability: bool | None
    chronic_disease: bool | None
    pregnant_or_breastfeeding: bool | None
    single_parent: bool | None
    consents: dict[str, bool | None]
    documents: tuple[DocumentView, ...]

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def native_name(self) -> str | None:
        parts = [p for p in (self.given_name_native, self.family_name_native) if p]
        return " ".join(parts) or None

    @property
    def present(self) -> bool:
        return self.departed_on is None


@dataclass(frozen=True)
class HouseholdView:
    id: int
    registered_on: date
    phone: str | None
    locality: str | None
    last_served_on: date | None
    members: tuple[MemberView, ...]
    card: Card | None  # the card in force
    entitled: list[Entitlement]  # what a visit gives: the outcome of the flags, not the flags
    everything: bool  # the caller sees document numbers and health flags in full
    seen: tuple[str, ...]  # the sensitive fields this model shows, as the audit trail names them

    @property
    def head(self) -> MemberView:
        return next(m for m in self.members if m.relationship == "head")


@dataclass(frozen=True)
class HouseholdPage:
    """The household page: the model, and the household's cards, visits, serials, changes."""

    household: HouseholdView
    cards: list[Card]
    visits: list[Distribution]
    serials: list[IssuedSerial]
    history: list[Change]


def _member(member: Member, consents: set[str], everything: bool, today: date) -> MemberView:
    def flag(value: bool) -> bool | None:
        return value if everything else None

    return MemberView(
        id=member.id,
        given_name=member.given_name,
        family_name=member.family_name,
        given_name_native=member.given_name_native,
        family_name_native=member.family_name_native,
        birth_date=member.birth_date,
        sex=member.sex,
        relationship=member.relationship,
        departed_on=member.departed_on,
        has_photo=member.photo is not None,
        aged_65_or_over=age_on(member.birth_date, today) >= SENIOR_AGE,
        disability=flag(member.disability),
        chronic_disease=flag(member.chronic_disease),
        pregnant_or_breastfeeding=flag(member.pregnant_or_breastfeeding),
        single_parent=flag(member.single_parent),
        consents={
            kind: None if kind == HEALTH_CONSENT_KIND and not everything else kind in consents
            for kind in CONSENT_KINDS
        },
        documents=tuple(
            DocumentView(
                d.type,
                d.number if everything else masked_number(d.number),
                d.country,
                d.expires_on,
            )
            for d in member.documents
        ),
    )


def read_household(
    session: DbSession, household_id: int, *, role: str | None, today: date
) -> HouseholdView:
    """The household as ``role`` may see it; a coordinator's view is noted in the audit trail."""
    if not may_see_households(role):
        raise NoHouseholdForRole(_l("Your role may not see households."))
    household: Household = get_household(session, household_id)
    everything = sees_everything(role)
    consents = standing_consents(session, [m.id for m in household.members])
    view = HouseholdView(
        id=household.id,
        registered_on=household.registered_on,
        phone=household.phone,
        locality=household.locality,
        last_served_on=household.last_served_on,
        members=tuple(_member(m, consents[m.id], everything, today) for m in household.members),
        card=current_card(session, household.id),
        entitled=entitled_per_visit(session, household, today),
        everything=everything,
        seen=SENSITIVE_FIELDS if everything else (),
    )
    if view.seen:
        record(session.connection(), "view", "households", household.id, view.seen)
    return view


def read_household_page(
    session: DbSession, household_id: int, *, role: str | None, today: date
) -> HouseholdPage:
    view = read_household(session, household_id, role=role, today=today)
    return HouseholdPage(
        household=view,
        cards=list(
            session.scalars(
                select(Card).where(Card.household_id == view.id).order_by(Card.issued_at.desc())
            )
        ),
        visits=list(
            session.scalars(
                select(Distribution)
                .where(Distribution.household_id == view.id)
                .order_by(Distribution.served_on.desc())
                .limit(VISITS_SHOWN)
            )
        ),
        serials=household_serials(session, view.id),
        history=history(session, view.id),
    )


def household_json(view: HouseholdView, qr: str | None) -> dict[str, Any]:
    """The API's shape of the model; ``qr`` is the card's QR text (app.cards.services.card_qr)."""
    return {
        "id": view.id,
        "registered_on": view.registered_on.isoformat(),
        "phone": view.phone,
        "locality": view.locality,
        "last_served_on": view.last_served_on.isoformat() if view.last_served_on else None,
        "card": {"number": view.card.number, "qr": qr} if view.card else None,
        "members": [
            {
                "id": m.id,
                "given_name": m.given_name,
                "family_name": m.family_name,
                "given_name_native": m.given_name_native,
                "family_name_native": m.family_name_native,
                "birth_date": m.birth_date.isoformat(),
                "sex": m.sex,
                "relationship": m.relationship,
                "disability": m.disability,
                "chronic_disease": m.chronic_disease,
                "pregnant_or_breastfeeding": m.pregnant_or_breastfeeding,
                "single_parent": m.single_parent,
                "aged_65_or_over": m.aged_65_or_over,
                "consents": m.consents,
                "has_photo": m.has_photo,
                "departed_on": m.departed_on.isoformat() if m.departed_on else None,
                "documents": [
                    {
                        "type": d.type,
                        "number": d.number,
                        "country": d.country,
                        "expires_on": d.expires_on.isoformat() if d.expires_on else None,
                    }
                    for d in m.documents
                ],
            }
            for m in view.members
        ],
        "entitlements": [{"sku": e.sku, "quantity": e.quantity} for e in view.entitled],
    }
