"""The compiled message catalogs, made from the committed .po files when they are missing or
older than their .po, however the app was installed or started (scripts/run, pip install,
waitress-serve, flask run, the systemd unit).

The .mo files are never committed (they would drift from the .po). Compiling three catalogs
takes a fraction of a second and happens only when a .po changed, so the check (one stat per
file) is all a normal start costs. A read-only install compiles into the instance folder.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po


def _stale(po: Path, mo: Path) -> bool:
    try:
        return mo.stat().st_mtime < po.stat().st_mtime
    except FileNotFoundError:
        return True


def _compile(po: Path, mo: Path) -> None:
    with po.open("rb") as source:
        catalog = read_po(source, locale=po.parent.parent.name, domain=po.stem)
    mo.parent.mkdir(parents=True, exist_ok=True)
    # Written beside and renamed over, so a process starting at the same moment never reads
    # half a catalog.
    handle, temporary = tempfile.mkstemp(dir=mo.parent, suffix=".mo-new")
    try:
        with os.fdopen(handle, "wb") as out:
            write_mo(out, catalog)
        os.replace(temporary, mo)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def compiled_catalogs(source: Path, fallback: Path) -> Path:
    """The folder to load catalogs from: ``source`` with every stale .mo compiled beside its
    .po, or ``fallback`` (compiled there) when ``source`` cannot be written."""
    sources = sorted(source.glob("*/LC_MESSAGES/*.po"))
    try:
        for po in sources:
            if _stale(po, po.with_suffix(".mo")):
                _compile(po, po.with_suffix(".mo"))
        return source
    except OSError:
        for po in sources:
            mo = fallback / po.relative_to(source).with_suffix(".mo")
            if _stale(po, mo):
                _compile(po, mo)
        return fallback
