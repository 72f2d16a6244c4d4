"""erasure: the register of erasures, who each stored API answer names, ids never reused

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 03:40:00.000000

"""

import re

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

# The tables whose ids name a person: on SQLite they get AUTOINCREMENT, so an erased row's id
# is never given again (app.db.NEVER_REUSED). PostgreSQL's sequences never go back already.
NEVER_REUSED = (
    "households",
    "members",
    "documents",
    "cards",
    "consents",
    "household_changes",
    "duplicate_confirmations",
)


def upgrade():
    # First: it commits the revisions before this one, and may be run again if it failed.
    if op.get_bind().dialect.name == "sqlite":
        never_reuse_ids_on_sqlite(op.get_bind())
    op.create_table(
        "erasures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity", sa.String(length=20), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("erased_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("entity IN ('households', 'members')", name=op.f("ck_erasures_entity")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_erasures")),
        sa.UniqueConstraint("entity", "entity_id", name=op.f("uq_erasures_entity_entity_id")),
    )
    op.create_table(
        "idempotency_names",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=True),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "household_id IS NOT NULL OR member_id IS NOT NULL",
            name=op.f("ck_idempotency_names_names_someone"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idempotency_names")),
    )
    op.create_index(
        "ix_idempotency_names_answer", "idempotency_names", ["user_id", "key"], unique=False
    )
    op.create_index(
        op.f("ix_idempotency_names_household_id"),
        "idempotency_names",
        ["household_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_idempotency_names_member_id"), "idempotency_names", ["member_id"], unique=False
    )
    # Stored answers from before this revision name no one it knows of: they are dropped
    # (a retry comes within minutes; at worst it is answered again).
    op.execute("DELETE FROM idempotency_keys")


def never_reuse_ids_on_sqlite(conn):
    """Rebuild each table with AUTOINCREMENT, SQLite's own way (its "12 steps"): with foreign
    keys off, outside the migration's transaction, since dropping a table that rows point at
    would fail otherwise. The statements are the table's own, read from sqlite_master, so
    every constraint and partial index comes back exactly (a reflected copy would lose an
    index's WHERE). The work before this revision is committed first, with its version."""
    raw = conn.connection.dbapi_connection
    raw.execute("COMMIT")
    raw.execute("PRAGMA foreign_keys=OFF")
    try:
        raw.execute("BEGIN IMMEDIATE")
        try:
            for table in NEVER_REUSED:
                _rebuild(raw, table)
            broken = raw.execute("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise RuntimeError(f"foreign keys broken by the rebuild: {broken[:5]}")
            raw.execute("COMMIT")
        except BaseException:
            raw.execute("ROLLBACK")
            raise
    finally:
        raw.execute("PRAGMA foreign_keys=ON")
        raw.execute("BEGIN IMMEDIATE")  # the migration's transaction goes on, for its version


def _rebuild(raw, table):
    (create,) = raw.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
    ).fetchone()
    if "AUTOINCREMENT" in create.upper():
        return
    indexes = [
        sql
        for (sql,) in raw.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
            "AND sql IS NOT NULL",
            (table,),
        )
    ]
    new = f"_aid_new_{table}"
    body = re.sub(
        rf"^CREATE TABLE \"?{table}\"? \(", f"CREATE TABLE {new} (", create.strip(), count=1
    )
    body, found = re.subn(
        r"\bid INTEGER NOT NULL,", "id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,", body, count=1
    )
    body, dropped = re.subn(r",\s*CONSTRAINT \w+ PRIMARY KEY \(id\)", "", body, count=1)
    if not (found and dropped and body.startswith(f"CREATE TABLE {new} (")):
        raise RuntimeError(f"unexpected schema of {table}: {create[:200]}")
    raw.execute(body)
    raw.execute(f"INSERT INTO {new} SELECT * FROM {table}")
    raw.execute(f"DROP TABLE {table}")
    raw.execute(f"ALTER TABLE {new} RENAME TO {table}")
    for sql in indexes:
        raw.execute(sql)
    # Ids already gone before this revision (the largest erased) are known to the audit trail.
    (used,) = raw.execute(
        "SELECT max(CAST(entity_id AS INTEGER)) FROM audit_events WHERE entity = ?", (table,)
    ).fetchone()
    (seq,) = raw.execute(
        "SELECT coalesce(max(seq), 0) FROM sqlite_sequence WHERE name = ?", (table,)
    ).fetchone()
    if used is not None and used > seq:
        raw.execute("DELETE FROM sqlite_sequence WHERE name = ?", (table,))
        raw.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", (table, used))


def downgrade():
    # AUTOINCREMENT stays on SQLite: taking it away would let erased ids be given again.
    op.drop_index(op.f("ix_idempotency_names_member_id"), table_name="idempotency_names")
    op.drop_index(op.f("ix_idempotency_names_household_id"), table_name="idempotency_names")
    op.drop_index("ix_idempotency_names_answer", table_name="idempotency_names")
    op.drop_table("idempotency_names")
    op.drop_table("erasures")
