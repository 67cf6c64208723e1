"""orders and order_lines without foreign keys

A backfill writes millions of orders and twice as many lines. PostgreSQL checks a foreign key
with one query per inserted row (orders.shop_id; order_lines.shop_id and order_lines.order_id):
measured on 500k orders / 1M lines, 14 of the 27 CPU seconds PostgreSQL spent on the backfill.
What they guarded is kept by the code that writes these tables: a shop row is never deleted
(shop/redact deletes the shop's rows table by table and keeps the shop row), and an order's
lines are written with their order, in its transaction, and replaced with it.

Revision ID: 0012_order_tables_without_fks
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision = "0012_order_tables_without_fks"
down_revision = "0001"
branch_labels = None
depends_on = None

# (table, column, referred table): the constraints dropped here.
FOREIGN_KEYS = (
    ("orders", "shop_id", "shops"),
    ("order_lines", "shop_id", "shops"),
    ("order_lines", "order_id", "orders"),
)
# SQLite's foreign keys have no names; batch mode names them by this convention to drop them.
SQLITE_NAMES = {"fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s"}


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # Lines first: batch mode rebuilds a table and drops the old one, and dropping `orders`
        # while a cascading key still points at it would delete every line.
        for table in ("order_lines", "orders"):
            with op.batch_alter_table(table, naming_convention=SQLITE_NAMES) as batch_op:
                for name, column, referred in FOREIGN_KEYS:
                    if name == table:
                        batch_op.drop_constraint(f"fk_{table}_{column}_{referred}", type_="foreignkey")
        return
    for table, column, _ in FOREIGN_KEYS:
        # PostgreSQL's default constraint names, as migration 0001 created them.
        op.drop_constraint(f"{table}_{column}_fkey", table, type_="foreignkey")


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table in ("orders", "order_lines"):
        with op.batch_alter_table(table, naming_convention=SQLITE_NAMES if sqlite else None) as batch_op:
            for name, column, referred in FOREIGN_KEYS:
                if name == table:
                    constraint = f"fk_{table}_{column}_{referred}" if sqlite else f"{table}_{column}_fkey"
                    batch_op.create_foreign_key(constraint, referred, [column], ["id"], ondelete="CASCADE")
