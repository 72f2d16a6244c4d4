"""The install a site would make without our scripts: a fresh copy of the checkout, a plain
`pip install .` from the lock, then `waitress-serve wsgi:app`. The app compiles its own
catalogs (app/catalogs.py) and serves Ukrainian to a browser that asks for it.

Needs the package registry (pip); CI runs it on every submission.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.live import ROOT, free_port

pytestmark = [pytest.mark.install, pytest.mark.timeout(600)]


def copy_of_the_checkout(target: Path) -> None:
    """The tracked and new files as they are now, and no .venv, instance/ or .mo."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def test_a_plain_pip_install_served_by_waitress_speaks_ukrainian(tmp_path: Path) -> None:
    checkout = tmp_path / "aiddesk"
    copy_of_the_checkout(checkout)
    assert not list(checkout.glob("translations/*/LC_MESSAGES/*.mo"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    pip = [venv / "bin" / "python", "-m", "pip", "install", "--quiet"]
    subprocess.run(
        [*pip, "--require-hashes", "-r", "requirements/base.txt"], cwd=checkout, check=True
    )
    subprocess.run([*pip, "."], cwd=checkout, check=True)

    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'aiddesk.db'}",
        "SECRET_KEY": "install-test-secret",
        "CARD_KEY": "install-test-card-key",
    }
    env.pop("PYTHONPATH", None)
    subprocess.run(
        [venv / "bin" / "flask", "--app", "wsgi", "init-db"],
        cwd=checkout,
        env=env,
        check=True,
        capture_output=True,
    )
    port = free_port()
    server = subprocess.Popen(
        [venv / "bin" / "waitress-serve", "--host=127.0.0.1", f"--port={port}", "wsgi:app"],
        cwd=checkout,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        page = ""
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and server.poll() is None:
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/login", headers={"Accept-Language": "uk"}
            )
            try:
                with urllib.request.urlopen(request, timeout=2) as answer:
                    page = answer.read().decode()
                break
            except OSError:
                time.sleep(0.2)
        assert '<html lang="uk">' in page
        assert "Увійти" in page
        assert list(checkout.glob("translations/uk/LC_MESSAGES/messages.mo"))
    finally:
        server.terminate()
        _, errors = server.communicate(timeout=10)
    assert b"Traceback" not in errors, errors.decode(errors="replace")[-2000:]
