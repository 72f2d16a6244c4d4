"""A family that forgot its card is found by name and served in one step, and the handover
says it was made without the card."""

import re
from typing import Any

from sqlalchemy import select

from app.desk.models import Distribution
from app.extensions import db
from tests.conftest import member


def test_search_and_the_household_page_offer_to_check_at_the_desk(login, register) -> None:  # type: ignore[no-untyped-def]
    household = register(member("Olena", "Koval"))
    client = login("volunteer")
    action = f'action="/desk/household/{household["id"]}"'
    assert action in client.get("/households/search", query_string={"q": "Koval"}).text
    assert action in client.get(f"/households/{household['id']}").text


def test_a_family_without_its_card_is_served_in_one_step_and_counted_as_such(
    app, login, register, stock_up, api
) -> None:  # type: ignore[no-untyped-def]
    stock_up(FOOD=5)
    household = register(member("Olena", "Koval"))
    client = login("volunteer")
    page = client.post(f"/desk/household/{household['id']}").text
    assert 'data-state="eligible"' in page and "Olena Koval" in page
    assert "Without the card" in page
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    done = client.post(
        "/desk/handover", data={"household_id": str(household["id"]), "idempotency_key": key}
    ).text
    assert 'data-state="served"' in done
    with app.app_context():
        (served,) = db.session.scalars(select(Distribution))
        assert served.without_card and served.card_id is None
    again = client.post(f"/desk/household/{household['id']}").text
    assert 'data-state="just_served"' in again
    counts: dict[str, Any] = api("coordinator").get("/api/v1/reports/daily").get_json()
    assert counts["served_without_card"] == 1 and counts["households_served"] == 1
    page = login("coordinator").get("/reports/today").text
    assert re.search(r"Served without the card</th><td[^>]*>1<", page)


def test_a_card_served_handover_is_not_counted_as_without_the_card(app, login, register) -> None:  # type: ignore[no-untyped-def]
    household = register()
    login("volunteer").post("/desk/handover", data={"scan": household["card"]["qr"]})
    with app.app_context():
        (served,) = db.session.scalars(select(Distribution))
        assert not served.without_card and served.card_id is not None


def test_checking_a_household_that_is_not_there_is_not_found(login) -> None:  # type: ignore[no-untyped-def]
    client = login("volunteer")
    assert client.post("/desk/household/999999").status_code == 404
    answer = client.post("/desk/handover", data={"household_id": "999999"})
    assert answer.status_code == 404


def test_a_household_number_beyond_any_id_is_not_found_not_a_failure(login) -> None:  # type: ignore[no-untyped-def]
    client = login("volunteer")
    assert client.post("/desk/household/99999999999").status_code == 404
    for huge in ("99999999999", "9" * 5000):
        answer = client.post("/desk/handover", data={"household_id": huge})
        assert answer.status_code == 422
        asked = client.post("/desk/check", data={"scan": "x", "pending_household_id": huge})
        assert asked.status_code == 200  # no family to ask about: the scan is answered
