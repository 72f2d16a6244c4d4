"""The lock (requirements/*.txt, made by scripts/lock) pins every dependency pyproject.toml
names, with hashes: scripts/run, scripts/test and CI install from it and nothing else."""

from __future__ import annotations

import re
import tomllib

from app import ROOT

PINNED = re.compile(r"^([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?==\S+", re.MULTILINE)


def normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(requirement: str) -> str:
    match = re.match(r"[A-Za-z0-9_.\-]+", requirement)
    assert match, requirement
    return normal(match.group(0))


def pinned(lock: str) -> set[str]:
    return {normal(name) for name in PINNED.findall((ROOT / "requirements" / lock).read_text())}


def test_each_lock_pins_every_dependency_of_pyproject_with_hashes() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = {requirement_name(r) for r in project["dependencies"]}
    testing = {requirement_name(r) for r in project["optional-dependencies"]["test"]}
    assert runtime - pinned("base.txt") == set(), "pyproject.toml changed: run scripts/lock"
    assert (runtime | testing) - pinned("test.txt") == set(), "run scripts/lock"
    for lock in ("base.txt", "test.txt"):
        text = (ROOT / "requirements" / lock).read_text()
        assert all("--hash=sha256:" in block for block in re.split(r"\n(?=\S)", text)[2:])
