"""The family's check page through the test client: languages, answers, headers, limits."""

from __future__ import annotations

import re
import time
from datetime import date

from app.public.budget import BURST
from app.public.words import MESSAGES, PROGRAMME_LINES, RUSSIAN
from tests.conftest import member


def test_the_page_opens_without_a_login_in_each_of_its_four_languages(client) -> None:  # type: ignore[no-untyped-def]
    titles = {
        "uk": "Коли ми можемо прийти знову?",
        "ro": "Când putem veni din nou?",
        "en": "When can we come again?",
        "ru": "Когда можно прийти снова?",
    }
    for code, title in titles.items():
        page = client.get("/check", query_string={"lang": code})
        assert page.status_code == 200 and title in page.text
        assert f'<html lang="{code}">' in page.text
    chosen = client.get("/check", headers={"Accept-Language": "ru-RU,ru;q=0.9"})
    assert "Когда можно прийти снова?" in chosen.text


def test_every_message_of_the_page_has_its_russian_line() -> None:
    every = [*MESSAGES.values(), *PROGRAMME_LINES.values()]
    assert {str(m._args[0]) for m in every} == set(RUSSIAN)
    for msgid, line in RUSSIAN.items():
        assert re.findall(r"%\(\w+\)s", msgid) == re.findall(r"%\(\w+\)s", line)
        assert re.search("[а-яё]", line)


def test_a_card_number_shows_the_next_date_and_nothing_about_the_family(
    client, register, api, set_today
) -> None:  # type: ignore[no-untyped-def]
    household = register(
        member(given="Oksana", family="Lysenko", doc="PUB00001"),
        member("Ivan", born="2020-01-01", relationship="child", sex="M", doc="PUB00002"),
    )
    set_today(date(2026, 3, 1))
    api("volunteer").post("/api/v1/distributions", json={"qr": household["card"]["qr"]})
    set_today(date(2026, 3, 4))
    number = household["card"]["number"]
    answer = client.post("/check", data={"number": number, "lang": "ru"})
    assert answer.status_code == 200
    assert "Можно прийти снова с 11.03.2026" in answer.text
    for hidden in ("Oksana", "Lysenko", "Ivan", "PUB0000", number, "01.03.2026", ">2<"):
        assert hidden not in answer.text
    uk = client.post("/check", data={"number": number, "lang": "uk"})
    assert "Ви можете прийти знову з 11.03.2026" in uk.text


def test_unknown_and_replaced_cards_get_the_same_page(client, register, api) -> None:  # type: ignore[no-untyped-def]
    household = register()
    api("coordinator").post(f"/api/v1/households/{household['id']}/cards", json={"reason": "lost"})
    replaced = client.post("/check", data={"number": household["card"]["number"], "lang": "en"})
    unknown = client.post("/check", data={"number": "0000000000", "lang": "en"})
    assert replaced.status_code == unknown.status_code == 200
    assert replaced.data == unknown.data  # the same bytes: not a word, not a class apart
    assert "We cannot give a date for this number" in unknown.text


def test_hostile_input_gets_a_clear_422(client) -> None:  # type: ignore[no-untyped-def]
    for typed in ("garbage", "5901234123457", "<script>alert(1)</script>", "9" * 100_000):
        answer = client.post("/check", data={"number": typed, "lang": "en"})
        assert answer.status_code == 422, typed[:20]
        assert "Type the 10 digits of the number on your card." in answer.text
        assert "<script>alert" not in answer.text
    typo = client.post("/check", data={"number": "1234567890", "lang": "ro"})
    assert typo.status_code == 422 and "Numărul are o greșeală" in typo.text
    assert client.post("/check", data={"number": "1\x002", "lang": "en"}).status_code == 400
    # A language that is not one of the page's falls back to the browser's or Ukrainian.
    odd = client.post("/check", data={"number": "x", "lang": "<b>"})
    assert odd.status_code == 422 and '<html lang="uk">' in odd.text


def test_the_page_sends_its_security_headers(client) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/check")
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert page.headers["Cache-Control"] == "no-store"
    assert "noindex" in page.headers["X-Robots-Tag"]
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "DENY"
    assert "camera=()" in page.headers["Permissions-Policy"]


