"""offline desks: handovers replayed from the desks' journals, double services, shortfalls

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 06:40:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "offline_handovers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("card_id", sa.Integer(), nullable=True),
        sa.Column("served_at", sa.DateTime(), nullable=False),
        sa.Column("served_on", sa.Date(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("outcome", sa.String(length=10), nullable=False),
        sa.Column("distribution_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "outcome IN ('served', 'double')", name=op.f("ck_offline_handovers_outcome_known")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_offline_handovers_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_offline_handovers_site_id_sites")
        ),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["households.id"],
            name=op.f("fk_offline_handovers_household_id_households"),
        ),
        sa.ForeignKeyConstraint(
            ["card_id"], ["cards.id"], name=op.f("fk_offline_handovers_card_id_cards")
        ),
        sa.ForeignKeyConstraint(
            ["distribution_id"],
            ["distributions.id"],
            name=op.f("fk_offline_handovers_distribution_id_distributions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offline_handovers")),
        sa.UniqueConstraint("user_id", "key", name=op.f("uq_offline_handovers_user_id_key")),
    )
    with op.batch_alter_table("offline_handovers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_offline_handovers_household_id"), ["household_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_offline_handovers_served_on"), ["served_on"], unique=False
        )
    op.create_table(
        "offline_handover_lines",
        sa.Column("offline_handover_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("handed", sa.Integer(), nullable=False),
        sa.Column("taken", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "taken >= 0 AND taken <= handed",
            name=op.f("ck_offline_handover_lines_taken_within_handed"),
        ),
        sa.ForeignKeyConstraint(
            ["offline_handover_id"],
            ["offline_handovers.id"],
            name=op.f("fk_offline_handover_lines_offline_handover_id_offline_handovers"),
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_offline_handover_lines_item_id_items")
        ),
        sa.PrimaryKeyConstraint(
            "offline_handover_id", "item_id", name=op.f("pk_offline_handover_lines")
        ),
    )


def downgrade():
    op.drop_table("offline_handover_lines")
    with op.batch_alter_table("offline_handovers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_offline_handovers_served_on"))
        batch_op.drop_index(batch_op.f("ix_offline_handovers_household_id"))
    op.drop_table("offline_handovers")
