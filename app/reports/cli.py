"""flask --app wsgi reports ...: the exports, for a cron job or a Windows scheduled task."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from app import context
from app.errors import DomainError
from app.extensions import db
from app.reports.excel import daily_workbook
from app.reports.exports import daily_tables, period_tables, title_line, write_csv, write_xlsx
from app.reports.period import find_site, period_figures
from app.reports.services import daily_counts

reports = AppGroup("reports", help="Export reports to files.")
FORMATS = (".xlsx", ".csv")


def _output(out: str) -> Path:
    path = Path(out)
    if path.suffix.lower() not in FORMATS:
        raise click.BadParameter("the file must end in .xlsx or .csv", param_hint="--out")
    if not path.parent.is_dir():
        raise click.BadParameter(f"no folder {path.parent}", param_hint="--out")
    return path


def _write(path: Path, body: bytes) -> None:
    # Written beside, then renamed: a half-written report is never left under the real name.
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(body)
    partial.replace(path)
    click.echo(f"Wrote {path} ({len(body):,} bytes).")


def _site_name(code: str | None) -> tuple[int | None, str]:
    try:
        site = find_site(db.session, code)
    except DomainError:
        raise click.BadParameter(f"no site with the code {code}", param_hint="--site") from None
    return (site.id, site.name) if site else (None, "All sites")


@reports.command("daily")
@click.option(
    "--date", "day", type=click.DateTime(["%Y-%m-%d"]), help="YYYY-MM-DD (default: today)."
)
@click.option("--out", required=True, help="The file to write: .xlsx or .csv.")
@click.option("--site", default=None, help="A site's code (default: all sites).")
def daily(day: object, out: str, site: str | None) -> None:
    """The day's counts, as the coordinator's page downloads them."""
    path = _output(out)
    chosen: date = day.date() if day else context.today()  # type: ignore[attr-defined]
    site_id, site_name = _site_name(site)
    counts = daily_counts(db.session, chosen, site_id)
    exported = context.local_now()
    if path.suffix.lower() == ".xlsx":
        body = daily_workbook(counts, site=site_name, exported_at=exported)
    else:
        title = title_line("AidDesk daily report", site_name, chosen.isoformat(), exported)
        body = write_csv(daily_tables(counts), title)
    _write(path, body)


@reports.command("period")
@click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]), required=True)
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), required=True)
@click.option("--out", required=True, help="The file to write: .xlsx or .csv.")
@click.option("--site", default=None, help="A site's code (default: all sites).")
@click.option("--mask-small", is_flag=True, help='Counts under 5 as "<5", to share outside.')
def period(start: object, end: object, out: str, site: str | None, mask_small: bool) -> None:
    """The period report: one row per day, totals, and a sheet per breakdown."""
    path = _output(out)
    try:
        chosen = find_site(db.session, site)
        figures = period_figures(db.session, start.date(), end.date(), chosen)  # type: ignore[attr-defined]
    except DomainError as exc:
        raise click.ClickException(f"{exc.message} {getattr(exc, 'fields', '')}") from None
    title = title_line(
        "AidDesk period report",
        chosen.name if chosen else "All sites",
        f"{figures.start.isoformat()} to {figures.end.isoformat()}",
        context.local_now(),
    )
    tables = period_tables(figures, mask_small=mask_small)
    write = write_xlsx if path.suffix.lower() == ".xlsx" else write_csv
    _write(path, write(tables, title))


def register_report_commands(app: Flask) -> None:
    app.cli.add_command(reports)
