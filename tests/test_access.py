"""Every route of the app has a row in tests/access_table.py, and every cell holds."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule

from app.auth.access import PUBLIC
from app.extensions import db
from tests.access_table import ACCESS, ROLES, allowed
from tests.conftest import PASSWORD

UNDECLARED_OK = {"static"}
IGNORED_METHODS = {"HEAD", "OPTIONS"}


def app_routes(app: Flask) -> Iterator[tuple[str, str, Rule]]:
    for rule in app.url_map.iter_rules():
        if rule.endpoint in UNDECLARED_OK:
            continue
        for method in sorted((rule.methods or set()) - IGNORED_METHODS):
            yield method, rule.endpoint, rule


def test_every_route_and_method_has_a_row_in_the_access_table(app: Flask) -> None:
    missing = [
        f"{method} {endpoint} ({rule.rule}): add a row "
        f'("{method}", "{endpoint}"): "? ? ? ? ?" to tests/access_table.py'
        for method, endpoint, rule in app_routes(app)
        if (method, endpoint) not in ACCESS
    ]
    assert missing == [], "\n".join(missing)


def test_the_access_table_names_no_route_that_is_gone(app: Flask) -> None:
    routes = {(method, endpoint) for method, endpoint, _ in app_routes(app)}
    assert sorted(set(ACCESS) - routes) == []


def test_every_route_declares_its_roles(app: Flask) -> None:
    missing = [
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint not in UNDECLARED_OK
        and not hasattr(app.view_functions[rule.endpoint], "allowed_roles")
    ]
    assert missing == []


def test_only_the_login_the_front_door_the_health_check_and_the_familys_check_are_public(
    app: Flask,
) -> None:
    public = sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if getattr(app.view_functions[rule.endpoint], "allowed_roles", None) == PUBLIC
    )
    # /check: the family's own check of its next date, with no login (decision 0028).
    assert public == ["/", "/check", "/check", "/healthz", "/login"]


def _url(rule: Rule, method: str) -> str:
    # Reads open a real record (household 1 exists); writes aim at an id that does not, so
    # a coordinator's empty POST changes nothing that the next cell relies on.
    value = 1 if method == "GET" else 2**31 - 1
    return rule.build({name: value for name in rule.arguments})[1]


def _kept_out(response: Any) -> bool:
    if response.status_code in (401, 403):
        return True
    location = response.headers.get("Location", "")
    return response.status_code == 302 and location.startswith("/login?next=")


@pytest.fixture
def callers(
    app: Flask, make_user: Callable[..., str], register: Callable[..., Any]
) -> Callable[[str, bool], tuple[FlaskClient, dict[str, str]]]:
    """A fresh client signed in as the role (by session, or with a token for the API)."""
    from app.auth.services import find_user, issue_api_token, set_active

    register()  # household 1

    def caller(role: str, api: bool) -> tuple[FlaskClient, dict[str, str]]:
        client = app.test_client()
        if role == "anonymous":
            return client, {}
        name = make_user("volunteer" if role == "deactivated" else role)
        headers: dict[str, str] = {}
        if api:
            with app.app_context():
                token = issue_api_token(db.session, find_user(db.session, name))  # type: ignore[arg-type]
                db.session.commit()
            headers = {"Authorization": f"Bearer {token}"}
        else:
            response = client.post("/login", data={"username": name, "password": PASSWORD})
            assert response.status_code == 302
        if role == "deactivated":
            with app.app_context():
                set_active(db.session, find_user(db.session, name), False)  # type: ignore[arg-type]
                db.session.commit()
        return client, headers

    return caller


def test_every_cell_of_the_access_table_holds(app: Flask, callers: Any) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False
    wrong = []
    for method, endpoint, rule in app_routes(app):
        expected = allowed(method, endpoint)
        url = _url(rule, method)
        for role in ROLES:
            client, headers = callers(role, url.startswith("/api/"))
            response = client.open(url, method=method, headers=headers)
            assert response.status_code != 500, f"{method} {url} as {role}: 500"
            if _kept_out(response) == expected[role]:
                got = "kept out" if expected[role] else "let in"
                wrong.append(f"{method} {endpoint} as {role}: {got} ({response.status_code})")
    assert wrong == []


def test_pages_send_anonymous_visitors_to_the_login(client: FlaskClient) -> None:
    for path in ("/desk", "/households/new", "/stock", "/reports/today", "/households/1"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login")
