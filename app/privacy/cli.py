"""flask --app wsgi privacy retention [--apply]: the retention rule, for a scheduled task."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from app import context
from app.extensions import db
from app.privacy.services import apply_retention, due_for_retention

privacy = AppGroup("privacy", help="Retention and erasure of households.")


@privacy.command("retention")
@click.option("--apply", "apply_", is_flag=True, help="Erase them (without it: only list them).")
@click.option(
    "--months",
    type=click.IntRange(1, 1200),
    default=None,
    help="Months since the last visit (default AID_RETENTION_MONTHS, 24).",
)
def retention(apply_: bool, months: int | None) -> None:
    """Anonymize households not seen for AID_RETENTION_MONTHS months (dry run by default)."""
    months = months or int(current_app.config["AID_RETENTION_MONTHS"])
    today = context.today()
    if not apply_:
        due = due_for_retention(db.session, today, months)
        click.echo(
            f"{len(due)} households not seen for {months} months would be erased"
            f"{': ' + ', '.join(map(str, due)) if due else '.'}"
        )
        click.echo("Dry run: nothing changed. Add --apply to erase them.")
        return
    done = apply_retention(
        db.session,
        today,
        months,
        now=context.now(),
        upload_root=Path(current_app.config["AID_PHOTO_DIR"]),
    )
    db.session.commit()
    click.echo(f"Erased {len(done)} households not seen for {months} months.")
