"""flask --app wsgi standby replicate / config / promote: the standby laptop (app.ops.standby)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from app.ops.standby import (
    Replication,
    StandbyError,
    litestream_config,
    promote,
    replicate_command,
    sqlite_file,
    write_config,
)


def _replication(replica: str | None) -> Replication:
    config = current_app.config
    target = replica or config["AID_STANDBY_REPLICA"]
    if not target:
        raise StandbyError("set AID_STANDBY_REPLICA (or --replica): where the replica goes")
    return Replication(
        database=sqlite_file(str(config["SQLALCHEMY_DATABASE_URI"])),
        replica=target,
        retention_hours=int(config["AID_STANDBY_RETENTION_HOURS"]),
        ssh_key=config["AID_STANDBY_SSH_KEY"] or None,
        host_key=config["AID_STANDBY_HOST_KEY"] or None,
    )


@click.group("standby")
def standby() -> None:
    """Replicate the SQLite database to a standby laptop, and promote the standby."""


@standby.command("config")
@click.option("--replica", help="Where the replica goes; AID_STANDBY_REPLICA by default.")
@with_appcontext
def config_command(replica: str | None) -> None:
    """Print Litestream's configuration for this server."""
    try:
        click.echo(litestream_config(_replication(replica)), nl=False)
    except StandbyError as exc:
        raise click.ClickException(str(exc)) from None


@standby.command("replicate")
@click.option("--replica", help="Where the replica goes; AID_STANDBY_REPLICA by default.")
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write Litestream's configuration; instance/litestream.yml by default.",
)
@with_appcontext
def replicate(replica: str | None, config_path: Path | None) -> None:
    """Replicate the database to the standby until stopped (run it as a service).

    Writes instance/litestream.yml from the settings and runs `litestream replicate` on it.
    The server must run with the same AID_STANDBY_REPLICA, so that it leaves the
    checkpoints to Litestream.
    """
    try:
        replication = _replication(replica)
        where = config_path or Path(current_app.instance_path) / "litestream.yml"
        config = write_config(replication, where)
        command = replicate_command(config)
    except StandbyError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Replicating {replication.database.name} to {replication.replica}", err=True)
    sys.stdout.flush()
    os.execv(command[0], command)


@standby.command("promote")
@click.option(
    "--replica", help="The replica's folder on this laptop; AID_STANDBY_REPLICA by default."
)
@click.option("--force", is_flag=True, help="Replace a database file that is there already.")
@click.option("--serve", is_flag=True, help="Then serve, as scripts/run does (HOST, PORT).")
@with_appcontext
def promote_command(replica: str | None, force: bool, serve: bool) -> None:
    """Bring the replica up as the database of this laptop: restore its newest state into
    the configured database file and check it. The desks then resend what they journaled."""
    config = current_app.config
    target = replica or config["AID_STANDBY_REPLICA"]
    if not target:
        raise click.ClickException("set AID_STANDBY_REPLICA (or --replica): the replica's folder")
    try:
        database = sqlite_file(str(config["SQLALCHEMY_DATABASE_URI"]))
        promoted = promote(target, database, force=force)
    except StandbyError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(
        f"Promoted: {promoted.database} holds {promoted.handovers:,} handovers "
        f"(restored in {promoted.seconds:.1f} s)."
    )
    if serve:
        host = os.environ.get("HOST", "0.0.0.0")
        port = os.environ.get("PORT", "8000")
        threads = os.environ.get("THREADS", "8")
        command = [sys.executable, "-m", "waitress", f"--host={host}", f"--port={port}"]
        command += [f"--threads={threads}", "--ident=AidDesk", "wsgi:app"]
        click.echo(f"Serving on http://{host}:{port}")
        sys.stdout.flush()
        os.execv(command[0], command)
