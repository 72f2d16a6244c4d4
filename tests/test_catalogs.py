"""The app compiles its catalogs when they are missing or older than their .po files."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from babel.support import Translations

from app import ROOT
from app.catalogs import compiled_catalogs


@pytest.fixture
def source(tmp_path: Path) -> Path:
    folder = tmp_path / "translations"
    po = folder / "uk" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    shutil.copy(ROOT / "translations" / "uk" / "LC_MESSAGES" / "messages.po", po)
    return folder


def ukrainian(folder: Path) -> Translations:
    return Translations.load(str(folder), ["uk"])


def test_a_missing_catalog_is_compiled_beside_its_po(source: Path, tmp_path: Path) -> None:
    assert compiled_catalogs(source, tmp_path / "instance") == source
    assert ukrainian(source).gettext("Log in") == "Увійти"


def test_an_edited_po_is_compiled_again_and_a_fresh_one_is_left_alone(
    source: Path, tmp_path: Path
) -> None:
    compiled_catalogs(source, tmp_path / "instance")
    po = source / "uk" / "LC_MESSAGES" / "messages.po"
    mo = po.with_suffix(".mo")
    os.utime(mo, (1, 1))
    os.utime(po, (2, 2))
    po.write_text(po.read_text().replace('msgstr "Увійти"', 'msgstr "Вхід"'))
    compiled_catalogs(source, tmp_path / "instance")
    assert ukrainian(source).gettext("Log in") == "Вхід"

    stamp = mo.stat().st_mtime_ns
    compiled_catalogs(source, tmp_path / "instance")
    assert mo.stat().st_mtime_ns == stamp


def test_a_read_only_install_compiles_into_the_instance_folder(
    source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As a service account that owns only instance/ finds the checkout (root ignores modes).
    real_mkstemp = tempfile.mkstemp

    def refused_in_source(*args: Any, dir: Path, **kwargs: Any) -> tuple[int, str]:
        if Path(dir).is_relative_to(source):
            raise PermissionError(13, "Permission denied", str(dir))
        return real_mkstemp(*args, dir=dir, **kwargs)

    monkeypatch.setattr("app.catalogs.tempfile.mkstemp", refused_in_source)
    folder = compiled_catalogs(source, tmp_path / "instance" / "translations")
    assert folder == tmp_path / "instance" / "translations"
    assert not (source / "uk" / "LC_MESSAGES" / "messages.mo").exists()
    assert ukrainian(folder).gettext("Log in") == "Увійти"
