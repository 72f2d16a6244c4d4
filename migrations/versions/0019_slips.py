"""public check budgets: the family's check page, rate limited per address

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 07:00:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "public_check_budgets",
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("free_at_ms", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("address", name=op.f("pk_public_check_budgets")),
    )


def downgrade():
    op.drop_table("public_check_budgets")
