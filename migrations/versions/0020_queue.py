"""queue tickets: the door's ticket per line and day, called by a desk, closed by a handover

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 19:00:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "queue_tickets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("line", sa.String(length=20), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("card_id", sa.Integer(), nullable=True),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.Column("called_at", sa.DateTime(), nullable=True),
        sa.Column("desk", sa.String(length=20), nullable=True),
        sa.Column("recalled", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("other_card", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.CheckConstraint(
            "line IN ('distribution', 'registration')", name=op.f("ck_queue_tickets_line")
        ),
        sa.CheckConstraint("number > 0", name=op.f("ck_queue_tickets_number")),
        sa.ForeignKeyConstraint(
            ["card_id"], ["cards.id"], name=op.f("fk_queue_tickets_card_id_cards")
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_queue_tickets_site_id_sites")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_queue_tickets")),
        sa.UniqueConstraint("card_id", "day", name=op.f("uq_queue_tickets_card_id_day")),
        sa.UniqueConstraint(
            "site_id", "line", "day", "number", name=op.f("uq_queue_tickets_site_id_line_day_number")
        ),
    )
    op.create_index(
        "ix_queue_tickets_day_called_at", "queue_tickets", ["day", "called_at"], unique=False
    )


def downgrade():
    op.drop_index("ix_queue_tickets_day_called_at", table_name="queue_tickets")
    op.drop_table("queue_tickets")
