"""name pairs: two keys of one name, so a search of two words reads the people of that name
alone (decision 0037)

Revision ID: 0023
Revises: 0021
Create Date: 2026-12-07 01:10:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0023"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "name_pairs",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("pair", sa.String(length=121), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_name_pairs_member_id_members")
        ),
        sa.PrimaryKeyConstraint("member_id", "pair", name=op.f("pk_name_pairs")),
    )
    # The pairs of the keys already stored (households.names.key_pairs: the smaller first).
    op.execute(
        "INSERT INTO name_pairs (member_id, pair) "
        "SELECT a.member_id, a.key || ' ' || b.key FROM name_keys a "
        "JOIN name_keys b ON b.member_id = a.member_id AND a.key < b.key"
    )
    with op.batch_alter_table("name_pairs", schema=None) as batch_op:
        batch_op.create_index("ix_name_pairs_pair_member", ["pair", "member_id"], unique=False)


def downgrade():
    with op.batch_alter_table("name_pairs", schema=None) as batch_op:
        batch_op.drop_index("ix_name_pairs_pair_member")
    op.drop_table("name_pairs")