def test_a_check_without_its_csrf_token_is_refused(app, client) -> None:  # type: ignore[no-untyped-def]
    app.config["WTF_CSRF_ENABLED"] = True
    refused = client.post("/check", data={"number": "0000000000"})
    assert refused.status_code == 400
    page = client.get("/check")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    answered = client.post("/check", data={"number": "0000000000", "csrf_token": token})
    assert answered.status_code == 200


def test_too_many_checks_from_one_address_get_a_429_with_a_message(client) -> None:  # type: ignore[no-untyped-def]
    for _ in range(BURST):
        assert client.post("/check", data={"number": "0000000000"}).status_code == 200
    refused = client.post("/check", data={"number": "0000000000", "lang": "uk"})
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    assert "Забагато перевірок з цього з&#39;єднання" in refused.text
    other = client.post(
        "/check", data={"number": "0000000000"}, environ_base={"REMOTE_ADDR": "198.51.100.9"}
    )
    assert other.status_code == 200


def test_a_known_and_an_unknown_number_take_about_as_long(client, register) -> None:  # type: ignore[no-untyped-def]
    """One statement either way; measured loosely, as a guard against a second query or a
    slow path creeping into one of them."""
    numbers = [register()["card"]["number"], "0000000000"]

    def took(number: str, address: str) -> float:
        start = time.perf_counter()
        client.post("/check", data={"number": number}, environ_base={"REMOTE_ADDR": address})
        return time.perf_counter() - start

    times: dict[str, list[float]] = {n: [] for n in numbers}
    for round_ in range(30):
        for n in numbers:
            times[n].append(took(n, f"198.51.{round_}.{numbers.index(n) + 1}"))
    known, unknown = (sorted(times[n])[len(times[n]) // 2] for n in numbers)
    assert abs(known - unknown) < max(known, unknown) * 0.5 + 0.002


def test_a_check_leaves_nothing_in_the_audit_trail(app, client) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import func, select

    from app.audit.models import AuditEvent
    from app.extensions import db

    with app.app_context():
        before = db.session.scalar(select(func.count(AuditEvent.id)))
    for _ in range(3):
        client.post("/check", data={"number": "0000000000"})
    with app.app_context():
        assert db.session.scalar(select(func.count(AuditEvent.id))) == before


def test_the_family_sees_its_next_date_per_programme_and_nothing_more(
    client, register, api, set_today
) -> None:  # type: ignore[no-untyped-def]
    """A family in a second programme reads its date too, in its language; an unknown number
    runs the same statements (programme_standings for household 0)."""
    made = api("coordinator").post(
        "/api/v1/programmes",
        json={
            "code": "CHILD",
            "name": "Child vouchers",
            "names": {"uk": "Ваучери на дітей", "ro": "Vouchere pentru copii"},
            "period": "month",
            "criteria": {"under_age": 18},
            "entitlements": [{"sku": "CHILD-VOUCHER", "per": "member", "quantity": 1}],
        },
    )
    assert made.status_code == 201
    household = register(
        member(given="Oksana", family="Lysenko"), member(relationship="child", born="2020-01-01")
    )
    set_today(date(2026, 3, 20))
    api("volunteer").post("/api/v1/distributions", json={"qr": household["card"]["qr"]})
    set_today(date(2026, 3, 25))
    number = household["card"]["number"]
    uk = client.post("/check", data={"number": number, "lang": "uk"}).text
    assert "Ви можете прийти знову з 30.03.2026" in uk
    assert "Ваучери на дітей" in uk and "01.04.2026" in uk
    ru = client.post("/check", data={"number": number, "lang": "ru"}).text
    assert "Ваучери на дітей: можно прийти снова с 01.04.2026" in ru
    set_today(date(2026, 4, 2))
    en = client.post("/check", data={"number": number, "lang": "en"}).text
    assert "Child vouchers: you can come today." in en
    for hidden in ("Oksana", "Lysenko", number):
        assert hidden not in en
