"""The household read model: the caller's role decides what it holds, a coordinator's read is
noted in the audit trail, and the page and the API read it alike."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.households import vulnerability
from app.households.models import Member
from app.registry.read_model import NoHouseholdForRole, read_household
from tests.conftest import member

TODAY = date(2026, 3, 11)


def _flagged(register: Any) -> dict[str, Any]:
    return register(
        member(doc="FR100200"),
        member(relationship="child", doc="FR300400", disability=True),
    )


def _views(session: Any) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == "view")))


def test_a_volunteer_s_model_masks_numbers_flags_and_the_health_consent_and_is_not_audited(
    session: Any, register: Any
) -> None:
    created = _flagged(register)
    view = read_household(session, created["id"], role="volunteer", today=TODAY)
    session.commit()
    child = view.members[1]
    assert [d.number for d in child.documents] == ["••••0400"]
    assert (child.disability, child.chronic_disease, child.single_parent) == (None, None, None)
    assert child.consents == {"health_flags": None, "photo": False}
    assert not view.everything and view.seen == ()
    assert [e.sku for e in view.entitled].count("MEDICAL-VOUCHER") == 1
    assert _views(session) == []


def test_a_coordinator_s_model_holds_everything_and_is_noted_in_the_audit_trail(
    session: Any, register: Any
) -> None:
    created = _flagged(register)
    view = read_household(session, created["id"], role="coordinator", today=TODAY)
    session.commit()
    child = view.members[1]
    assert [d.number for d in child.documents] == ["FR300400"]
    assert child.disability is True and child.consents["health_flags"] is True
    (event,) = _views(session)
    assert (event.entity, event.entity_id) == ("households", str(created["id"]))
    assert set((event.fields or "").split(",")) >= {
        "documents.number",
        "members.disability",
        "consents.health_flags",
    }


@pytest.mark.parametrize("role", ["stock_manager", None, "anonymous"])
def test_a_role_without_need_to_know_gets_no_household(
    session: Any, register: Any, role: str | None
) -> None:
    created = _flagged(register)
    with pytest.raises(NoHouseholdForRole):
        read_household(session, created["id"], role=role, today=TODAY)


def test_the_role_must_be_given(session: Any, register: Any) -> None:
    created = _flagged(register)
    with pytest.raises(TypeError):
        read_household(session, created["id"], today=TODAY)  # type: ignore[call-arg]


def test_withdrawing_photo_consent_deletes_the_photo_in_the_service(
    session: Any, register: Any, tmp_path: Path
) -> None:
    created = register()
    head_id = created["members"][0]["id"]
    now = datetime(2026, 3, 11, 10, tzinfo=UTC)
    vulnerability.give_consent(session, head_id, "photo", user_id=None, now=now)
    photo = tmp_path / "0123abcd.jpg"
    photo.write_bytes(b"jpeg")
    session.get(Member, head_id).photo = photo.name
    session.flush()
    vulnerability.withdraw_consent(
        session, head_id, "photo", user_id=None, now=now, photo_dir=str(tmp_path)
    )
    session.commit()
    assert not photo.exists() and session.get(Member, head_id).photo is None


def test_the_api_and_the_page_show_a_volunteer_the_same_masked_numbers(
    api: Any, login: Any, register: Any
) -> None:
    created = _flagged(register)
    body = api("volunteer").get(f"/api/v1/households/{created['id']}").get_json()
    page = login("volunteer").get(f"/households/{created['id']}").text
    numbers = [d["number"] for m in body["members"] for d in m["documents"]]
    assert numbers == ["••••0200", "••••0400"]
    assert all(n in page for n in numbers)
    assert [m["consents"]["health_flags"] for m in body["members"]] == [None, None]
