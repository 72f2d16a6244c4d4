"""Defaults, read from the environment at start-up.

Secrets are never defaulted: SECRET_KEY signs sessions and CARD_KEY derives the card tokens,
so a copy of the database alone cannot make a working card. Each comes from the environment
or from a file in instance/ that scripts/run writes once.
"""

import os
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError


class ConfigError(RuntimeError):
    """The app cannot start with this configuration."""


def _secret(name: str, instance_path: Path) -> str | None:
    value = os.environ.get(name)
    if value:
        return value
    path = instance_path / name.lower()
    if path.is_file():
        return path.read_text().strip() or None
    return None


def _languages(value: str) -> list[str]:
    languages = [code.strip() for code in value.split(",") if code.strip()]
    for code in languages:
        try:
            Locale.parse(code)
        except (ValueError, UnknownLocaleError) as exc:
            raise ConfigError(f"AID_BENEFICIARY_LANGUAGES: {code!r} is not a language") from exc
    return languages


def _whole(name: str, default: str, low: int, high: int | None = None, unit: str = "") -> int:
    """A whole number from the environment, from ``low`` to ``high`` (no upper bound: None)."""
    try:
        value = int(os.environ.get(name, default))
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number{unit}") from exc
    if high is None and value < low:
        raise ConfigError(f"{name} must be at least {low}")
    if high is not None and not low <= value <= high:
        raise ConfigError(f"{name} must be between {low} and {high}")
    return value


def _positive(name: str, default: str) -> int:
    return _whole(name, default, 1)


def load_config(instance_path: Path) -> dict[str, object]:
    """Build the configuration from the environment, falling back to instance/ files."""
    default_db = f"sqlite:///{instance_path / 'aiddesk.db'}"
    timezone = os.environ.get("AID_TIMEZONE", "Europe/Bucharest")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(f"AID_TIMEZONE={timezone!r} is not a known time zone") from exc
    days = _whole("ELIGIBILITY_DAYS", "10", 1, 365, " of days")
    expiry_warning = _whole("AID_EXPIRY_WARNING_DAYS", "30", 0, 365, " of days")
    session_idle = _positive("AID_SESSION_IDLE_MINUTES", "30")
    session_max = _positive("AID_SESSION_MAX_HOURS", "12")
    retention = _positive("AID_RETENTION_MONTHS", "24")
    proxies = _whole("AID_PROXIES", "0", 0, 5)
    checkpoint_seconds = _whole("AID_SQLITE_CHECKPOINT_SECONDS", "1", 0, 3600)
    offline_minutes = _whole("AID_OFFLINE_MAX_AGE_MINUTES", "120", 5, 24 * 60, " of minutes")
    recall_minutes = _whole("AID_QUEUE_RECALL_MINUTES", "5", 1, 120, " of minutes")
    offline_journal = _whole("AID_OFFLINE_JOURNAL_MAX", "1000", 1, 10_000)
    standby_retention = _whole("AID_STANDBY_RETENTION_HOURS", "24", 1, 24 * 30, " of hours")
    beneficiary_languages = _languages(os.environ.get("AID_BENEFICIARY_LANGUAGES", "uk,ro"))
    slip_paper = (os.environ.get("AID_SLIP_PAPER") or "80").strip().lower()
    if slip_paper not in ("58", "80", "a6"):
        raise ConfigError("AID_SLIP_PAPER must be 58, 80 or a6")
    return {
        "SECRET_KEY": _secret("SECRET_KEY", instance_path),
        "CARD_KEY": _secret("CARD_KEY", instance_path),
        "SQLALCHEMY_DATABASE_URI": os.environ.get("DATABASE_URL") or default_db,
        "AID_TIMEZONE": timezone,
        "ELIGIBILITY_DAYS": days,
        "AID_SITE": os.environ.get("AID_SITE", "MAIN"),
        # The stock page warns of lots expiring within this many days.
        "AID_EXPIRY_WARNING_DAYS": expiry_warning,
        # The languages of the families: the desk shows them their lines in each.
        "AID_BENEFICIARY_LANGUAGES": beneficiary_languages,
        # The desk's slips: a thermal roll 58 or 80 mm wide, or A6 (a desk may choose another).
        "AID_SLIP_PAPER": slip_paper,
        # A household registration is a few kilobytes; anything near a megabyte is hostile.
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": os.environ.get("AID_HTTPS", "") == "1",
        "WTF_CSRF_TIME_LIMIT": None,
        # Photos of the head of household (households.photos): off unless AID_PHOTOS=1; kept
        # outside static/, in the instance folder unless AID_PHOTO_DIR says where.
        "AID_PHOTOS": os.environ.get("AID_PHOTOS", "") == "1",
        "AID_PHOTO_DIR": os.environ.get("AID_PHOTO_DIR") or str(instance_path / "photos"),
        # A login session ends after this long without a request, and this long after login.
        "AID_SESSION_IDLE_MINUTES": session_idle,
        "AID_SESSION_MAX_HOURS": session_max,
        # Households not seen for this many months are anonymized by `privacy retention`.
        "AID_RETENTION_MONTHS": retention,
        # Reverse proxies in front of the server: their X-Forwarded-For names the desk's
        # address (login throttling, the audit trail). 0: the header is not believed.
        "AID_PROXIES": proxies,
        # SQLite: checkpoint the write-ahead log from a background thread this often, instead
        # of inside a desk's commit (app.checkpoints); 0 leaves it to SQLite.
        "AID_SQLITE_CHECKPOINT_SECONDS": checkpoint_seconds,
        # A desk decides without the server from a snapshot at most this old, and journals at
        # most this many handovers (docs/decisions/0029-offline-desk.md).
        "AID_OFFLINE_MAX_AGE_MINUTES": offline_minutes,
        "AID_OFFLINE_JOURNAL_MAX": offline_journal,
        # A ticket called and not answered goes back to its line once after this (0032).
        "AID_QUEUE_RECALL_MINUTES": recall_minutes,
        # The hall screen's display token is derived from this (or SECRET_KEY): changing it
        # retires every hall screen's link (decision 0031).
        "AID_DISPLAY_KEY": os.environ.get("AID_DISPLAY_KEY", "").strip(),
        # SQLite replicated to a standby laptop by Litestream (app.ops.standby): where the
        # replica goes (a folder, or sftp://user@standby/folder); set, Litestream checkpoints
        # in place of the app. The replica keeps no history older than the retention.
        "AID_STANDBY_REPLICA": os.environ.get("AID_STANDBY_REPLICA", "").strip(),
        "AID_STANDBY_SSH_KEY": os.environ.get("AID_STANDBY_SSH_KEY", "").strip(),
        "AID_STANDBY_HOST_KEY": os.environ.get("AID_STANDBY_HOST_KEY", "").strip(),
        "AID_STANDBY_RETENTION_HOURS": standby_retention,
        # Flask's debugger runs code sent by the browser: only on a developer's machine.
        "AID_ENV": os.environ.get("AID_ENV", "production"),
    }


def check_secrets(config: dict[str, object]) -> None:
    """Refuse to run outside tests without the two secrets."""
    if config.get("DEBUG") and config.get("AID_ENV") != "development":
        raise ConfigError("debug mode runs only with AID_ENV=development, never on a site")
    if config.get("TESTING"):
        return
    for name in ("SECRET_KEY", "CARD_KEY"):
        if not config.get(name):
            raise ConfigError(
                f"{name} is not set: export it, or run scripts/run once to create instance/"
                f"{name.lower()}"
            )
