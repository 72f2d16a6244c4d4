"""Each role sees what its work needs: volunteers no health flag and no full document number."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.audit.models import AuditEvent
from app.extensions import db
from tests.conftest import member


def _flagged_family(register: Any) -> dict[str, Any]:
    return register(
        member(doc="FA100200"),
        member(
            given="Taras",
            born="2015-06-01",
            relationship="child",
            doc="FB998877",
            chronic_disease=True,
        ),
    )


def test_a_volunteer_reads_the_last_four_characters_and_no_health_flag(
    api: Any, register: Any
) -> None:
    created = _flagged_family(register)
    body = api("volunteer").get(f"/api/v1/households/{created['id']}").get_json()
    numbers = [d["number"] for m in body["members"] for d in m["documents"]]
    assert numbers == ["••••0200", "••••8877"]
    assert all(m["disability"] is None and m["chronic_disease"] is None for m in body["members"])
    assert {"sku": "MEDICAL-VOUCHER", "quantity": 1} in body["entitlements"]


def test_a_coordinator_reads_everything_and_the_view_is_audited(
    app: Any, api: Any, register: Any
) -> None:
    created = _flagged_family(register)
    body = api("coordinator").get(f"/api/v1/households/{created['id']}").get_json()
    assert [d["number"] for m in body["members"] for d in m["documents"]] == [
        "FA100200",
        "FB998877",
    ]
    assert body["members"][1]["chronic_disease"] is True
    with app.app_context():
        views = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "view")).all()
        assert [(v.entity, v.entity_id) for v in views] == [("households", str(created["id"]))]
        assert views[0].user_id is not None and views[0].address == "127.0.0.1"
        assert "FA100200" not in (views[0].fields or "")


def test_the_household_page_masks_numbers_and_flags_for_a_volunteer(
    login: Any, register: Any
) -> None:
    created = _flagged_family(register)
    page = login("volunteer").get(f"/households/{created['id']}").text
    assert "FA100200" not in page and "••••0200" in page
    assert "Chronic disease" not in page
    assert "Medical voucher" in page


def test_the_household_page_shows_a_coordinator_everything(login: Any, register: Any) -> None:
    created = _flagged_family(register)
    page = login("coordinator").get(f"/households/{created['id']}").text
    assert "FA100200" in page and "Chronic disease" in page


def test_a_stock_manager_reaches_no_personal_data(api: Any, login: Any, register: Any) -> None:
    created = _flagged_family(register)
    store = api("stock_manager")
    assert store.get(f"/api/v1/households/{created['id']}").status_code == 403
    assert store.get("/api/v1/people?q=Koval").status_code == 403
    page = login("stock_manager").get("/stock").text
    assert "Koval" not in page and "Search people" not in page
