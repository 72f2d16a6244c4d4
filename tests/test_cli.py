"""flask --app wsgi ...: init-db, users create, users token, users bootstrap."""

from flask import Flask
from sqlalchemy import func, select

from app.auth.services import user_for_token
from app.extensions import db
from app.stock.models import Item


def test_init_db_is_safe_to_run_twice(app: Flask) -> None:
    runner = app.test_cli_runner()
    with app.app_context():
        db.drop_all()
    first = runner.invoke(args=["init-db"])
    assert first.exit_code == 0, first.output
    assert "default catalog" in first.output
    second = runner.invoke(args=["init-db"])
    assert second.exit_code == 0 and "Created" not in second.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Item.id))) == 5


def test_users_create_then_token_prints_only_the_token(app: Flask) -> None:
    runner = app.test_cli_runner(mix_stderr=False) if _mixes() else app.test_cli_runner()
    created = runner.invoke(
        args=["users", "create", "ana", "--role", "volunteer", "--password", "long enough pw"]
    )
    assert created.exit_code == 0, created.output
    result = runner.invoke(args=["users", "token", "ana"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    with app.app_context():
        user = user_for_token(db.session.connection(), lines[0])
        assert user is not None and user.username == "ana"


def test_users_create_refuses_a_short_password_and_a_taken_name(app: Flask) -> None:
    runner = app.test_cli_runner()
    short = runner.invoke(
        args=["users", "create", "bo", "--role", "volunteer", "--password", "short"]
    )
    assert short.exit_code != 0 and "at least 10 characters" in short.output
    args = ["users", "create", "bo", "--role", "volunteer", "--password", "long enough pw"]
    assert runner.invoke(args=args).exit_code == 0
    again = runner.invoke(args=args)
    assert again.exit_code != 0 and "exists already" in again.output


def test_bootstrap_creates_one_coordinator_once(app: Flask) -> None:
    runner = app.test_cli_runner()
    first = runner.invoke(args=["users", "bootstrap"])
    assert "First coordinator account: coordinator" in first.output
    assert runner.invoke(args=["users", "bootstrap"]).output == ""


def _mixes() -> bool:
    import inspect

    from flask.testing import FlaskCliRunner

    return "mix_stderr" in inspect.signature(FlaskCliRunner.__init__).parameters


def test_seed_demo_names_a_site_that_is_not_there_and_adds_nothing(app: Flask) -> None:
    from app.households.models import Household

    app.config["AID_SITE"] = "NOWHERE"
    result = app.test_cli_runner().invoke(args=["seed-demo", "--households", "3", "--days", "2"])
    assert result.exit_code == 1, result.output
    assert "No site NOWHERE" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    with app.app_context():
        assert db.session.scalar(select(func.count(Household.id))) == 0
