"""Fixtures: a fresh database per test (SQLite in a temporary folder, or the PostgreSQL of
TEST_DATABASE_URL), and factories that return callables."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from werkzeug.security import generate_password_hash

from app import create_app
from app.auth.models import User
from app.auth.services import issue_api_token
from app.extensions import db
from app.setup import seed_defaults
from tests.openapi_check import problems, record_answers

PG_URL = os.environ.get("TEST_DATABASE_URL", "")
PASSWORD = "correct horse battery"
CHEAP_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
TZ = "Europe/Bucharest"


def reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    if PG_URL:
        reset_postgres(PG_URL)
        return PG_URL
    return f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "CARD_KEY": "test-card-key",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "AID_TIMEZONE": TZ,
            "ELIGIBILITY_DAYS": 10,
            # Page tests post forms directly; test_a_form_without_its_csrf_token_is_refused
            # turns it back on. The real server in server/ and browser/ tests keeps it on.
            "WTF_CSRF_ENABLED": False,
        }
    )
    with app.app_context():
        db.create_all()
        seed_defaults(db.session)
        db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def api_answers_match_the_document(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every API answer a test sees, checked against the OpenAPI document when it ends
    (tests/openapi_check.py): a new answer, status or error code must be declared."""
    if "app" not in request.fixturenames:
        yield
        return
    app = request.getfixturevalue("app")
    seen = record_answers(app)
    yield
    assert problems(app, seen) == []


@pytest.fixture
def session(app: Flask) -> Iterator[Any]:
    """A database session for service tests, inside an app context."""
    with app.app_context():
        yield db.session


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def set_today(app: Flask) -> Callable[[date], None]:
    """Move the app's clock to noon of a day at the site."""

    def move(day: date) -> None:
        moment = datetime.combine(day, time(12, 0), tzinfo=ZoneInfo(TZ)).astimezone(UTC)
        app.config["CLOCK"] = lambda: moment

    return move


@pytest.fixture
def make_user(app: Flask) -> Callable[..., str]:
    """A user of the role with the password PASSWORD. The hash is a cheap one: the real cost
    (scrypt) for every user would be most of the suite's time; tests/auth checks the real one."""
    counter = iter(range(1, 10_000))

    def make(role: str = "volunteer", username: str | None = None) -> str:
        name = username or f"{role}{next(counter)}"
        with app.app_context():
            db.session.add(User(username=name, role=role, password_hash=CHEAP_HASH))
            db.session.commit()
        return name

    return make


