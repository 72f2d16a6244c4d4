"""One JSON line per request, with a request id, and nothing personal in it.

A line holds the time, the request id, the method, the path, the status, the duration and the
acting user's id: never a name, a document number, a card's QR text or any other value a
person typed. So the query string is left out (searches and scans travel there), and so is the
path of a request that matched no route, since that is whatever was typed in the address bar
(a card scanned into it would put a working card in the log).

The request id comes from an X-Request-Id header when it is a short safe token (a reverse
proxy's id, so its log and ours can be joined), else a new one; the answer carries it back.
The lines go to stderr: the terminal of scripts/run, journald under systemd, NSSM's file on
Windows. AID_LOG_LEVEL (DEBUG, INFO, WARNING, ERROR; default INFO) sets the level: requests
are logged at INFO, answers 500 and above at ERROR.
"""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
import sys
import time
from datetime import UTC, datetime
from typing import Any

from flask import Flask, Response, g, request

from app.config import ConfigError

LOGGER = "aiddesk"
LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
_SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")

request_log = logging.getLogger(f"{LOGGER}.request")


class JsonLines(logging.Formatter):
    """A record as one line of JSON; a request's fields come as ``extra={"fields": ...}``."""

    def format(self, record: logging.LogRecord) -> str:
        moment = datetime.fromtimestamp(record.created, UTC)
        line: dict[str, Any] = {
            "time": moment.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname.lower(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            line.update(fields)
        else:
            line["logger"] = record.name
            line["message"] = record.getMessage()
        return json.dumps(line)


class _Stderr(logging.StreamHandler[Any]):
    """Writes to whatever sys.stderr is at the moment (a terminal, waitress, a test)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


def log_level(app: Flask) -> int:
    name = str(app.config.get("AID_LOG_LEVEL") or os.environ.get("AID_LOG_LEVEL") or "INFO")
    if name.upper() not in LEVELS:
        raise ConfigError(f"AID_LOG_LEVEL must be one of {', '.join(LEVELS)}, not {name!r}")
    return logging.getLevelName(name.upper())


def register_request_log(app: Flask) -> None:
    """Log every request of the app as a JSON line. Call it before the extensions: its
    before_request must run first, to time the whole request."""
    logger = logging.getLogger(LOGGER)
    logger.setLevel(log_level(app))
    logger.propagate = False  # waitress gives the root logger a plain handler
    if not any(isinstance(handler, _Stderr) for handler in logger.handlers):
        handler = _Stderr()
        handler.setFormatter(JsonLines())
        logger.addHandler(handler)
    app.before_request(_start)
    app.after_request(_finish)


def request_id(header: str | None) -> str:
    """The caller's id if it is a short safe token, else a new one."""
    if header and _SAFE_REQUEST_ID.fullmatch(header):
        return header
    return secrets.token_hex(8)


def _start() -> None:
    g.request_started = time.perf_counter()
    g.request_id = request_id(request.headers.get("X-Request-Id"))


def _finish(response: Response) -> Response:
    rid = g.get("request_id") or request_id(request.headers.get("X-Request-Id"))
    response.headers["X-Request-Id"] = rid
    started = g.get("request_started")
    fields = {
        "request_id": rid,
        "method": request.method,
        "path": request.path if request.url_rule is not None else "(no route)",
        "status": response.status_code,
        "duration_ms": round((time.perf_counter() - started) * 1000, 1) if started else None,
        "user_id": _user_id(),
        "pid": os.getpid(),  # which server process answered (app.ops.serve)
    }
    level = logging.ERROR if response.status_code >= 500 else logging.INFO
    if level == logging.INFO and request.headers.get("X-Desk-Heartbeat") == "1":
        level = logging.DEBUG  # an offline-capable desk asks several times a second
    request_log.log(level, "request", extra={"fields": fields})
    return response


def _user_id() -> int | None:
    """The id of the user this request was made by, if the request looked it up already.

    An API request's user is g.api_user; a page's is the one Flask-Login loaded (it keeps it
    in g._login_user). Reading current_user here would load a user for a static file.
    """
    user = g.get("api_user") or g.get("_login_user")
    user_id = getattr(user, "id", None)
    return user_id if isinstance(user_id, int) else None
