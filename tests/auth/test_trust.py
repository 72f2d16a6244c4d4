"""Trust in the accounts: a new password ends every API token, a logout ends the session on
the server, the current-password check is a login like any other, and a login never leads
off the site."""

from __future__ import annotations

import json
from typing import Any

from flask import Flask

from app.auth.models import LoginAttempt
from app.auth.services import find_user, issue_api_token
from app.extensions import db
from tests.conftest import PASSWORD


def _login(app: Flask, name: str, address: str = "127.0.0.1") -> Any:
    client = app.test_client()
    response = client.post(
        "/login",
        data={"username": name, "password": PASSWORD},
        environ_base={"REMOTE_ADDR": address},
    )
    assert response.status_code == 302
    return client


def _token(app: Flask, name: str) -> dict[str, str]:
    with app.app_context():
        token = issue_api_token(db.session, find_user(db.session, name))  # type: ignore[arg-type]
        db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def _api_works(app: Flask, headers: dict[str, str]) -> bool:
    return app.test_client().get("/api/v1/people?q=x", headers=headers).status_code == 200


def test_a_new_password_on_the_command_line_ends_every_api_token(
    app: Flask, make_user: Any
) -> None:
    name = make_user("volunteer")
    first, second = _token(app, name), _token(app, name)
    assert _api_works(app, first) and _api_works(app, second)
    result = app.test_cli_runner().invoke(
        args=["users", "password", name, "--password", "a fresh long passphrase"]
    )
    assert result.exit_code == 0, result.output
    assert not _api_works(app, first) and not _api_works(app, second)


def test_a_new_password_from_the_accounts_page_ends_every_api_token(
    app: Flask, make_user: Any, login: Any
) -> None:
    name = make_user("volunteer")
    headers = _token(app, name)
    with app.app_context():
        user_id = find_user(db.session, name).id  # type: ignore[union-attr]
    coordinator = login("coordinator")
    assert coordinator.post(f"/accounts/{user_id}/password").status_code == 200
    assert not _api_works(app, headers)


def test_changing_ones_own_password_ends_ones_api_tokens(app: Flask, make_user: Any) -> None:
    name = make_user("volunteer")
    headers = _token(app, name)
    new = "another long passphrase"
    client = _login(app, name)
    client.post("/account/password", data={"current": PASSWORD, "new": new, "again": new})
    assert not _api_works(app, headers)


def test_a_copied_session_cookie_is_refused_after_logout(app: Flask, make_user: Any) -> None:
    name = make_user("volunteer")
    client, phone = _login(app, name), _login(app, name)
    cookie = client.get_cookie("session")
    assert cookie is not None
    thief = app.test_client()
    thief.set_cookie("session", cookie.value)
    assert thief.get("/desk").status_code == 200  # a copy works while the session lives
    assert client.post("/logout").status_code == 302
    refused = thief.get("/desk")
    assert refused.status_code == 302 and refused.headers["Location"].startswith("/login")
    assert phone.get("/desk").status_code == 200  # the account's other session goes on


def test_a_wrong_current_password_counts_as_a_failed_login_and_is_throttled(
    app: Flask, make_user: Any, capsys: Any
) -> None:
    name = make_user("volunteer")
    client = _login(app, name)
    wrong = {"current": "not my password at all", "new": "x" * 12, "again": "x" * 12}
    for _ in range(5):  # as at /login: five failures are free
        assert client.post("/account/password", data=wrong).status_code == 200
    throttled = client.post(
        "/account/password",
        data={
            "current": PASSWORD,
            "new": "a fresh long passphrase",
            "again": "a fresh long passphrase",
        },
    )
    assert throttled.status_code == 429 and "try again in" in throttled.text
    with app.app_context():
        failures = db.session.query(LoginAttempt).filter_by(succeeded=False).count()
    assert failures == 5
    events = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    logged = [e["event"] for e in events if "event" in e]
    assert logged.count("password_check_failed") == 5 and "password_check_throttled" in logged
    assert "not my password at all" not in json.dumps(events)


def test_the_owner_at_a_known_desk_is_not_held_by_the_address_throttle(
    app: Flask, make_user: Any
) -> None:
    owner = make_user("coordinator")
    _login(app, owner, "10.0.0.5")  # the owner's usual desk
    guesser = app.test_client()
    for _ in range(25):  # someone at the same address sprays guesses over other names
        guesser.post(
            "/login",
            data={"username": make_user("volunteer"), "password": "wrong guess here"},
            environ_base={"REMOTE_ADDR": "10.0.0.5"},
        )
    stranger = app.test_client().post(
        "/login",
        data={"username": make_user("volunteer"), "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "10.0.0.5"},
    )
    assert stranger.status_code == 429  # the address's delay holds for names not known there
    _login(app, owner, "10.0.0.5")  # ... but not for the owner with the right password


def test_guessing_a_known_account_at_its_desk_is_still_slowed(app: Flask, make_user: Any) -> None:
    owner = make_user("coordinator")
    _login(app, owner, "10.0.0.5")
    client = app.test_client()
    for _ in range(5):
        client.post(
            "/login",
            data={"username": owner, "password": "wrong guess here"},
            environ_base={"REMOTE_ADDR": "10.0.0.5"},
        )
    again = client.post(
        "/login",
        data={"username": owner, "password": "wrong guess here"},
        environ_base={"REMOTE_ADDR": "10.0.0.5"},
    )
    assert again.status_code == 429


OFF_SITE = (
    "/%09/evil.example",
    "/%0A/x",
    "/%0D%0A/evil.example",
    "/%7F/evil.example",
    "%2F%2Fevil.example",
    "https://evil.example/desk",
    "/\\evil.example",
    "//evil.example",
    "javascript:alert(1)",
    "http:/desk",
)


def test_login_never_redirects_off_the_site_and_never_fails_on_next(
    client: Any, make_user: Any
) -> None:
    data = {"username": make_user("volunteer"), "password": PASSWORD}
    for target in OFF_SITE:
        response = client.post(f"/login?next={target}", data=data)
        assert response.status_code == 302, target
        location = response.headers["Location"]
        assert location == "/desk", (target, location)
        client.post("/logout")
    kept = client.post("/login?next=/households/search%3Fq%3Dpetrenko", data=data)
    assert kept.headers["Location"] == "/households/search?q=petrenko"  # a local path stays
