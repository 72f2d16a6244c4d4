from __future__ import annotations

from flask import Flask

from app.auth.models import User
from app.auth.services import load_session_user
from app.auth.sessions import check_session, require_own_password
from app.extensions import db, login_manager


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "strong"
    app.before_request(check_session)
    app.before_request(require_own_password)

    @login_manager.user_loader
    def _load(session_id: str) -> User | None:
        return load_session_user(db.session, session_id)
