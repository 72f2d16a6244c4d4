"""Every route declares who may use it."""

from flask import Flask

from app.auth.access import PUBLIC

UNDECLARED_OK = {"static"}


def test_every_route_declares_its_roles(app: Flask) -> None:
    missing = [
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint not in UNDECLARED_OK
        and not hasattr(app.view_functions[rule.endpoint], "allowed_roles")
    ]
    assert missing == []


def test_only_the_login_the_front_door_and_the_health_check_are_public(app: Flask) -> None:
    public = sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if getattr(app.view_functions[rule.endpoint], "allowed_roles", None) == PUBLIC
    )
    assert public == ["/", "/healthz", "/login"]


def test_pages_send_anonymous_visitors_to_the_login(client) -> None:  # type: ignore[no-untyped-def]
    for path in ("/desk", "/households/new", "/stock", "/reports/today", "/households/1"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login")


def test_a_stock_manager_cannot_open_the_desk_or_a_household(login) -> None:  # type: ignore[no-untyped-def]
    client = login("stock_manager")
    assert client.get("/desk").status_code == 403
    assert client.get("/households/new").status_code == 403
    assert client.get("/reports/today").status_code == 403
    assert client.get("/stock").status_code == 200


def test_a_volunteer_cannot_see_stock_or_reports(login) -> None:  # type: ignore[no-untyped-def]
    client = login("volunteer")
    assert client.get("/stock").status_code == 403
    assert client.get("/reports/today").status_code == 403
    assert client.get("/desk").status_code == 200
