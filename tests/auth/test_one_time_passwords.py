"""A password someone else has seen (a new account's, a reset one) is used once: the first
login chooses a new one before anything else, and it never travels in the session cookie."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask

from app.auth.services import find_user
from app.extensions import db

NEW = "my own long passphrase"


def _shown_password(text: str) -> str:
    found = re.search(r"(?:One-time password|New password for \S+): ([A-Za-z0-9_-]{16})", text)
    assert found, text
    return found.group(1)


def _cookie_session(app: Flask, client: Any) -> dict[str, Any]:
    cookie = client.get_cookie("session")
    if cookie is None:
        return {}
    return app.session_interface.get_signing_serializer(app).loads(cookie.value)  # type: ignore[attr-defined]


def _login(app: Flask, name: str, password: str) -> tuple[Any, Any]:
    client = app.test_client()
    return client, client.post("/login", data={"username": name, "password": password})


def test_a_new_account_chooses_its_own_password_before_anything_else(
    app: Flask, login: Any
) -> None:
    created = login("coordinator").post(
        "/accounts", data={"username": "newdesk", "role": "volunteer"}
    )
    password = _shown_password(created.text)
    client, first = _login(app, "newdesk", password)
    assert first.status_code == 302 and first.headers["Location"] == "/account/password"
    for path in ("/desk", "/households/search?q=x", "/"):
        held = client.get(path)
        assert held.status_code == 302 and held.headers["Location"] == "/account/password", path
    assert client.post("/desk/check", data={"scan": "1234567890"}).status_code == 302
    assert client.get("/account/password").status_code == 200
    same = client.post(
        "/account/password", data={"current": password, "new": password, "again": password}
    )
    assert same.status_code == 200 and "must differ from the current password" in same.text
    assert client.get("/desk").headers["Location"] == "/account/password"
    changed = client.post("/account/password", data={"current": password, "new": NEW, "again": NEW})
    assert changed.status_code == 302 and changed.headers["Location"] == "/login"
    assert _login(app, "newdesk", password)[1].status_code == 200  # the old one is gone
    client, second = _login(app, "newdesk", NEW)
    assert second.headers["Location"] == "/desk"
    assert client.get("/desk").status_code == 200


def test_a_password_reset_on_the_accounts_page_is_replaced_at_the_next_login(
    app: Flask, login: Any, make_user: Any
) -> None:
    name = make_user("volunteer")
    with app.app_context():
        user_id = find_user(db.session, name).id  # type: ignore[union-attr]
    reset = login("coordinator").post(f"/accounts/{user_id}/password")
    client, first = _login(app, name, _shown_password(reset.text))
    assert first.headers["Location"] == "/account/password"
    assert client.get("/desk").headers["Location"] == "/account/password"


def test_a_password_set_on_the_command_line_is_replaced_at_the_next_login(
    app: Flask, make_user: Any
) -> None:
    name = make_user("volunteer")
    app.test_cli_runner().invoke(args=["users", "password", name, "--password", "set by the admin"])
    client, first = _login(app, name, "set by the admin")
    assert first.headers["Location"] == "/account/password"
    assert client.get("/desk").headers["Location"] == "/account/password"


def test_the_first_coordinators_printed_password_is_replaced_at_the_first_login(
    app: Flask,
) -> None:
    result = app.test_cli_runner().invoke(args=["users", "bootstrap"])
    password = result.output.split("One-time password:")[1].split()[0]
    client, first = _login(app, "coordinator", password)
    assert first.headers["Location"] == "/account/password"
    assert client.get("/accounts").headers["Location"] == "/account/password"


def test_the_one_time_password_never_travels_in_the_session_cookie(
    app: Flask, login: Any, make_user: Any
) -> None:
    coordinator = login("coordinator")
    created = coordinator.post("/accounts", data={"username": "newdesk", "role": "volunteer"})
    password = _shown_password(created.text)
    assert password not in repr(_cookie_session(app, coordinator))
    assert password not in coordinator.get("/accounts").text  # shown once, at its creation
    with app.app_context():
        user_id = find_user(db.session, "newdesk").id  # type: ignore[union-attr]
    reset = coordinator.post(f"/accounts/{user_id}/password")
    again = _shown_password(reset.text)
    assert again not in repr(_cookie_session(app, coordinator))
