"""The desk page through the test client: scan, answer, Enter, next."""

from datetime import date

from tests.conftest import member


def test_desk_page_puts_the_focus_on_the_scan_field(login) -> None:  # type: ignore[no-untyped-def]
    page = login("volunteer").get("/desk").text
    assert 'id="scan"' in page and "autofocus" in page


def test_scan_shows_eligible_with_the_items_then_handover_records_it(
    login, register, stock_up
) -> None:  # type: ignore[no-untyped-def]
    stock_up(FOOD=5)
    household = register(member(), member("Ivan", born="2025-10-01", relationship="child", sex="M"))
    client = login("volunteer")
    answer = client.post("/desk/check", data={"scan": household["card"]["qr"]})
    assert 'data-state="eligible"' in answer.text
    assert "Food parcel" in answer.text and "Baby pack" in answer.text
    assert "none in stock" in answer.text  # the baby pack is entitled but not on hand
    done = client.post("/desk/handover", data={"scan": household["card"]["qr"]})
    assert 'data-state="served"' in done.text
    again = client.post("/desk/check", data={"scan": household["card"]["number"]})
    assert 'data-state="just_served"' in again.text


def test_not_yet_shows_the_last_visit_and_the_date_to_come_back_in_ukrainian(
    login, register, set_today
) -> None:  # type: ignore[no-untyped-def]
    household = register()
    client = login("volunteer")
    set_today(date(2026, 3, 1))
    client.post("/desk/handover", data={"scan": household["card"]["qr"]})
    set_today(date(2026, 3, 4))
    answer = client.post("/desk/check", data={"scan": household["card"]["qr"]})
    assert 'data-state="not_yet"' in answer.text
    assert "01.03.2026" in answer.text and "Main distribution point" in answer.text
    assert "Ви можете прийти знову з 11.03.2026" in answer.text


def test_a_panel_request_gets_only_the_panel(login, register) -> None:  # type: ignore[no-untyped-def]
    household = register()
    answer = login("volunteer").post(
        "/desk/check", data={"scan": household["card"]["qr"]}, headers={"X-Desk-Panel": "1"}
    )
    assert answer.text.lstrip().startswith('<section class="answer eligible"')


def test_each_kind_of_wrong_code_gets_its_own_answer(login, register, api) -> None:  # type: ignore[no-untyped-def]
    household = register()
    api("coordinator").post(f"/api/v1/households/{household['id']}/cards", json={"reason": "lost"})
    client = login("volunteer")
    number = household["card"]["number"]
    typo = number[:-1] + str((int(number[-1]) + 1) % 10)
    states = {
        household["card"]["qr"]: "revoked",
        "AD1-" + "A" * 32: "unknown",
        "5901234123457": "not_a_card",
        typo: "bad_number",
    }
    for scan, state in states.items():
        answer = client.post("/desk/check", data={"scan": scan})
        assert f'data-state="{state}"' in answer.text, scan


def test_an_empty_or_huge_scan_is_answered_not_failed(login) -> None:  # type: ignore[no-untyped-def]
    client = login("volunteer")
    assert client.post("/desk/check", data={"scan": ""}).status_code == 422
    assert client.post("/desk/handover", data={"scan": "x" * 10_000}).status_code == 422


def test_a_second_scan_right_after_the_handover_says_served_just_now(login, register) -> None:  # type: ignore[no-untyped-def]
    household = register()
    client = login("volunteer")
    client.post("/desk/handover", data={"scan": household["card"]["qr"]})
    again = client.post("/desk/check", data={"scan": household["card"]["qr"]})
    assert 'data-state="just_served"' in again.text and "at this desk" in again.text


def test_a_scan_an_hour_after_the_handover_is_not_yet(login, register, set_today, app) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    household = register()
    client = login("volunteer")
    set_today(date(2026, 3, 2))
    client.post("/desk/handover", data={"scan": household["card"]["qr"]})
    later = app.config["CLOCK"]() + timedelta(hours=1)
    app.config["CLOCK"] = lambda: later
    again = client.post("/desk/check", data={"scan": household["card"]["qr"]})
    assert 'data-state="not_yet"' in again.text


