"""The web front holds against the usual attacks: CSRF, writes on GET, framing, sniffing,
inline script, caches, error pages that tell too much, and a debugger left on."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from app import ROOT, create_app
from app.config import ConfigError
from app.db import Base
from app.extensions import db
from tests.conftest import PASSWORD
from tests.test_access import app_routes

# Rows a GET may add: the audit trail records who saw a document number or a health flag.
GET_MAY_ADD = {"audit_events"}


def _counts(app: Flask) -> dict[str, int]:
    with app.app_context():
        return {
            table.name: int(db.session.scalar(select(func.count()).select_from(table)) or 0)
            for table in Base.metadata.sorted_tables
            if table.name not in GET_MAY_ADD
        }


def test_no_get_route_changes_anything(
    app: Flask, login: Callable[[str], Any], register: Callable[..., Any], token_for: Any
) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False
    register()
    client = login("coordinator")
    headers = {"Authorization": f"Bearer {token_for('coordinator')}"}
    before = _counts(app)
    with app.app_context():
        users = db.session.execute(select(Base.metadata.tables["users"])).all()
    visited = []
    for method, _endpoint, rule in app_routes(app):
        if method != "GET":
            continue
        url = rule.build(dict.fromkeys(rule.arguments, 1))[1]
        response = client.get(url, headers=headers if url.startswith("/api/") else {})
        assert response.status_code != 500, url
        visited.append(url)
    assert _counts(app) == before
    with app.app_context():
        assert db.session.execute(select(Base.metadata.tables["users"])).all() == users
    assert len(visited) > 20


def test_every_page_form_post_without_its_csrf_token_is_refused(
    app: Flask, make_user: Callable[..., str]
) -> None:
    name = make_user("coordinator")
    client = app.test_client()
    assert client.post("/login", data={"username": name, "password": PASSWORD}).status_code == 302
    app.config["WTF_CSRF_ENABLED"] = True
    for method, endpoint, rule in app_routes(app):
        if method == "GET" or rule.rule.startswith("/api/"):
            continue
        url = rule.build(dict.fromkeys(rule.arguments, 1))[1]
        response = client.open(url, method=method, data={"x": "1"})
        assert response.status_code == 400, f"{method} {endpoint} took a form without a token"


def test_pages_carry_the_security_headers(login: Callable[[str], Any]) -> None:
    response = login("volunteer").get("/desk")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "no-store"


def test_no_template_carries_inline_script() -> None:
    for template in (ROOT / "templates").rglob("*.html"):
        text = template.read_text()
        inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", text)
        handlers = re.findall(r"\son[a-z]+\s*=", text)
        assert not inline and not handlers, f"{template.relative_to(ROOT)}: inline script"


def test_an_unexpected_error_shows_a_generic_page_and_no_detail(app: Flask) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("secret detail FA100200")

    boom.allowed_roles = frozenset({"anonymous"})  # type: ignore[attr-defined]
    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert "secret detail" not in response.text and "Traceback" not in response.text
    assert "Something went wrong" in response.text


def test_debug_mode_is_refused_outside_development(monkeypatch: Any, tmp_path: Path) -> None:
    monkeypatch.delenv("AID_ENV", raising=False)
    with pytest.raises(ConfigError):
        create_app(
            {
                "DEBUG": True,
                "SECRET_KEY": "x",
                "CARD_KEY": "y",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}",
            }
        )
    assert create_app(
        {
            "DEBUG": True,
            "AID_ENV": "development",
            "SECRET_KEY": "x",
            "CARD_KEY": "y",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}",
        }
    ).debug
