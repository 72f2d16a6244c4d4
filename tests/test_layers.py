"""The layers point one way (docs/decisions/0018-layers.md): the import-linter contract in
pyproject.toml holds, and it sees every module of the app."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from app import ROOT


def layers() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (contract,) = [c for c in config["contracts"] if c["type"] == "layers"]
    return [name for layer in contract["layers"] for name in re.split(r"\s*[|:]\s*", layer)]


def test_no_module_imports_from_a_layer_above_its_own() -> None:
    # In a process of its own: import-linter sets up logging, which the request log's tests
    # read after it.
    checked = subprocess.run(
        [Path(sys.executable).parent / "lint-imports", "--no-cache", "--no-logo"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stdout[-3000:]


def test_every_package_and_module_of_the_app_has_a_layer() -> None:
    named = set(layers())
    app = ROOT / "app"
    found = {f"app.{path.stem}" for path in app.glob("*.py") if path.stem != "__init__"}
    found |= {f"app.{path.parent.name}" for path in app.glob("*/*.py")}
    assert found - named == set(), "give each new module a layer in pyproject.toml"
    assert named - found == set(), "a layer names a module that is gone"


@pytest.mark.parametrize("package", sorted({p.parent.name for p in (ROOT / "app").glob("*/*.py")}))
def test_every_package_has_an_init_so_the_import_graph_sees_it(package: str) -> None:
    # A folder without __init__.py is a namespace package: the import graph skips it, and an
    # upward import in it would pass unchecked.
    assert (ROOT / "app" / package / "__init__.py").is_file()
