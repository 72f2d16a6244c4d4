"""Hostile input at every form and API endpoint family: no 500, no partial record, and text
that is saved comes back exactly as given, escaped on the page.

Each test draws AID_HOSTILE_EXAMPLES cases (2,000 in CI, where CI is set; 60 otherwise, for a
quick loop) through the test client.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape
from sqlalchemy import func, select

from app.extensions import db
from app.households.models import Document, Household, Member
from tests.conftest import PASSWORD, member

EXAMPLES = int(os.environ.get("AID_HOSTILE_EXAMPLES") or (2000 if os.environ.get("CI") else 60))
HOSTILE = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)

NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'; DROP TABLE households; --",
    "' OR '1'='1",
    "1; SELECT pg_sleep(5)",
    "{{7*7}}",
    "${jndi:ldap://x}",
    "../../../etc/passwd",
    "%00%ff",
    "\u202eevil",
    "Ω≈ç√∫",
    "👪🏽",
    "Ș\u0301tefan",
    "9" * 400,
    "-1",
    "1e309",
    "NaN",
    "null",
    "[]",
    "{}",
    "x" * 5000,
]
# Text a browser or a client can send (no lone surrogates: they are not UTF-8 at all).
text = st.text(st.characters(exclude_categories=("Cs",)), max_size=300)
hostile_text = st.one_of(st.sampled_from(NASTY), text)
huge_numbers = st.one_of(
    st.integers(), st.integers(min_value=-(2**200), max_value=2**200), st.floats()
)
any_value = st.one_of(
    hostile_text, huge_numbers, st.booleans(), st.none(), st.lists(text, max_size=3)
)
raw_bytes = st.one_of(
    st.binary(max_size=400),
    st.sampled_from([b"\xff\xfe\xfd", b"\xc3\x28", b'{"members": "\xff"}', b"\x00" * 50]),
)


def _count(app: Flask, model: type[Any]) -> int:
    with app.app_context():
        return int(db.session.scalar(select(func.count()).select_from(model)) or 0)


def _headers(app: Flask, token_for: Callable[[str], str], role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token_for(role)}"}


def _no_500(response: Any, what: str) -> None:
    assert response.status_code < 500 or response.status_code == 503, (
        f"{what}: {response.status_code} {response.data[:200]!r}"
    )


# --- API: registering households ------------------------------------------------------------


def test_api_registration_takes_hostile_members_whole_or_not_at_all(
    app: Flask, client: FlaskClient, token_for: Callable[[str], str]
) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False
    headers = _headers(app, token_for, "volunteer")
    coordinator = _headers(app, token_for, "coordinator")

    @HOSTILE
    @given(
        given_name=hostile_text,
        family_name=hostile_text,
        phone=st.one_of(hostile_text, st.none()),
        locality=st.one_of(hostile_text, st.none()),
        number=hostile_text,
        born=st.one_of(st.sampled_from(["1990-01-01", "2099-01-01", "0000-00-00"]), hostile_text),
        sex=st.one_of(st.sampled_from(["F", "M", "X"]), any_value),
        extra=any_value,
    )
    def attempt(**drawn: Any) -> None:
        body = {
            "members": [
                member(
                    given=drawn["given_name"],
                    family=drawn["family_name"],
                    born=drawn["born"],
                    sex=drawn["sex"],
                    doc=drawn["number"],
                    disability=drawn["extra"],
                )
            ],
            "phone": drawn["phone"],
            "locality": drawn["locality"],
        }
        households, members, documents = (
            _count(app, Household),
            _count(app, Member),
            _count(app, Document),
        )
        response = client.post("/api/v1/households", json=body, headers=headers)
        _no_500(response, "POST /api/v1/households")
        if response.status_code != 201:
            assert 400 <= response.status_code < 500 and response.is_json
            assert (_count(app, Household), _count(app, Member), _count(app, Document)) == (
                households,
                members,
                documents,
            )
            return
        created = response.get_json()
        back = client.get(f"/api/v1/households/{created['id']}", headers=coordinator).get_json()
        assert back["members"][0]["given_name"] == drawn["given_name"].strip()
        assert back["members"][0]["family_name"] == drawn["family_name"].strip()
        assert back["locality"] == ((drawn["locality"] or "").strip() or None)

    attempt()


# --- API: every other write, with hostile JSON and with bytes that are not JSON ------------


def test_api_writes_answer_hostile_bodies_with_a_4xx(
    app: Flask, client: FlaskClient, token_for: Callable[[str], str], register: Any
) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False
    household = register()
    coordinator = _headers(app, token_for, "coordinator")
    paths = [
        "/api/v1/households",
        f"/api/v1/households/{household['id']}/cards",
        "/api/v1/distributions",
        "/api/v1/mrz",
        "/api/v1/cards/sheet",
        "/api/v1/donations",
        "/api/v1/items",
    ]

    @HOSTILE
    @given(
        path=st.sampled_from(paths),
        body=st.one_of(
            raw_bytes,
            st.dictionaries(
                st.sampled_from(
                    [
                        "qr",
                        "zone",
                        "donor",
                        "items",
                        "sku",
                        "name",
                        "members",
                        "reason",
                        "household_ids",
                        "quantity",
                        "category",
                        "mrz",
                        "text",
                    ]
                ),
                any_value,
                max_size=4,
            ).map(lambda d: json.dumps(d).encode()),
        ),
        key=st.one_of(st.none(), st.text(max_size=120)),
    )
    def attempt(path: str, body: bytes, key: str | None) -> None:
        headers = dict(coordinator)
        if key is not None and key.isprintable() and key.isascii():
            headers["Idempotency-Key"] = key
        response = client.post(path, data=body, headers=headers, content_type="application/json")
        _no_500(response, f"POST {path}")
        assert response.is_json, f"POST {path}: {response.mimetype}"

    attempt()


# --- API: reads with hostile query strings -----------------------------------------------


def test_api_reads_answer_hostile_queries_without_a_500(
    app: Flask, client: FlaskClient, token_for: Callable[[str], str], register: Any
) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False
    register()
    coordinator = _headers(app, token_for, "coordinator")

    @HOSTILE
    @given(
        path=st.sampled_from(
            [
                "/api/v1/people?q=",
                "/api/v1/eligibility?qr=",
                "/api/v1/reports/daily?date=",
                "/api/v1/reports/daily.xlsx?date=",
                "/api/v1/stock?site=",
                "/api/v1/distributions/1/slip.pdf?paper=",
            ]
        ),
        value=hostile_text,
        raw=st.booleans(),
    )
    def attempt(path: str, value: str, raw: bool) -> None:
        query = "%ff%fe%00" if raw else quote(value)
        response = client.get(path + query, headers=coordinator)
        _no_500(response, path)

    attempt()


# --- Pages: registration form -------------------------------------------------------------


def test_the_registration_form_saves_hostile_names_exactly_and_shows_them_escaped(
    app: Flask, make_user: Callable[..., str]
) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False
    client = app.test_client()
    name = make_user("coordinator")
    assert client.post("/login", data={"username": name, "password": PASSWORD}).status_code == 302
    serial = iter(range(10**6))

    @HOSTILE
    @given(
        given_name=hostile_text,
        family_name=hostile_text,
        phone=hostile_text,
        born=st.one_of(st.just("1990-04-02"), hostile_text),
        number=st.one_of(st.just(""), hostile_text),
        doc_type=st.one_of(st.just("other"), hostile_text),
    )
    def attempt(**drawn: Any) -> None:
        data = {
            "members-0-given_name": drawn["given_name"],
            "members-0-family_name": drawn["family_name"],
            "members-0-birth_date": drawn["born"],
            "members-0-sex": "F",
            "members-0-relationship": "head",
            "members-0-document_type": drawn["doc_type"],
            "members-0-document_number": drawn["number"] or f"ZZ{next(serial):07d}",
            "members-0-document_country": "UKR",
            "phone": drawn["phone"],
        }
        before = (_count(app, Household), _count(app, Member), _count(app, Document))
        response = client.post("/households/new", data=data)
        _no_500(response, "POST /households/new")
        if response.status_code != 302:
            assert (_count(app, Household), _count(app, Member), _count(app, Document)) == before
            return
        page = client.get(response.headers["Location"])
        assert page.status_code == 200
        with app.app_context():
            head = db.session.scalars(select(Member).order_by(Member.id.desc()).limit(1)).one()
            assert head.given_name == drawn["given_name"].strip()
            assert head.family_name == drawn["family_name"].strip()
        assert str(escape(f"{head.given_name} {head.family_name}")) in page.text
        assert "<script>alert(1)</script>" not in page.text

    attempt()


# --- Pages: every other form ---------------------------------------------------------------


def test_every_other_form_answers_hostile_fields_without_a_500(
    app: Flask, make_user: Callable[..., str], register: Any
) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False
    household = register()
    client = app.test_client()
    name = make_user("coordinator")
    assert client.post("/login", data={"username": name, "password": PASSWORD}).status_code == 302
    forms = {
        "/desk/check": ["scan", "typed"],
        "/desk/handover": ["scan", "key", "household_id"],
        "/desk/decode": ["image"],
        "/stock": ["donor", "lines-0-sku", "lines-0-quantity", "site"],
        "/cards/sheets": ["which", "numbers"],
        f"/households/{household['id']}/cards": ["reason"],
        "/accounts": ["username", "role"],
        "/language": ["language", "next"],
        "/account/password": ["current", "new", "again"],
        "/login": ["username", "password"],
        "/households/new": ["members-0-given_name", "members-0-birth_date", "add_member"],
        "/check": ["number", "lang"],
    }

    @HOSTILE
    @given(
        path=st.sampled_from(sorted(forms)),
        values=st.lists(hostile_text, min_size=4, max_size=4),
        raw=st.one_of(st.none(), raw_bytes),
    )
    def attempt(path: str, values: list[str], raw: bytes | None) -> None:
        if raw is not None:
            response = client.post(path, data=raw, content_type="application/x-www-form-urlencoded")
        else:
            response = client.post(path, data=dict(zip(forms[path], values, strict=False)))
        _no_500(response, f"POST {path}")
        if path == "/account/password":  # a lucky draw must not change the password
            assert client.get("/desk").status_code == 200

    try:
        attempt()
    finally:  # a sheet of cards a draw asked for is made on a thread: let it end here
        for thread in threading.enumerate():
            if thread.name.startswith("card-sheet-"):
                thread.join(timeout=60)


def test_page_queries_answer_hostile_values_without_a_500(
    app: Flask, make_user: Callable[..., str], register: Any
) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False
    register()
    client = app.test_client()
    name = make_user("coordinator")
    assert client.post("/login", data={"username": name, "password": PASSWORD}).status_code == 302

    @HOSTILE
    @given(
        path=st.sampled_from(
            [
                "/households/search?q=",
                "/reports/today?date=",
                "/reports/daily.xlsx?date=",
                "/audit?user=",
                "/audit?since=",
                "/audit?entity_id=",
                "/audit/events.csv?entity=",
                "/login?next=",
                "/cards?which=",
                "/slips?ref=",
                "/desk/slips/1?paper=",
                "/check?lang=",
            ]
        ),
        value=hostile_text,
    )
    def attempt(path: str, value: str) -> None:
        response = client.get(path + quote(value))
        _no_500(response, path)
        if path.startswith("/households/search") and response.status_code == 200 and value:
            assert "<script>alert(1)</script>" not in response.text

    attempt()


def test_a_400_digit_quantity_on_the_stock_page_is_a_message_not_a_500(
    app: Flask, login: Any
) -> None:
    client = login("stock_manager")
    response = client.post(
        "/stock", data={"donor": "x", "lines-0-sku": "FOOD", "lines-0-quantity": "9" * 400}
    )
    assert response.status_code == 422 and "Number must be between" in response.text


def test_a_nul_character_in_a_query_or_a_form_is_a_400(login: Any, token_for: Any) -> None:
    client = login("coordinator")
    assert client.get("/households/search?q=a%00b").status_code == 400
    assert client.post("/desk/check", data={"scan": "a\x00"}).status_code == 400
    api = client.get("/api/v1/people?q=%00", headers={"Authorization": f"Bearer {token_for()}"})
    assert api.status_code == 400 and api.get_json()["error"] == "bad_request"
