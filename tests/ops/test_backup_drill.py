"""The backup drill: back up while the desks serve, restore into a new database, compare.

On SQLite and, with TEST_DATABASE_URL, on PostgreSQL: the real server, four desks registering
families and handing over through the API, and the backup taken in the middle of it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from app.ops.backup import BackupError, backup, restore
from tests.ops.checks import (
    distribution_ids,
    engine_for,
    half_written,
    ledger_gaps,
    reports,
    service_days,
    sqlite_integrity,
    table_counts,
)
from tests.ops.conftest import ENGINES, each_engine
from tests.ops.desks import Desks, donate

pytestmark = pytest.mark.server


@pytest.fixture(params=ENGINES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return each_engine(request.param, tmp_path)


def test_a_backup_taken_while_desks_serve_restores_whole_and_counts_the_same(
    live_server: Any, token_for: Any, database_url: str, restore_url: str, tmp_path: Path
) -> None:
    donate(live_server, token_for("stock_manager"), 100_000)
    desks = Desks(live_server, token_for("volunteer"), desks=4)
    desks.start()
    try:
        desks.wait_for(20)
        acknowledged_before = desks.served_ids()
        backup(database_url, tmp_path / "under-load.backup")
        served_by_then = desks.count()
        desks.wait_for(served_by_then + 10)  # the desks went on serving after the copy
    finally:
        desks.stop()
    acknowledged = desks.served_ids()
    assert not desks.failures

    restore(restore_url, tmp_path / "under-load.backup")
    restored = engine_for(restore_url)
    source = engine_for(database_url)
    try:
        # A snapshot of a moment: everything answered before it, nothing half-written.
        in_copy = distribution_ids(restored)
        assert acknowledged_before <= in_copy <= acknowledged
        assert half_written(restored) == {}
        assert ledger_gaps(restored) == []
        if restore_url.startswith("sqlite"):
            assert sqlite_integrity(restored) == ["ok"]
        restored.dispose()

        # Quiet now, the server still up: a backup restored over it is the database again.
        backup(database_url, tmp_path / "after.backup")
        with pytest.raises(BackupError, match="holds data"):
            restore(restore_url, tmp_path / "after.backup")
        restore(restore_url, tmp_path / "after.backup", force=True)
        counts = table_counts(source)
        assert counts["distributions"] == len(acknowledged)
        assert table_counts(restored) == counts
        days = service_days(source)
        assert days and reports(restored, days) == reports(source, days)
        assert reports(source, days)[days[-1]].households_served == len(acknowledged)
    finally:
        restored.dispose()
        source.dispose()
