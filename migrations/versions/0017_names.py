"""names of items and sites in each interface language

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 04:00:00

"""

import json

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

# The starting catalog of app/setup.py as of this revision: a database that still has it under
# its English names gets the Romanian and Ukrainian ones too.
STARTING_NAMES = {
    "items": {
        ("FOOD", "Food parcel"): {"ro": "Pachet alimentar", "uk": "Продуктовий набір"},
        ("HYGIENE", "Hygiene kit"): {"ro": "Trusă de igienă", "uk": "Гігієнічний набір"},
        ("BABY", "Baby pack"): {"ro": "Pachet pentru bebeluși", "uk": "Набір для немовляти"},
        ("CHILD-VOUCHER", "Voucher for a child"): {
            "ro": "Voucher pentru copil",
            "uk": "Ваучер на дитину",
        },
        ("MEDICAL-VOUCHER", "Medical voucher"): {"ro": "Voucher medical", "uk": "Медичний ваучер"},
    },
    "sites": {
        ("MAIN", "Main distribution point"): {
            "ro": "Punctul principal de distribuire",
            "uk": "Головний пункт видачі",
        },
    },
}
KEYS = {"items": "sku", "sites": "code"}


def upgrade():
    for table in ("items", "sites"):
        op.add_column(table, sa.Column("names", sa.JSON(), server_default="{}", nullable=False))
    conn = op.get_bind()
    for table, names in STARTING_NAMES.items():
        for (key, name), others in names.items():
            conn.execute(
                sa.text(
                    f"UPDATE {table} SET names = :names WHERE {KEYS[table]} = :key AND name = :name"
                ),
                {"names": json.dumps(others, ensure_ascii=False), "key": key, "name": name},
            )


def downgrade():
    with op.batch_alter_table("sites") as batch_op:
        batch_op.drop_column("names")
    with op.batch_alter_table("items") as batch_op:
        batch_op.drop_column("names")