class Api:
    """A JSON API client with a bearer token."""

    def __init__(self, client: FlaskClient, token: str) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"}

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.client.get(path, headers=self.headers, **kwargs)

    def post(self, path: str, json: Any = None, **kwargs: Any) -> Any:
        return self.client.post(path, json=json, headers=self.headers, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Any:
        return self.client.delete(path, headers=self.headers, **kwargs)

    def patch(self, path: str, json: Any = None, **kwargs: Any) -> Any:
        return self.client.patch(path, json=json, headers=self.headers, **kwargs)


@pytest.fixture
def api(app: Flask, client: FlaskClient, make_user: Callable[..., str]) -> Callable[[str], Api]:
    def for_role(role: str = "coordinator") -> Api:
        name = make_user(role)
        with app.app_context():
            from app.auth.services import find_user

            token = issue_api_token(db.session, find_user(db.session, name))  # type: ignore[arg-type]
            db.session.commit()
        return Api(client, token)

    return for_role


@pytest.fixture
def login(client: FlaskClient, make_user: Callable[..., str]) -> Callable[[str], FlaskClient]:
    def as_role(role: str = "coordinator") -> FlaskClient:
        name = make_user(role)
        response = client.post("/login", data={"username": name, "password": PASSWORD})
        assert response.status_code == 302, response.text
        return client

    return as_role


# Names told apart by the duplicate check (households.duplicates): each call of member()
# takes the next pair, so households registered in one test are different people unless the
# test says otherwise. The lengths are coprime: 23 × 29 calls before a pair comes back.
GIVEN_NAMES = [
    "Olena",
    "Taras",
    "Iryna",
    "Bohdan",
    "Oksana",
    "Dmytro",
    "Halyna",
    "Serhii",
    "Larysa",
    "Andrii",
    "Nadiia",
    "Mykola",
    "Zoriana",
    "Petro",
    "Vira",
    "Stepan",
    "Liudmyla",
    "Roman",
    "Tetiana",
    "Yaroslav",
    "Khrystyna",
    "Vasyl",
    "Marta",
]
FAMILY_NAMES = [
    "Koval",
    "Bondar",
    "Tkachenko",
    "Melnyk",
    "Shevchuk",
    "Kravets",
    "Lysenko",
    "Moroz",
    "Rudenko",
    "Savchuk",
    "Pavlenko",
    "Marchuk",
    "Hnatiuk",
    "Fedorov",
    "Levchenko",
    "Zinchenko",
    "Ostapchuk",
    "Voloshyn",
    "Dovzhenko",
    "Sydorenko",
    "Kuzmych",
    "Prykhodko",
    "Horbach",
    "Bilyk",
    "Ilchuk",
    "Romaniuk",
    "Tymoshuk",
    "Honchar",
    "Zhuravel",
]


def member(
    given: str | None = None,
    family: str | None = None,
    born: str | None = None,
    sex: str = "F",
    relationship: str = "head",
    doc: str | None = None,
    doc_type: str = "passport",
    **extra: Any,
) -> dict[str, Any]:
    """A member as the API takes it; a unique document number unless one is given, and a
    name of its own (GIVEN_NAMES, FAMILY_NAMES) unless one is given. A health flag comes with
    the person's consent unless the test says otherwise."""
    health = ("disability", "chronic_disease", "pregnant_or_breastfeeding")
    if any(extra.get(flag) is True for flag in health):
        extra = {"health_consent": True} | extra
    member.counter += 1  # type: ignore[attr-defined]
    count = member.counter  # type: ignore[attr-defined]
    number = doc or f"FA{count:06d}"
    return {
        "given_name": GIVEN_NAMES[count % len(GIVEN_NAMES)] if given is None else given,
        "family_name": FAMILY_NAMES[count % len(FAMILY_NAMES)] if family is None else family,
        # A child is born after its parents (households.rules.child_problem).
        "birth_date": born or ("2015-06-01" if relationship == "child" else "1985-03-02"),
        "sex": sex,
        "relationship": relationship,
        "documents": [{"type": doc_type, "number": number, "country": "UKR"}],
        **extra,
    }


member.counter = 0  # type: ignore[attr-defined]


@pytest.fixture
def register(api: Callable[[str], Api]) -> Callable[..., dict[str, Any]]:
    """Register a household through the API; returns its JSON (with the card's QR)."""
    desk = None

    def make(*members: dict[str, Any], **fields: Any) -> dict[str, Any]:
        nonlocal desk
        desk = desk or api("volunteer")
        body = {"members": list(members) or [member()], **fields}
        response = desk.post("/api/v1/households", json=body)
        assert response.status_code == 201, response.text
        return response.get_json()

    return make


@pytest.fixture
def stock_up(api: Callable[[str], Api]) -> Callable[..., None]:
    """Record a donation of the given quantities (default: 100 of each default item)."""

    def give(**quantities: int) -> None:
        lines = quantities or {
            "FOOD": 100,
            "HYGIENE": 100,
            "BABY": 100,
            "CHILD_VOUCHER": 100,
            "MEDICAL_VOUCHER": 100,
        }
        items = [{"sku": sku.replace("_", "-"), "quantity": q} for sku, q in lines.items()]
        response = api("stock_manager").post(
            "/api/v1/donations", json={"donor": "World Vision", "items": items}
        )
        assert response.status_code == 201, response.text

    return give


@pytest.fixture
def live_server(app: Flask, database_url: str) -> Iterator[Any]:
    """The real waitress server on a free port, serving this test's database."""
    from tests.live import start_server

    server = start_server(database_url)
    yield server
    server.stop()


@pytest.fixture
def token_for(app: Flask, make_user: Callable[..., str]) -> Callable[[str], str]:
    """A new user of the role, and an API token for it."""

    def make(role: str = "coordinator") -> str:
        name = make_user(role)
        with app.app_context():
            from app.auth.services import find_user

            token = issue_api_token(db.session, find_user(db.session, name))  # type: ignore[arg-type]
            db.session.commit()
        return token

    return make
