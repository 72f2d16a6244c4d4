from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from app.errors import ValidationFailed
from app.households.models import Document, Household, Member
from app.households.rules import NewDocument, NewHousehold, NewMember
from app.households.services import DuplicateDocument
from app.registry.registration import register_household

NOW = datetime(2026, 3, 1, 10, tzinfo=UTC)


def family(*numbers: str, head: bool = True) -> NewHousehold:
    return NewHousehold(
        tuple(
            NewMember(
                given_name="Ivan",
                family_name="Shevchenko",
                birth_date=date(1980, 5, 5) if i == 0 else date(2010 + i, 5, 5),
                sex="M",
                relationship="head" if head and i == 0 else "child",
                documents=(NewDocument("passport", n, "UKR"),),
            )
            for i, n in enumerate(numbers)
        )
    )


def register(session, new: NewHousehold):
    result = register_household(
        session, new, site_id=1, today=date(2026, 3, 1), now=NOW, user_id=None, card_key="k"
    )
    session.commit()
    return result


def test_registration_saves_members_documents_and_a_card(session) -> None:
    registered = register(session, family("FA 111", "FA-222"))
    assert [m.relationship for m in registered.household.members] == ["head", "child"]
    keys = session.scalars(select(Document.number_key).order_by(Document.id)).all()
    assert keys == ["FA111", "FA222"]
    assert registered.card.qr.startswith("AD1-")


def test_a_document_already_registered_points_to_its_household(session) -> None:
    first = register(session, family("FA111"))
    with pytest.raises(DuplicateDocument) as duplicate:
        register(session, family("NEW1", "fa 11-1"))
    assert duplicate.value.details["household_id"] == first.household.id
    session.rollback()
    assert session.scalar(select(func.count(Member.id))) == 1


def test_nothing_is_saved_when_one_member_is_invalid(session) -> None:
    with pytest.raises(ValidationFailed):
        register(session, family("FA1", "FA2", head=False))
    session.rollback()
    assert session.scalar(select(func.count(Household.id))) == 0
