"""The report tables: counts from one to four masked for files shared outside. The writer's
own tests are in tests/test_workbook.py."""

from __future__ import annotations

from app.reports.exports import SMALL, masked


def test_only_counts_from_one_to_four_are_masked() -> None:
    assert [masked(n, True) for n in (0, 1, 4, 5, 120)] == [0, SMALL, SMALL, 5, 120]
    assert masked(3, False) == 3
    assert masked(True, True) is True  # not a count