def test_a_handover_sent_again_after_the_family_was_erased_does_not_greet_them(
    api, login, register, stock_up
) -> None:  # type: ignore[no-untyped-def]
    """The stored panel greets the head by name: erasing the household forgets it."""
    from tests.conftest import member

    stock_up()
    household = register(member(given="Halyna", family="Marchenko"))
    client = login("volunteer")
    panel = client.post("/desk/check", data={"scan": household["card"]["qr"]}).text
    key = panel.split('name="idempotency_key" value="')[1].split('"')[0]
    data = {"scan": household["card"]["qr"], "idempotency_key": key}
    assert "Marchenko" in client.post("/desk/handover", data=data).text
    assert api("coordinator").delete(f"/api/v1/households/{household['id']}").status_code == 200
    again = client.post("/desk/handover", data=data, headers={"X-Desk-Panel": "1"})
    assert again.status_code == 410 and "Marchenko" not in again.text


def test_a_handover_sent_twice_with_its_key_shows_the_first_answer_and_records_one(
    app, login, register
) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import func, select

    from app.desk.models import Distribution
    from app.extensions import db

    household = register()
    client = login("volunteer")
    panel = client.post("/desk/check", data={"scan": household["card"]["qr"]}).text
    key = panel.split('name="idempotency_key" value="')[1].split('"')[0]
    data = {"scan": household["card"]["qr"], "idempotency_key": key}
    first = client.post("/desk/handover", data=data)
    again = client.post("/desk/handover", data=data, headers={"X-Desk-Panel": "1"})
    assert 'data-state="served"' in first.text and 'data-state="served"' in again.text
    with app.app_context():
        assert db.session.scalar(select(func.count(Distribution.id))) == 1


def test_a_handover_key_sent_again_with_other_fields_is_refused_as_in_the_api(
    app, login, register
) -> None:  # type: ignore[no-untyped-def]
    """The page hashes what it posts (as the API hashes its body), less the CSRF token and
    where it goes next: the same key with other serials is another request."""
    from sqlalchemy import func, select

    from app.desk.models import Distribution
    from app.extensions import db

    household = register()
    client = login("volunteer")
    panel = client.post("/desk/check", data={"scan": household["card"]["qr"]}).text
    key = panel.split('name="idempotency_key" value="')[1].split('"')[0]
    data = {"scan": household["card"]["qr"], "idempotency_key": key}
    assert 'data-state="served"' in client.post("/desk/handover", data=data).text
    going_on = client.post("/desk/handover", data=data | {"next": household["card"]["number"]})
    assert going_on.status_code == 200  # the same handover, then on to the card scanned next
    other = client.post("/desk/handover", data=data | {"vouchers": "VX-0001"})
    assert other.status_code == 422 and "Idempotency-Key" in other.text
    with app.app_context():
        assert db.session.scalar(select(func.count(Distribution.id))) == 1


def test_a_desk_name_with_control_characters_calls_no_ticket(login) -> None:  # type: ignore[no-untyped-def]
    desk = login("volunteer")
    answer = desk.post("/desk/call", data={"desk": "2\x1b[2J", "line": "distribution"})
    assert answer.status_code == 422


def test_the_handover_closes_the_ticket_this_desk_called_and_says_so(
    api, login, register, stock_up
) -> None:  # type: ignore[no-untyped-def]
    """The handover closes the card's ticket itself, before its stock (decision 0036); the
    panel says which ticket it closed, and warns when the card was not the called one's."""
    stock_up(FOOD=5)
    first, second = register(), register()
    door = api("volunteer")
    for household in (first, second):
        assert (
            door.post("/api/v1/queue/tickets", json={"qr": household["card"]["qr"]}).status_code
            == 201
        )
    client = login("volunteer")
    assert client.post("/desk/call", data={"desk": "2", "line": "distribution"}).status_code < 400
    done = client.post("/desk/handover", data={"scan": second["card"]["qr"]})
    assert 'data-state="served"' in done.text
    assert "Ticket A-002 closed." in done.text
    assert "not ticket A-001&#39;s" in done.text or "not ticket A-001's" in done.text
