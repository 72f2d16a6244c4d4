"""lot balances: what is left of each lot at each site, and the lot of each movement

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-23 03:59:09.069414

"""
from collections import defaultdict
from datetime import date

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

NO_EXPIRY = date(9999, 12, 31)  # app.stock.models.NO_EXPIRY, as of this revision


def upgrade():
    op.create_table('stock_lots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('lot', sa.String(length=40), server_default='', nullable=False),
    sa.Column('expires_on', sa.Date(), nullable=False),
    sa.Column('on_hand', sa.BigInteger(), nullable=False),
    sa.CheckConstraint('on_hand >= 0', name=op.f('ck_stock_lots_not_negative')),
    sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_stock_lots_item_id_items')),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_stock_lots_site_id_sites')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_lots')),
    sa.UniqueConstraint('site_id', 'item_id', 'expires_on', 'lot', name=op.f('uq_stock_lots_site_id_item_id_expires_on_lot'))
    )
    op.create_index('ix_stock_lots_site_expires', 'stock_lots', ['site_id', 'expires_on'], unique=False)

    # Added in place (SQLite's ADD COLUMN, with its REFERENCES): rebuilding stock_movements
    # would trip over the rows that point at it, as in 0009.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE stock_movements ADD COLUMN lot_id INTEGER REFERENCES stock_lots (id)")
    else:
        op.add_column('stock_movements', sa.Column('lot_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_stock_movements_lot_id_stock_lots'), 'stock_movements', 'stock_lots', ['lot_id'], ['id'])

    fill_lots(op.get_bind())


def fill_lots(conn):
    """Share each (site, item)'s on hand out over the lots it was donated in, as the stock page
    estimated it until now: the shelves worked first-expiring first, so what is left is in the
    latest-expiring lots (lots without a date count as latest). What the donations do not
    explain (transfers in, adjustments, voucher batches) goes to the unlotted lot."""
    levels = conn.execute(
        sa.text("SELECT site_id, item_id, on_hand FROM stock_levels WHERE on_hand > 0")
    ).all()
    if not levels:
        return
    donated = defaultdict(lambda: defaultdict(int))
    rows = conn.execute(
        sa.text(
            "SELECT d.site_id, l.item_id, l.lot, l.expires_on, l.quantity"
            "  FROM donations d JOIN donation_lines l ON l.donation_id = d.id"
            " WHERE d.reverses_id IS NULL"
            "   AND NOT EXISTS (SELECT 1 FROM donations r WHERE r.reverses_id = d.id)"
        )
    )
    for site_id, item_id, lot, expires_on, quantity in rows:
        if isinstance(expires_on, str):  # SQLite through a plain text() query
            expires_on = date.fromisoformat(expires_on)
        key = ((lot or "").strip(), expires_on or NO_EXPIRY)
        donated[(site_id, item_id)][key] += quantity
    fills = []
    for site_id, item_id, on_hand in levels:
        left = int(on_hand)
        shares = defaultdict(int)
        lots = donated.get((site_id, item_id), {})
        for key in sorted(lots, key=lambda k: (k[1], k[0]), reverse=True):
            share = min(lots[key], left)
            if share <= 0:
                break
            shares[key] += share
            left -= share
        if left:
            shares[("", NO_EXPIRY)] += left
        fills.extend(
            {"site_id": site_id, "item_id": item_id, "lot": lot, "expires_on": expires_on, "on_hand": n}
            for (lot, expires_on), n in shares.items()
        )
    conn.execute(
        sa.text(
            "INSERT INTO stock_lots (site_id, item_id, lot, expires_on, on_hand)"
            " VALUES (:site_id, :item_id, :lot, :expires_on, :on_hand)"
        ),
        fills,
    )


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        # SQLite drops a column under a REFERENCES only by rebuilding the table; nothing
        # points at stock_movements, so it can be rebuilt.
        with op.batch_alter_table('stock_movements', schema=None) as batch_op:
            batch_op.drop_column('lot_id')
    else:
        op.drop_constraint(op.f('fk_stock_movements_lot_id_stock_lots'), 'stock_movements', type_='foreignkey')
        op.drop_column('stock_movements', 'lot_id')
    op.drop_index('ix_stock_lots_site_expires', table_name='stock_lots')
    op.drop_table('stock_lots')
