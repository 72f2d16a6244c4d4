from tests.conftest import PASSWORD


def test_login_with_the_right_password_opens_the_desk(client, make_user) -> None:  # type: ignore[no-untyped-def]
    name = make_user("volunteer")
    response = client.post("/login", data={"username": name, "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/desk"


def test_wrong_password_says_so_and_signs_in_no_one(client, make_user) -> None:  # type: ignore[no-untyped-def]
    name = make_user("volunteer")
    response = client.post("/login", data={"username": name, "password": "wrong password"})
    assert response.status_code == 200
    assert "Wrong user name or password" in response.text
    assert client.get("/desk").status_code == 302


def test_login_follows_next_only_within_the_site(client, make_user) -> None:  # type: ignore[no-untyped-def]
    name = make_user("coordinator")
    data = {"username": name, "password": PASSWORD}
    response = client.post("/login?next=//evil.example/x", data=data)
    assert response.headers["Location"] == "/desk"
    client.post("/logout")
    response = client.post("/login?next=/stock", data=data)
    assert response.headers["Location"] == "/stock"


def test_logout_ends_the_session(login) -> None:  # type: ignore[no-untyped-def]
    client = login("coordinator")
    response = client.post("/logout")
    assert response.status_code == 302
    # The browser's cache of the account's pages goes with it (decision 0033).
    assert response.headers["Clear-Site-Data"] == '"cache"'
    assert client.get("/desk").status_code == 302


def test_deactivated_user_loses_the_session_at_once(app, login) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import update

    from app.auth.models import User
    from app.extensions import db

    client = login("volunteer")
    with app.app_context():
        db.session.execute(update(User).values(active=False))
        db.session.commit()
    assert client.get("/desk").status_code == 302


def test_pages_carry_security_headers(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/login")
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"


def test_a_form_without_its_csrf_token_is_refused(app, make_user) -> None:  # type: ignore[no-untyped-def]
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    name = make_user("volunteer")
    response = client.post("/login", data={"username": name, "password": PASSWORD})
    assert response.status_code == 400


def test_passwords_are_stored_as_real_hashes(app) -> None:  # type: ignore[no-untyped-def]
    from app.auth.services import authenticate, create_user
    from app.extensions import db

    with app.app_context():
        user = create_user(db.session, "real", "volunteer", PASSWORD)
        assert user.password_hash.startswith("scrypt:") and PASSWORD not in user.password_hash
        assert authenticate(db.session, "real", PASSWORD) is user
        assert authenticate(db.session, "real", PASSWORD + "x") is None
