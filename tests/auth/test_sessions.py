"""Sessions end on the server's word: deactivation, a new password, idle and absolute limits."""

from __future__ import annotations

from typing import Any

from flask import Flask

from app.auth.services import find_user, set_active, set_password
from app.extensions import db
from tests.conftest import PASSWORD


def _login(app: Flask, name: str) -> Any:
    client = app.test_client()
    assert client.post("/login", data={"username": name, "password": PASSWORD}).status_code == 302
    return client


def test_deactivating_a_user_ends_every_session_and_token_at_once(
    app: Flask, make_user: Any, token_for: Any
) -> None:
    name = make_user("volunteer")
    first, second = _login(app, name), _login(app, name)
    with app.app_context():
        user = find_user(db.session, name)
        from app.auth.services import issue_api_token

        token = issue_api_token(db.session, user)  # type: ignore[arg-type]
        db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    assert first.get("/desk").status_code == 200
    assert app.test_client().get("/api/v1/people?q=x", headers=headers).status_code == 200
    with app.app_context():
        set_active(db.session, find_user(db.session, name), False)  # type: ignore[arg-type]
        db.session.commit()
    assert first.get("/desk").status_code == 302
    assert second.get("/desk").status_code == 302
    assert app.test_client().get("/api/v1/people?q=x", headers=headers).status_code == 401
    refused = app.test_client().post("/login", data={"username": name, "password": PASSWORD})
    assert refused.status_code == 200 and "Wrong user name or password" in refused.text


def test_a_new_password_ends_the_old_sessions(app: Flask, make_user: Any) -> None:
    name = make_user("volunteer")
    client = _login(app, name)
    with app.app_context():
        set_password(
            db.session, find_user(db.session, name), "a fresh long passphrase", one_time=True
        )  # type: ignore[arg-type]
        db.session.commit()
    assert client.get("/desk").status_code == 302


def test_changing_ones_own_password_on_the_page(app: Flask, make_user: Any) -> None:
    name = make_user("volunteer")
    client, other = _login(app, name), _login(app, name)
    new = "another long passphrase"
    response = client.post(
        "/account/password", data={"current": PASSWORD, "new": new, "again": new}
    )
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert other.get("/desk").status_code == 302
    again = app.test_client().post("/login", data={"username": name, "password": new})
    assert again.status_code == 302


def test_a_common_password_is_refused_on_the_page(app: Flask, make_user: Any) -> None:
    client = _login(app, make_user("volunteer"))
    response = client.post(
        "/account/password", data={"current": PASSWORD, "new": "qwertyuiop", "again": "qwertyuiop"}
    )
    assert response.status_code == 200 and "most common passwords" in response.text
    assert client.get("/desk").status_code == 200


def test_an_idle_session_ends_after_the_idle_limit(app: Flask, make_user: Any) -> None:
    moment = [1_000_000.0]
    app.config["SESSION_CLOCK"] = lambda: moment[0]
    client = _login(app, make_user("volunteer"))
    moment[0] += 29 * 60
    assert client.get("/desk").status_code == 200
    moment[0] += 29 * 60  # 29 minutes after the last request: still in
    assert client.get("/desk").status_code == 200
    moment[0] += 31 * 60
    assert client.get("/desk").status_code == 302


def test_a_busy_session_still_ends_at_the_absolute_limit(app: Flask, make_user: Any) -> None:
    moment = [1_000_000.0]
    app.config["SESSION_CLOCK"] = lambda: moment[0]
    client = _login(app, make_user("volunteer"))
    for _ in range(12 * 3 + 1):  # a request every 20 minutes, for over 12 hours
        moment[0] += 20 * 60
        client.get("/desk")
    assert client.get("/desk").status_code == 302


def test_the_idle_limit_is_configurable(app: Flask, make_user: Any) -> None:
    moment = [1_000_000.0]
    app.config.update(SESSION_CLOCK=lambda: moment[0], AID_SESSION_IDLE_MINUTES=5)
    client = _login(app, make_user("volunteer"))
    moment[0] += 6 * 60
    assert client.get("/desk").status_code == 302


def test_the_session_cookie_is_httponly_and_samesite_lax(app: Flask, make_user: Any) -> None:
    client = app.test_client()
    name = make_user("volunteer")
    response = client.post("/login", data={"username": name, "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_the_session_cookie_is_secure_over_https(monkeypatch: Any) -> None:
    from app.config import load_config

    monkeypatch.setenv("AID_HTTPS", "1")
    assert load_config(__import__("pathlib").Path("/nonexistent"))["SESSION_COOKIE_SECURE"] is True
