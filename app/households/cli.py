"""flask --app wsgi documents conflicts [--settle]: the documents registered twice, typed on
two keyboards, that wait for a coordinator (households.key_conflicts)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.extensions import db
from app.households.key_conflicts import key_conflicts, settle_key_conflicts

documents = AppGroup("documents", help="Identity documents.")


@documents.command("conflicts")
@click.option("--settle", is_flag=True, help="First give each waiting document its free key.")
def conflicts(settle: bool) -> None:
    """List the documents that wait for their key, beside the one holding it."""
    if settle:
        settled = settle_key_conflicts(db.session)
        db.session.commit()
        click.echo(f"Documents that took their key: {settled}.")
    listed = key_conflicts(db.session)
    for c in listed:
        holder = (
            f"household {c.holder.household_id} ({c.holder.name}, {c.holder.number})"
            if c.holder
            else "nobody any more: run with --settle"
        )
        click.echo(
            f"{c.type} {c.country} {c.key}: held by {holder}; waits in household "
            f"{c.waiting.household_id} ({c.waiting.name}, {c.waiting.number})"
        )
    click.echo(
        f"Documents waiting for a coordinator: {len(listed)}"
        + (" (see /households/document-conflicts)." if listed else ".")
    )
