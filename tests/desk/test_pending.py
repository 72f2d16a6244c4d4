"""An ELIGIBLE answer is never dropped: the next card waits until the desk says whether that
family was served, and a "no" is recorded with its reason and counted."""

import re
from typing import Any

from sqlalchemy import select

from app.desk.models import DeclinedHandover, Distribution
from app.extensions import db
from tests.conftest import member


def pending_of(page: str) -> dict[str, str]:
    """The pending fields the page sends back with the next scan, as its script does."""
    fields = {}
    for name in ("scan", "household-id", "idempotency-key"):
        found = re.search(rf'data-pending-{name}="([^"]*)"', page)
        assert found, name
        fields["pending_" + name.replace("-", "_")] = found.group(1)
    return fields


def rows(app: Any, model: type) -> list[Any]:
    with app.app_context():
        return list(db.session.scalars(select(model)))


def two_families(register: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    first = register(member("Olena", "Koval"))
    second = register(member("Iryna", "Melnyk", born="1975-02-03"))
    return first, second


def test_a_card_scanned_while_a_family_is_eligible_asks_about_that_family_first(
    app, login, register
) -> None:  # type: ignore[no-untyped-def]
    first, second = two_families(register)
    client = login("volunteer")
    eligible = client.post("/desk/check", data={"scan": first["card"]["qr"]}).text
    asked = client.post(
        "/desk/check", data={"scan": second["card"]["qr"], **pending_of(eligible)}
    ).text
    assert 'data-state="confirm"' in asked and "Was Olena Koval served?" in asked
    assert "Iryna Melnyk" not in asked  # the next card is not answered yet
    assert f'name="next" value="{second["card"]["qr"]}"' in asked
    assert rows(app, Distribution) == [] and rows(app, DeclinedHandover) == []


def test_yes_records_the_pending_handover_then_answers_the_next_card(app, login, register) -> None:  # type: ignore[no-untyped-def]
    first, second = two_families(register)
    client = login("volunteer")
    pending = pending_of(client.post("/desk/check", data={"scan": first["card"]["qr"]}).text)
    yes = {
        "scan": pending["pending_scan"],
        "idempotency_key": pending["pending_idempotency_key"],
        "next": second["card"]["qr"],
    }
    answer = client.post("/desk/handover", data=yes).text
    assert "Olena Koval: handed over." in answer
    assert 'data-state="eligible"' in answer and "Iryna Melnyk" in answer
    (served,) = rows(app, Distribution)
    assert served.household_id == first["id"] and not served.without_card
    # Sent again (a double Enter): still one handover, and the next card's answer.
    again = client.post("/desk/handover", data=yes).text
    assert "Iryna Melnyk" in again and len(rows(app, Distribution)) == 1


def test_no_records_why_the_family_was_not_served_and_the_days_report_counts_it(
    app, login, register
) -> None:  # type: ignore[no-untyped-def]
    first, second = two_families(register)
    client = login("volunteer")
    pending = pending_of(client.post("/desk/check", data={"scan": first["card"]["qr"]}).text)
    no = {"scan": pending["pending_scan"], "reason": "family_left", "next": second["card"]["qr"]}
    answer = client.post("/desk/decline", data=no).text
    assert "Olena Koval: not handed over (the family left)." in answer
    assert "Iryna Melnyk" in answer and rows(app, Distribution) == []
    missing = client.post(
        "/desk/decline", data={"scan": second["card"]["qr"], "reason": "item_missing"}
    ).text
    assert 'data-state="declined"' in missing and "Recorded: an item was missing." in missing
    declined = rows(app, DeclinedHandover)
    assert sorted((d.household_id, d.reason) for d in declined) == sorted(
        [(first["id"], "family_left"), (second["id"], "item_missing")]
    )
    coordinator = login("coordinator")
    report = coordinator.get("/reports/today").text
    assert re.search(r"Not handed over: the family left</th><td[^>]*>1<", report)
    assert re.search(r"Not handed over: an item was missing</th><td[^>]*>1<", report)


def test_a_family_not_served_is_still_eligible_afterwards(login, register) -> None:  # type: ignore[no-untyped-def]
    first, _ = two_families(register)
    client = login("volunteer")
    client.post("/desk/decline", data={"scan": first["card"]["qr"], "reason": "family_left"})
    again = client.post("/desk/check", data={"scan": first["card"]["qr"]}).text
    assert 'data-state="eligible"' in again


def test_a_decline_without_a_known_reason_is_refused_and_records_nothing(
    app, login, register
) -> None:  # type: ignore[no-untyped-def]
    first, _ = two_families(register)
    client = login("volunteer")
    for reason in ("", "bored", "x" * 500):
        answer = client.post("/desk/decline", data={"scan": first["card"]["qr"], "reason": reason})
        assert answer.status_code == 422
    assert client.post("/desk/decline", data={"reason": "family_left"}).status_code == 422
    assert rows(app, DeclinedHandover) == []


def test_a_family_served_meanwhile_at_another_desk_is_not_asked_about(
    login, register, client, make_user
) -> None:  # type: ignore[no-untyped-def]
    first, second = two_families(register)
    desk = login("volunteer")
    pending = pending_of(desk.post("/desk/check", data={"scan": first["card"]["qr"]}).text)
    desk.post("/desk/handover", data={"scan": first["card"]["qr"]})  # as if another desk
    answer = desk.post("/desk/check", data={"scan": second["card"]["qr"], **pending}).text
    assert 'data-state="eligible"' in answer and "Iryna Melnyk" in answer


def test_the_page_without_script_sends_the_pending_family_back_with_the_next_scan(
    login, register
) -> None:  # type: ignore[no-untyped-def]
    first, _ = two_families(register)
    page = login("volunteer").post("/desk/check", data={"scan": first["card"]["qr"]}).text
    assert f'name="pending_scan" value="{first["card"]["qr"]}"' in page
    key = pending_of(page)["pending_idempotency_key"]
    assert key and f'name="pending_idempotency_key" value="{key}"' in page


def test_check_the_number_keeps_what_was_typed(login, register) -> None:  # type: ignore[no-untyped-def]
    number = register()["card"]["number"]
    typo = number[:-1] + str((int(number[-1]) + 1) % 10)
    client = login("volunteer")
    page = client.post("/desk/check", data={"scan": typo}).text
    assert 'data-state="bad_number"' in page
    assert re.search(rf'<input id="scan" name="scan" type="text" value="{typo}"', page)
    panel = client.post("/desk/check", data={"scan": typo}, headers={"X-Desk-Panel": "1"}).text
    assert f'data-typed="{typo}"' in panel


def test_the_same_familys_number_after_its_qr_is_answered_without_asking(login, register) -> None:  # type: ignore[no-untyped-def]
    first, _ = two_families(register)
    client = login("volunteer")
    pending = pending_of(client.post("/desk/check", data={"scan": first["card"]["qr"]}).text)
    again = client.post("/desk/check", data={"scan": first["card"]["number"], **pending}).text
    assert 'data-state="eligible"' in again and "Olena Koval" in again


def test_a_family_found_by_name_and_left_pending_is_asked_about_too(app, login, register) -> None:  # type: ignore[no-untyped-def]
    first, second = two_families(register)
    client = login("volunteer")
    found = client.post(f"/desk/household/{first['id']}").text
    pending = pending_of(found)
    assert pending["pending_scan"] == "" and pending["pending_household_id"] == str(first["id"])
    asked = client.post("/desk/check", data={"scan": second["card"]["qr"], **pending}).text
    assert "Was Olena Koval served?" in asked
    assert f'name="household_id" value="{first["id"]}"' in asked
    yes = {
        "household_id": str(first["id"]),
        "idempotency_key": pending["pending_idempotency_key"],
        "next": second["card"]["qr"],
    }
    assert "Olena Koval: handed over." in client.post("/desk/handover", data=yes).text
    (served,) = rows(app, Distribution)
    assert served.without_card


def test_a_no_said_twice_counts_once(app, login, register) -> None:  # type: ignore[no-untyped-def]
    first, _ = two_families(register)
    client = login("volunteer")
    no = {"scan": first["card"]["qr"], "reason": "family_left"}
    for _ in range(2):  # a double click without the page's script
        assert 'data-state="declined"' in client.post("/desk/decline", data=no).text
    assert len(rows(app, DeclinedHandover)) == 1
