"""Households change: a member added, departed, moved; a new head; the history kept."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import quote

from sqlalchemy import select

from app.extensions import db
from app.households.models import HouseholdChange
from tests.conftest import member


def household_path(household: dict[str, Any]) -> str:
    return f"/api/v1/households/{household['id']}"


def newborn(**fields: Any) -> dict[str, Any]:
    return member(
        "Taras",
        born="2026-01-05",
        relationship="child",
        sex="M",
        doc="I-БК 765432",
        doc_type="birth_certificate",
        **fields,
    )


def entitled(desk: Any, household: dict[str, Any]) -> dict[str, int]:
    answer = desk.get(f"/api/v1/eligibility?qr={quote(household['card']['qr'])}").get_json()
    return {line["sku"]: line["quantity"] for line in answer["entitlements"] if line["quantity"]}


def kinds(desk: Any, household: dict[str, Any]) -> list[str]:
    return [c["kind"] for c in desk.get(household_path(household) + "/history").get_json()]


def test_a_newborn_with_a_birth_certificate_is_added_and_counted(  # type: ignore[no-untyped-def]
    api, register, set_today
) -> None:
    set_today(date(2026, 2, 1))
    household = register(member(born="1990-01-01"))
    desk = api("volunteer")
    assert "BABY" not in entitled(desk, household)
    answer = desk.post(household_path(household) + "/members", json=newborn())
    assert answer.status_code == 201, answer.text
    members = answer.get_json()["members"]
    assert [m["given_name"] for m in members][-1] == "Taras"
    assert members[-1]["documents"][0]["type"] == "birth_certificate"
    assert entitled(desk, household)["BABY"] == 1
    history = desk.get(household_path(household) + "/history").get_json()
    assert [(c["kind"], c["member_id"]) for c in history] == [("member_added", members[-1]["id"])]
    assert history[0]["changed_by"].startswith("volunteer")


def test_a_second_head_is_refused_when_adding(api, register) -> None:  # type: ignore[no-untyped-def]
    household = register()
    answer = api("volunteer").post(
        household_path(household) + "/members", json=member(relationship="head")
    )
    assert answer.status_code == 422
    assert "relationship" in answer.get_json()["fields"]


def test_a_child_older_than_the_head_is_refused_at_the_field(api, register) -> None:  # type: ignore[no-untyped-def]
    household = register(member(born="1990-01-01"))
    answer = api("volunteer").post(
        household_path(household) + "/members", json=member(born="1985-01-01", relationship="child")
    )
    assert answer.status_code == 422
    assert "birth_date" in answer.get_json()["fields"]
    assert kinds(api("volunteer"), household) == []


def test_adding_a_document_registered_elsewhere_points_to_that_household(api, register) -> None:  # type: ignore[no-untyped-def]
    other = register(member(doc="FX123123"))
    household = register()
    answer = api("volunteer").post(
        household_path(household) + "/members", json=member(relationship="spouse", doc="FX 123123")
    )
    assert answer.status_code == 409
    assert answer.get_json()["household_id"] == other["id"]


def test_adding_someone_like_a_person_of_another_household_asks_first(api, register) -> None:  # type: ignore[no-untyped-def]
    register(member("Nadiia", "Savchuk", born="1970-07-07"))
    household = register()
    desk = api("volunteer")
    like = member("Надія", "Савчук", born="1970-07-07", relationship="parent")
    answer = desk.post(household_path(household) + "/members", json=like)
    assert answer.status_code == 409 and answer.get_json()["error"] == "possible_duplicate"
    confirmed = desk.post(household_path(household) + "/members", json=like | {"confirm_new": True})
    assert confirmed.status_code == 201


def test_a_son_named_after_his_father_is_not_a_duplicate(api, register) -> None:  # type: ignore[no-untyped-def]
    household = register(member("Petro", "Moroz", born="1980-01-01"), phone="+40 700 000 001")
    son = member("Petro", "Moroz", born="2026-01-01", relationship="child", sex="M")
    answer = api("volunteer").post(household_path(household) + "/members", json=son)
    assert answer.status_code == 201, answer.text


def test_a_departed_member_is_no_longer_counted_and_the_head_cannot_depart(  # type: ignore[no-untyped-def]
    api, register, set_today
) -> None:
    set_today(date(2026, 2, 1))
    household = register(member(born="1990-01-01"), member(born="2025-06-01", relationship="child"))
    desk = api("volunteer")
    head_id, child_id = (m["id"] for m in household["members"])
    assert entitled(desk, household)["BABY"] == 1
    gone = desk.post(household_path(household) + f"/members/{child_id}/departure")
    assert gone.status_code == 200, gone.text
    assert gone.get_json()["members"][1]["departed_on"] == "2026-02-01"
    assert "BABY" not in entitled(desk, household)
    again = desk.post(household_path(household) + f"/members/{child_id}/departure")
    assert again.status_code == 409
    head = desk.post(household_path(household) + f"/members/{head_id}/departure")
    assert head.status_code == 409 and head.get_json()["error"] == "change_refused"
    assert kinds(desk, household) == ["departed"]


def test_the_head_changes_and_the_former_head_takes_a_relationship(api, register) -> None:  # type: ignore[no-untyped-def]
    household = register(member(), member(relationship="spouse"))
    head_id, spouse_id = (m["id"] for m in household["members"])
    desk = api("volunteer")
    answer = desk.post(
        household_path(household) + "/head",
        json={"member_id": spouse_id, "former_head_becomes": "spouse"},
    )
    assert answer.status_code == 200, answer.text
    roles = {m["id"]: m["relationship"] for m in answer.get_json()["members"]}
    assert roles == {head_id: "spouse", spouse_id: "head"}
    assert kinds(desk, household) == ["head_changed"]
    same = desk.post(household_path(household) + "/head", json={"member_id": spouse_id})
    assert same.status_code == 409


def test_the_head_of_another_household_cannot_be_named_head_here(api, register) -> None:  # type: ignore[no-untyped-def]
    household, other = register(member(), member(relationship="spouse")), register()
    answer = api("volunteer").post(
        household_path(household) + "/head", json={"member_id": other["members"][0]["id"]}
    )
    assert answer.status_code == 404


def test_a_coordinator_moves_a_member_and_both_households_keep_the_history(  # type: ignore[no-untyped-def]
    app, api, register
) -> None:
    source = register(member(), member(relationship="child", born="2015-01-01"))
    target = register()
    child_id = source["members"][1]["id"]
    path = household_path(source) + f"/members/{child_id}/move"
    body = {"household_id": target["id"], "relationship": "other"}
    assert api("volunteer").post(path, json=body).status_code == 403
    coordinator = api("coordinator")
    answer = coordinator.post(path, json=body)
    assert answer.status_code == 200, answer.text
    moved = {m["id"]: m["relationship"] for m in answer.get_json()["members"]}
    assert moved == {target["members"][0]["id"]: "head", child_id: "other"}
    assert kinds(coordinator, source) == ["moved_out"]
    assert kinds(coordinator, target) == ["moved_in"]
    with app.app_context():
        rows = db.session.scalars(select(HouseholdChange).order_by(HouseholdChange.id)).all()
        assert [(r.household_id, r.other_household_id) for r in rows] == [
            (source["id"], target["id"]),
            (target["id"], source["id"]),
        ]


def test_the_head_cannot_be_moved_nor_into_its_own_household(api, register) -> None:  # type: ignore[no-untyped-def]
    source, target = register(member(), member(relationship="child", born="2015-01-01")), register()
    coordinator = api("coordinator")
    head_id, child_id = (m["id"] for m in source["members"])
    head = coordinator.post(
        household_path(source) + f"/members/{head_id}/move", json={"household_id": target["id"]}
    )
    assert head.status_code == 409
    own = coordinator.post(
        household_path(source) + f"/members/{child_id}/move", json={"household_id": source["id"]}
    )
    assert own.status_code == 422
    nowhere = coordinator.post(
        household_path(source) + f"/members/{child_id}/move", json={"household_id": 99999}
    )
    assert nowhere.status_code == 404
    huge = coordinator.post(
        household_path(source) + f"/members/{child_id}/move", json={"household_id": 2**70}
    )
    assert huge.status_code == 422


# --- Pages -------------------------------------------------------------------------------------


def test_the_household_page_adds_a_newborn_and_shows_the_history(login, register) -> None:  # type: ignore[no-untyped-def]
    household = register(member(born="1990-01-01"))
    client = login("volunteer")
    path = f"/households/{household['id']}"
    assert f"{path}/members/new" in client.get(path).text
    answer = client.post(
        f"{path}/members/new",
        data={
            "member-given_name": "Taras",
            "member-family_name": "Koval",
            "member-birth_date": "2025-12-01",
            "member-sex": "M",
            "member-relationship": "child",
            "member-document_type": "birth_certificate",
            "member-document_number": "I-БК 123456",
            "member-document_country": "UKR",
            "save": "1",
        },
    )
    assert answer.status_code == 302, answer.text
    page = client.get(path).text
    assert "Taras Koval added" in page


def test_the_add_member_page_shows_problems_at_the_field(login, register) -> None:  # type: ignore[no-untyped-def]
    household = register(member(born="1990-01-01"))
    page = login("volunteer").post(
        f"/households/{household['id']}/members/new",
        data={
            "member-given_name": "Taras",
            "member-family_name": "Koval",
            "member-birth_date": "1980-12-01",
            "member-sex": "M",
            "member-relationship": "child",
            "member-document_type": "birth_certificate",
            "member-document_number": "I-БК 123456",
            "member-document_country": "UKR",
            "save": "1",
        },
    )
    assert page.status_code == 422
    # An adult left as "child": the relationship is named, not a birth date that is right.
    from tests.households.test_bad_input import field_errors

    assert any(
        "Check the relationship" in e for e in field_errors(page.text, "member-relationship")
    )
    assert field_errors(page.text, "member-birth_date") == []


def test_departed_and_head_forms_on_the_page(login, register) -> None:  # type: ignore[no-untyped-def]
    household = register(member(), member(relationship="spouse"))
    head_id, spouse_id = (m["id"] for m in household["members"])
    client = login("volunteer")
    path = f"/households/{household['id']}"
    changed = client.post(
        f"{path}/head", data={"member_id": str(spouse_id), "former_head_becomes": "spouse"}
    )
    assert changed.status_code == 302
    gone = client.post(f"{path}/members/{head_id}/departed")
    assert gone.status_code == 302
    page = client.get(path).text
    assert "became the head" in page and "departed" in page


def test_only_coordinators_see_and_use_the_move_form(login, register) -> None:  # type: ignore[no-untyped-def]
    source = register(member(), member(relationship="child", born="2015-01-01"))
    target = register()
    child_id = source["members"][1]["id"]
    client = login("volunteer")
    assert "Move to another household" not in client.get(f"/households/{source['id']}").text
    form = {
        f"move-{child_id}-household_id": str(target["id"]),
        f"move-{child_id}-relationship": "other",
    }
    refused = client.post(f"/households/{source['id']}/members/{child_id}/move", data=form)
    assert refused.status_code == 403
    client.post("/logout")
    coordinator = login("coordinator")
    assert "Move to another household" in coordinator.get(f"/households/{source['id']}").text
    moved = coordinator.post(f"/households/{source['id']}/members/{child_id}/move", data=form)
    assert moved.headers["Location"].startswith(f"/households/{target['id']}")
    assert "moved in from household" in coordinator.get(f"/households/{target['id']}").text
