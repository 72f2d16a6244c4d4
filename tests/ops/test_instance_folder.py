"""scripts/run keeps the instance folder and its secrets to their owner (0700, 0600)."""

from __future__ import annotations

import stat
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_instance_folder_and_its_secrets_are_made_and_kept_owner_only(
    tmp_path: Path,
) -> None:
    instance = tmp_path / "instance"
    instance.mkdir(mode=0o755)
    instance.chmod(0o755)
    old = instance / "secret_key"
    old.write_text("made by hand, left open\n")
    old.chmod(0o644)
    done = subprocess.run(
        ["bash", "-c", f'. scripts/_instance.sh && prepare_instance "{instance}"'],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert _mode(instance) == 0o700
    assert _mode(old) == 0o600 and old.read_text() == "made by hand, left open\n"
    made = instance / "card_key"
    assert _mode(made) == 0o600 and len(made.read_text().strip()) > 40
