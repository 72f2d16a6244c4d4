"""desk outcomes: handovers declined at the desk, and handovers made without the card

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 03:30:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "declined_handovers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("declined_on", sa.Date(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.CheckConstraint(
            "reason IN ('family_left', 'item_missing')",
            name=op.f("ck_declined_handovers_reason_known"),
        ),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["households.id"],
            name=op.f("fk_declined_handovers_household_id_households"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_declined_handovers_site_id_sites")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_declined_handovers_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_declined_handovers")),
        sa.UniqueConstraint(
            "household_id",
            "declined_on",
            "reason",
            name=op.f("uq_declined_handovers_household_id_declined_on_reason"),
        ),
    )
    with op.batch_alter_table("declined_handovers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_declined_handovers_declined_on"), ["declined_on"], unique=False
        )
    # Added in place (SQLite's ADD COLUMN): rebuilding distributions would trip over the rows
    # that point at it, as in 0009 and 0012.
    op.add_column(
        "distributions",
        sa.Column("without_card", sa.Boolean(), server_default=sa.false(), nullable=False),
    )


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE distributions DROP COLUMN without_card")
    else:
        op.drop_column("distributions", "without_card")
    with op.batch_alter_table("declined_handovers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_declined_handovers_declined_on"))
    op.drop_table("declined_handovers")
