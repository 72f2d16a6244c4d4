"""document keys: one document, one person, whatever the keyboard

Re-keys every document with app.documents.keys.document_key (NFKC, ASCII digits, look-alike
letters as Latin, no separators). Documents that now share a key are listed in
document_key_conflicts for a coordinator, never merged, and the upgrade does not fail on them:
the first registered (or the one already holding the key) keeps it, each other waits with a
placeholder key ("~" and its id) that no real key can equal. See app/households/key_conflicts.py.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 03:40:00

"""
from collections import defaultdict
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa

from app.documents.keys import document_key


# revision identifiers, used by Alembic.
revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

PLACEHOLDER = "~"  # app.households.key_conflicts.PLACEHOLDER, as of this revision


def upgrade():
    op.create_table('document_key_conflicts',
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('number_key', sa.String(length=40), nullable=False),
    sa.Column('found_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_document_key_conflicts_document_id_documents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('document_id', name=op.f('pk_document_key_conflicts'))
    )
    with op.batch_alter_table('document_key_conflicts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_key_conflicts_number_key'), ['number_key'], unique=False)

    rekey(op.get_bind(), datetime.now(UTC).replace(tzinfo=None))


def rekey(conn, now):
    """Write each document's new key; list, do not merge, the documents that now share one."""
    rows = conn.execute(
        sa.text("SELECT id, type, country, number, number_key FROM documents ORDER BY id")
    ).all()
    groups = defaultdict(list)
    for row in rows:
        key = document_key(row.number)
        # Compatibility forms can lengthen a number (a ligature is two letters): one whose key
        # would not fit keeps its old key rather than fail the upgrade.
        groups[(row.type, row.country, key if len(key) <= 40 else row.number_key)].append(row)
    final = {}  # document id -> the key it ends with
    waiting = []  # (document id, the key it would have)
    for (_, _, key), group in groups.items():
        # The one already holding the key keeps it (nothing moves), else the first registered.
        holder = next((r for r in group if r.number_key == key), group[0])
        final[holder.id] = key
        for row in group:
            if row is not holder:
                final[row.id] = f"{PLACEHOLDER}{row.id}"
                waiting.append({"document_id": row.id, "number_key": key, "found_at": now})
    changed = [r for r in rows if final[r.id] != r.number_key]
    # Two steps, so that no key is ever held twice on the way, on either engine: first every
    # document that waits, or whose current key another document is about to take, steps
    # aside to its placeholder; then the rest take their keys.
    taken = {(r.type, r.country, final[r.id]) for r in changed}
    aside = [
        r
        for r in changed
        if final[r.id].startswith(PLACEHOLDER) or (r.type, r.country, r.number_key) in taken
    ]
    update = sa.text("UPDATE documents SET number_key = :key WHERE id = :id")
    if aside:
        conn.execute(update, [{"id": r.id, "key": f"{PLACEHOLDER}{r.id}"} for r in aside])
    rest = [{"id": r.id, "key": final[r.id]} for r in changed if not final[r.id].startswith(PLACEHOLDER)]
    if rest:
        conn.execute(update, rest)
    if waiting:
        conn.execute(
            sa.text(
                "INSERT INTO document_key_conflicts (document_id, number_key, found_at) "
                "VALUES (:document_id, :number_key, :found_at)"
            ),
            waiting,
        )


def downgrade():
    # The keys stay as they are (an older release reads them as numbers without separators);
    # the documents that waited keep their placeholder until settled by hand.
    with op.batch_alter_table('document_key_conflicts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_key_conflicts_number_key'))

    op.drop_table('document_key_conflicts')
