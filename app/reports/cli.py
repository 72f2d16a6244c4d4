"""flask --app wsgi reports ...: the exports, for a cron job or a Windows scheduled task."""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import date, datetime
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from app import context
from app.errors import DomainError
from app.extensions import db
from app.languages import LANGUAGES
from app.reports.exports import ALL_SITES, daily_file, period_tables
from app.reports.period import find_site, period_figures
from app.reports.services import daily_counts
from app.workbook import period_label, title_line, write_csv, write_xlsx

reports = AppGroup("reports", help="Export reports to files.")
FORMATS = (".xlsx", ".csv")


def _output(out: str) -> Path:
    path = Path(out)
    if path.suffix.lower() not in FORMATS:
        raise click.BadParameter("the file must end in .xlsx or .csv", param_hint="--out")
    if not path.parent.is_dir():
        raise click.BadParameter(f"no folder {path.parent}", param_hint="--out")
    return path


def _language(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None and value not in LANGUAGES:
        raise click.BadParameter(f"one of {', '.join(LANGUAGES)}", ctx=ctx, param=param)
    return value


def _labels_in(language: str | None) -> AbstractContextManager[None]:
    """The language of the labels inside the file; the app's default locale unless given."""
    return force_locale(language or current_app.config["BABEL_DEFAULT_LOCALE"])


language_option = click.option(
    "--lang",
    "language",
    callback=_language,
    help=f"The labels' language: {', '.join(LANGUAGES)} (default: the app's default locale).",
)


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
    return (site.id, site.name) if site else (None, str(ALL_SITES))


@reports.command("daily")
@click.option(
    "--date", "day", type=click.DateTime(["%Y-%m-%d"]), help="YYYY-MM-DD (default: today)."
)
@click.option("--out", required=True, help="The file to write: .xlsx or .csv.")
@click.option("--site", default=None, help="A site's code (default: all sites).")
@language_option
def daily(day: datetime | None, out: str, site: str | None, language: str | None) -> None:
    """The day's counts, as the coordinator's page downloads them."""
    with _labels_in(language):
        _daily(day, out, site)


def _daily(day: datetime | None, out: str, site: str | None) -> None:
    path = _output(out)
    chosen: date = day.date() if day else context.today()
    site_id, site_name = _site_name(site)
    counts = daily_counts(db.session, chosen, site_id)
    body = daily_file(
        counts,
        site=site_name,
        exported_at=context.local_now(),
        timezone=current_app.config["AID_TIMEZONE"],
        extension=path.suffix.lower().lstrip("."),
    )
    _write(path, body)


@reports.command("period")
@click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]), required=True)
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), required=True)
@click.option("--out", required=True, help="The file to write: .xlsx or .csv.")
@click.option("--site", default=None, help="A site's code (default: all sites).")
@click.option("--mask-small", is_flag=True, help='Counts under 5 as "<5", to share outside.')
@language_option
def period(
    start: datetime,
    end: datetime,
    out: str,
    site: str | None,
    mask_small: bool,
    language: str | None,
) -> None:
    """The period report: one row per day, totals, and a sheet per breakdown."""
    with _labels_in(language):
        _period(start, end, out, site, mask_small)


def _period(start: datetime, end: datetime, out: str, site: str | None, mask_small: bool) -> None:
    path = _output(out)
    try:
        chosen = find_site(db.session, site)
        figures = period_figures(db.session, start.date(), end.date(), chosen)
    except DomainError as exc:
        raise click.ClickException(f"{exc.message} {getattr(exc, 'fields', '')}") from None
    title = title_line(
        _l("AidDesk period report"),
        chosen.name if chosen else ALL_SITES,
        period_label(figures.start, figures.end),
        context.local_now(),
    )
    tables = period_tables(figures, mask_small=mask_small)
    write = write_xlsx if path.suffix.lower() == ".xlsx" else write_csv
    _write(path, write(tables, title, timezone=current_app.config["AID_TIMEZONE"]))


def register_report_commands(app: Flask) -> None:
    app.cli.add_command(reports)
