"""flask --app wsgi ...: the same services as the pages, from a terminal."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from flask_migrate import upgrade

from app.auth.models import ROLES, User
from app.auth.services import (
    count_coordinators,
    create_user,
    find_user,
    generate_password,
    issue_api_token,
    set_active,
    set_password,
)
from app.errors import DomainError, ValidationFailed
from app.extensions import db
from app.households.cli import documents
from app.households.key_conflicts import count_key_conflicts
from app.households.services import index_missing_names
from app.ops.cli import register_ops_commands
from app.privacy.cli import privacy
from app.reports.cli import register_report_commands
from app.setup import seed_defaults

users = AppGroup("users", help="Accounts and API tokens.")


def _fail(exc: DomainError) -> None:
    detail = (
        "; ".join(f"{k}: {v}" for k, v in exc.fields.items())
        if isinstance(exc, ValidationFailed)
        else ""
    )
    raise click.ClickException(f"{exc.message} {detail}".strip())


@click.command("init-db")
@with_appcontext
def init_db() -> None:
    """Create or upgrade the schema, and seed the defaults into an empty database."""
    upgrade()
    created = seed_defaults(db.session, current_app.config["AID_SITE"])
    indexed = index_missing_names(db.session)
    if indexed:
        created.append(f"name search keys for {indexed} people")
    db.session.commit()
    click.echo("Database is up to date." + (f" Created: {', '.join(created)}." if created else ""))
    waiting = count_key_conflicts(db.session)
    if waiting:  # documents registered twice on two keyboards (migration 0014)
        click.echo(
            f"Documents registered twice, waiting for a coordinator: {waiting} "
            "(flask documents conflicts, or /households/document-conflicts)."
        )


@users.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def users_create(username: str, role: str, password: str) -> None:
    """Create an account."""
    try:
        create_user(db.session, username, role, password)
    except DomainError as exc:
        _fail(exc)
    db.session.commit()
    click.echo(f"Created {role} {username}.")


@users.command("token")
@click.argument("username")
def users_token(username: str) -> None:
    """Print a new API token for USERNAME, as the only line on stdout."""
    user = find_user(db.session, username)
    if user is None:
        raise click.ClickException(f"No user {username}.")
    token = issue_api_token(db.session, user)
    db.session.commit()
    click.echo(token)


def _user(username: str) -> User:
    user = find_user(db.session, username)
    if user is None:
        raise click.ClickException(f"No user {username}.")
    return user


@users.command("deactivate")
@click.argument("username")
def users_deactivate(username: str) -> None:
    """Deactivate an account: its sessions and API tokens end at once."""
    set_active(db.session, _user(username), False)
    db.session.commit()
    click.echo(f"Deactivated {username}; its sessions and tokens no longer work.")


@users.command("activate")
@click.argument("username")
def users_activate(username: str) -> None:
    """Reactivate an account (it needs a new API token; its old ones stay revoked)."""
    set_active(db.session, _user(username), True)
    db.session.commit()
    click.echo(f"Reactivated {username}.")


@users.command("password")
@click.argument("username")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def users_password(username: str, password: str) -> None:
    """Set a new password: every session and API token of the account ends at once, and the
    account's next login must choose its own password."""
    try:
        set_password(db.session, _user(username), password, one_time=True)
    except DomainError as exc:
        _fail(exc)
    db.session.commit()
    click.echo(
        f"New password set for {username}; its sessions and API tokens have ended."
        " It must be changed at the next login."
    )


@users.command("bootstrap")
@click.option("--username", default="coordinator", show_default=True)
def users_bootstrap(username: str) -> None:
    """Create the first coordinator, with a generated password, if there is no coordinator."""
    if count_coordinators(db.session):
        return
    password = generate_password()
    try:
        create_user(db.session, username, "coordinator", password, one_time=True)
    except DomainError as exc:
        _fail(exc)
    db.session.commit()
    click.echo(f"First coordinator account: {username}")
    click.echo(f"One-time password:         {password}")
    click.echo("Write it down now: it is not stored anywhere in clear.")


@click.command("seed-demo")
@click.option("--households", default=1000, show_default=True, type=click.IntRange(1, 1_000_000))
@click.option("--days", default=120, show_default=True, type=click.IntRange(1, 3650))
@with_appcontext
def seed_demo_command(households: int, days: int) -> None:
    """Fill the database with demo families, cards, visits and donations (never on a live site)."""
    from app import context
    from app.demo import seed_demo

    try:
        summary = seed_demo(
            db.session,
            households=households,
            days=days,
            today=context.today(),
            card_key=current_app.config["CARD_KEY"],
            site_code=current_app.config["AID_SITE"],
        )
    except LookupError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(
        f"Added {summary.households} households, {summary.members} people, "
        f"{summary.visits} past visits."
    )


def register_commands(app: Flask) -> None:
    app.cli.add_command(init_db)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(users)
    app.cli.add_command(privacy)
    app.cli.add_command(documents)
    register_ops_commands(app)
    register_report_commands(app)
