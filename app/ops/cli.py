"""flask --app wsgi backup FILE / restore FILE: the configured database, to and from a file."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade
from sqlalchemy import inspect

from app.audit.trail import acting
from app.extensions import db
from app.ops.backup import BackupError, backup, restore
from app.ops.standby_cli import standby
from app.privacy.register import Register, RegisterUnreadable, read_register, replay


def _database_url() -> str:
    return str(current_app.config["SQLALCHEMY_DATABASE_URI"])


def dated_name(folder: Path, moment: datetime) -> Path:
    return folder / f"aiddesk-{moment:%Y-%m-%d-%H%M%S}.backup"


@click.command("backup")
@click.argument("file", type=click.Path(path_type=Path))
@with_appcontext
def backup_command(file: Path) -> None:
    """Write a backup of the database to FILE; safe while the server is serving.

    FILE may be a folder: the backup is then aiddesk-YYYY-MM-DD-HHMMSS.backup in it.
    """
    if file.is_dir():
        file = dated_name(file, datetime.now().astimezone())
    try:
        made = backup(_database_url(), file)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Backed up the {made.engine} database to {made.path} ({made.size:,} bytes).")


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database that holds data.")
@with_appcontext
def restore_command(file: Path, force: bool) -> None:
    """Restore FILE, made by `backup`, into the configured database (stop the server first).

    The erasures recorded in the database being replaced are done again in the restored one,
    so a backup made before an erasure does not bring the person back.
    """
    try:
        register = read_register(_database_url())
    except RegisterUnreadable as exc:
        click.echo(
            f"The database being replaced cannot be read ({exc}): erasures made since the "
            "backup cannot be done again. Erase those households again after the restore.",
            err=True,
        )
        register = Register()
    try:
        engine = restore(_database_url(), file, force=force)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    db.engine.dispose()  # no pooled connection may keep the database that was replaced
    if register.erasures and not inspect(db.engine).has_table("erasures"):
        # A backup older than the register: it is brought up to date to be erased again.
        upgrade()
        click.echo("Upgraded the restored database to this AidDesk, to erase again in it.")
    with acting(None, "cli"):
        again = replay(db.session, register, upload_root=Path(current_app.config["AID_PHOTO_DIR"]))
        db.session.commit()
    click.echo(f"Restored the {engine} database from {file}.")
    if again:
        click.echo(f"Erased again {len(again)} households or people erased since the backup.")
    click.echo("If this AidDesk is newer than the backup, run `flask --app wsgi init-db` now.")


def register_ops_commands(app: Flask) -> None:
    app.cli.add_command(backup_command)
    app.cli.add_command(standby)
    app.cli.add_command(restore_command)
