"""The answers of the households API, as the OpenAPI document describes them
(app/households/api.py builds them; the document and tests/server check they agree)."""

from __future__ import annotations

from datetime import date, datetime

from app.api.docs import Answer


class CardOut(Answer):
    number: str
    qr: str


class DocumentOut(Answer):
    type: str
    # All of it for a coordinator; its last 4 characters for a volunteer (need to know).
    number: str
    country: str
    expires_on: date | None


class MemberOut(Answer):
    id: int
    given_name: str
    family_name: str
    given_name_native: str | None
    family_name_native: str | None
    birth_date: date
    sex: str
    relationship: str
    # null in a volunteer's read: health flags are for those who need to know.
    disability: bool | None
    chronic_disease: bool | None
    pregnant_or_breastfeeding: bool | None
    single_parent: bool | None
    aged_65_or_over: bool
    consents: dict[str, bool | None]  # health_flags is null in a volunteer's read
    has_photo: bool
    departed_on: date | None
    documents: list[DocumentOut]


class EntitlementOut(Answer):
    sku: str
    quantity: int


class HouseholdOut(Answer):
    id: int
    registered_on: date
    phone: str | None
    locality: str | None
    last_served_on: date | None
    card: CardOut | None
    members: list[MemberOut]
    entitlements: list[EntitlementOut]


class PersonFound(Answer):
    person_id: int
    household_id: int
    given_name: str
    family_name: str
    birth_date: date
    relationship: str
    matched: str


class ChangeOut(Answer):
    kind: str
    changed_at: datetime
    changed_by: str | None  # the username
    member_id: int | None
    other_household_id: int | None


class ConsentOut(Answer):
    kind: str
    given_at: datetime
