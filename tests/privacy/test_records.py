"""The record of processing is made from the code's declarations and covers every column."""

from __future__ import annotations

from typing import Any

from app.db import Base
from app.privacy.records import PERSONAL_TABLES, PROCESSING


def test_every_column_of_a_table_with_personal_data_is_declared() -> None:
    declared = {column for p in PROCESSING for column in p.columns}
    held = {
        f"{name}.{column.name}"
        for name in PERSONAL_TABLES
        for column in Base.metadata.tables[name].columns
    }
    assert sorted(held - declared) == [], "declare these in app/privacy/records.py"
    assert sorted(declared - held) == []


def test_tables_that_point_at_people_are_declared_as_personal() -> None:
    pointing = {
        table.name
        for table in Base.metadata.sorted_tables
        for fk in table.foreign_keys
        if fk.column.table.name in ("members", "households")
    }
    assert pointing <= set(PERSONAL_TABLES) | {"visit_people", "distribution_lines"}


def test_the_health_flags_are_special_category_data() -> None:
    special = {c for p in PROCESSING if p.special for c in p.columns}
    assert {"members.disability", "members.chronic_disease"} <= special


def test_the_record_of_processing_page_lists_each_declaration(login: Any) -> None:
    page = login("coordinator").get("/privacy")
    assert page.status_code == 200
    for p in PROCESSING:
        assert str(p.category) in page.text or str(p.category).replace("'", "&#39;") in page.text
    assert "Art. 9" in page.text
