"""One JSON line per request on stderr, with a request id, and nothing personal in it."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from app.config import ConfigError
from tests.conftest import member


def request_lines(stderr: str) -> list[dict[str, Any]]:
    lines = [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]
    return [line for line in lines if "request_id" in line]


def test_each_request_writes_one_line_with_the_callers_request_id(
    client: FlaskClient, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    response = client.get("/login?next=/desk", headers={"X-Request-Id": "proxy-7f3a.b_2"})
    assert response.headers["X-Request-Id"] == "proxy-7f3a.b_2"
    [line] = request_lines(capsys.readouterr().err)
    assert set(line) == {
        "time",
        "level",
        "request_id",
        "method",
        "path",
        "status",
        "duration_ms",
        "user_id",
        "pid",
    }
    assert line["request_id"] == "proxy-7f3a.b_2"
    assert (line["method"], line["path"], line["status"]) == ("GET", "/login", 200)
    assert (line["level"], line["user_id"]) == ("info", None)
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["pid"] == os.getpid()  # which server process answered (app.ops.serve)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", line["time"])


@pytest.mark.parametrize("offered", ["", "a b", "<script>", "é", "x" * 65, 'x","status":200'])
def test_a_request_id_that_is_not_a_short_safe_token_is_replaced(
    client: FlaskClient, capsys: pytest.CaptureFixture[str], offered: str
) -> None:
    capsys.readouterr()
    given = client.get("/login", headers={"X-Request-Id": offered}).headers["X-Request-Id"]
    assert re.fullmatch(r"[0-9a-f]{16}", given)
    assert request_lines(capsys.readouterr().err)[0]["request_id"] == given


def test_a_desks_heartbeat_stays_out_of_the_info_log(
    client: FlaskClient, capsys: pytest.CaptureFixture[str]
) -> None:
    """An offline-capable desk asks several times a second whether the server is there."""
    capsys.readouterr()
    client.get("/static/favicon.svg", headers={"X-Desk-Heartbeat": "1"}).close()
    assert request_lines(capsys.readouterr().err) == []
    client.get("/static/favicon.svg").close()
    assert len(request_lines(capsys.readouterr().err)) == 1


def test_two_requests_get_two_ids(client: FlaskClient) -> None:
    first = client.get("/login").headers["X-Request-Id"]
    assert client.get("/login").headers["X-Request-Id"] != first


def test_the_log_names_the_user_by_id_and_holds_no_personal_value(
    api: Any, login: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    desk = api("volunteer")
    head = member(given="Zinaida", family="Oliinyk", doc="ZX 918273")
    child = member(
        given="Myroslava",
        family="Oliinyk",
        born="2020-05-05",
        relationship="child",
        doc="I-БК 554433",
        doc_type="birth_certificate",
    )
    capsys.readouterr()
    created = desk.post("/api/v1/households", json={"members": [head, child]})
    assert created.status_code == 201, created.text
    card = created.get_json()["card"]
    household = created.get_json()["id"]
    desk.get("/api/v1/eligibility", query_string={"qr": card["qr"]})
    desk.post("/api/v1/distributions", json={"qr": card["qr"]})
    desk.get("/api/v1/people", query_string={"q": "Oliinyk"})
    desk.get(f"/api/v1/households/{household}")
    login("volunteer").get("/households/search", query_string={"q": "ZX918273"})
    desk.client.get(f"/{card['qr']}")  # a card scanned into the address bar: no route
    err = capsys.readouterr().err

    personal = [
        "Zinaida",
        "Oliinyk",
        "Myroslava",
        "ZX 918273",
        "ZX918273",
        "554433",
        "1985-03-02",
        "2020-05-05",
        card["qr"],
        card["qr"].removeprefix("AD1-"),
        card["number"],
        card["number"].replace(" ", ""),
    ]
    assert [value for value in personal if value.lower() in err.lower()] == []

    lines = request_lines(err)
    assert [(line["method"], line["status"]) for line in lines][:3] == [
        ("POST", 201),
        ("GET", 200),
        ("POST", 201),
    ]
    assert lines[0]["path"] == "/api/v1/households"
    assert isinstance(lines[0]["user_id"], int)
    assert lines[-1]["path"] == "(no route)"


def test_aid_log_level_warning_keeps_requests_out_of_the_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AID_LOG_LEVEL", "warning")
    app = _app(tmp_path)
    capsys.readouterr()
    app.test_client().get("/login")
    assert request_lines(capsys.readouterr().err) == []


def test_an_unknown_log_level_stops_the_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AID_LOG_LEVEL", "LOUD")
    with pytest.raises(ConfigError, match="AID_LOG_LEVEL"):
        _app(tmp_path)


def _app(tmp_path: Path) -> Flask:
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "s",
            "CARD_KEY": "c",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}",
        }
    )
