"""Passwords and failed logins: slow an attacker, never lock a colleague out, log everything."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask

from app.auth.passwords import password_problem
from app.auth.services import create_user
from app.errors import ValidationFailed
from app.extensions import db
from tests.conftest import PASSWORD


@pytest.mark.parametrize(
    "password", ["short", "qwertyuiop", "1234567890", "Password123", "aaaaaaaaaaaa", "monkey12345"]
)
def test_short_and_common_passwords_are_refused(password: str) -> None:
    assert password_problem(password) is not None


def test_a_long_uncommon_password_will_do() -> None:
    assert password_problem("correct horse battery") is None
    assert password_problem("olena.koval.2026", "olena.koval") is not None


def test_creating_a_user_with_a_common_password_fails(session: Any) -> None:
    with pytest.raises(ValidationFailed) as refused:
        create_user(session, "newcomer", "volunteer", "password123")
    assert "password" in refused.value.fields


def _try(client: Any, name: str, password: str, address: str) -> Any:
    return client.post(
        "/login",
        data={"username": name, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def _clock(app: Flask, set_today: Any) -> list[Any]:
    from datetime import date

    set_today(date(2026, 3, 1))
    start = app.config["CLOCK"]()
    moment = [start]
    app.config["CLOCK"] = lambda: moment[0]
    return moment


def test_failed_logins_slow_down_the_account_from_a_new_address(
    app: Flask, client: Any, make_user: Any, set_today: Any
) -> None:
    moment = _clock(app, set_today)
    name = make_user("coordinator")
    for _ in range(5):  # five failures are free
        assert _try(client, name, "wrong guess here", "10.0.0.66").status_code == 200
    throttled = _try(client, name, PASSWORD, "10.0.0.66")
    assert throttled.status_code == 429 and "try again in" in throttled.text
    moment[0] += timedelta(seconds=1)  # 1 second, then 2, 4, 8 ... after each new failure
    assert _try(client, name, "wrong again here", "10.0.0.66").status_code == 200
    moment[0] += timedelta(seconds=1)
    assert _try(client, name, PASSWORD, "10.0.0.66").status_code == 429
    moment[0] += timedelta(seconds=1)
    assert _try(client, name, PASSWORD, "10.0.0.66").status_code == 302


def test_an_attacker_elsewhere_does_not_lock_the_owner_out_of_the_usual_desk(
    app: Flask, client: Any, make_user: Any, set_today: Any
) -> None:
    _clock(app, set_today)
    name = make_user("volunteer")
    assert _try(app.test_client(), name, PASSWORD, "10.0.0.5").status_code == 302  # the desk
    for _ in range(15):
        _try(client, name, "wrong guess here", "10.0.0.66")
    assert _try(client, name, PASSWORD, "10.0.0.66").status_code == 429
    assert _try(app.test_client(), name, PASSWORD, "10.0.0.5").status_code == 302


def test_many_failures_from_one_address_slow_that_address_for_every_account(
    app: Flask, client: Any, make_user: Any, set_today: Any
) -> None:
    moment = _clock(app, set_today)
    names = [make_user("volunteer") for _ in range(20)]
    for name in names[:20]:  # one guess per account: the account limits never start
        assert _try(client, name, "wrong guess here", "10.0.0.77").status_code == 200
    assert _try(client, make_user("volunteer"), PASSWORD, "10.0.0.77").status_code == 429
    moment[0] += timedelta(seconds=61)
    assert _try(client, make_user("volunteer"), PASSWORD, "10.0.0.77").status_code == 302


def test_the_counts_are_in_the_database_so_every_process_sees_them(
    app: Flask, client: Any, make_user: Any, set_today: Any
) -> None:
    from app.auth.models import LoginAttempt

    _clock(app, set_today)
    name = make_user("volunteer")
    _try(client, name, "wrong guess here", "10.0.0.66")
    with app.app_context():
        rows = db.session.query(LoginAttempt).all()
        assert [(r.username, r.address, r.succeeded) for r in rows] == [(name, "10.0.0.66", False)]


def test_logins_and_failures_are_logged_without_the_password(
    client: Any, make_user: Any, capsys: Any
) -> None:
    name = make_user("volunteer")
    _try(client, name, "wrong guess here", "10.0.0.9")
    _try(client, name, PASSWORD, "10.0.0.9")
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    events = [line for line in lines if "event" in line]
    assert [e["event"] for e in events] == ["login_failed", "login"]
    assert all(e["address"] == "10.0.0.9" and isinstance(e["user_id"], int) for e in events)
    text = json.dumps(lines)
    assert PASSWORD not in text and "wrong guess here" not in text


def test_the_first_coordinator_gets_a_generated_password(app: Flask) -> None:
    from app.auth.models import User

    with app.app_context():
        assert db.session.query(User).count() == 0  # no default account
    result = app.test_cli_runner().invoke(args=["users", "bootstrap"])
    assert "One-time password" in result.output
    password = result.output.split("One-time password:")[1].split()[0]
    assert password_problem(password, "coordinator") is None


def test_users_deactivate_on_the_command_line(app: Flask, make_user: Any) -> None:
    from app.auth.services import find_user

    name = make_user("volunteer")
    result = app.test_cli_runner().invoke(args=["users", "deactivate", name])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert find_user(db.session, name).active is False  # type: ignore[union-attr]


def test_a_coordinator_deactivates_an_account_on_the_accounts_page(
    app: Flask, login: Any, make_user: Any
) -> None:
    from app.auth.services import find_user

    name = make_user("volunteer")
    coordinator = login("coordinator")
    assert name in coordinator.get("/accounts").text
    with app.app_context():
        user_id = find_user(db.session, name).id  # type: ignore[union-attr]
    assert coordinator.post(f"/accounts/{user_id}/active").status_code == 302
    with app.app_context():
        assert find_user(db.session, name).active is False  # type: ignore[union-attr]
    created = coordinator.post("/accounts", data={"username": "newdesk", "role": "volunteer"})
    assert created.status_code == 200 and "One-time password" in created.text
    assert "One-time password" not in coordinator.get("/accounts").text  # shown once


def test_behind_a_declared_proxy_each_desk_counts_by_its_own_address(
    app: Flask, make_user: Any, set_today: Any
) -> None:
    from app import register_proxies
    from app.auth.models import LoginAttempt

    _clock(app, set_today)
    name = make_user("volunteer")

    def attempt(forwarded: str) -> None:
        app.test_client().post(
            "/login",
            data={"username": name, "password": "wrong guess here"},
            environ_base={"REMOTE_ADDR": "127.0.0.1"},  # the proxy
            headers={"X-Forwarded-For": forwarded},
        )

    attempt("10.0.0.5")  # no proxy declared: the header is not believed
    app.config["AID_PROXIES"] = 1
    register_proxies(app)
    attempt("10.0.0.6")
    attempt("6.6.6.6, 10.0.0.7")  # a desk cannot pose as another: only the last hop counts
    with app.app_context():
        addresses = [r.address for r in db.session.query(LoginAttempt).order_by(LoginAttempt.id)]
    assert addresses == ["127.0.0.1", "10.0.0.6", "10.0.0.7"]
