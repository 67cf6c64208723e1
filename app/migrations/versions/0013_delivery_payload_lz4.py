"""webhook_deliveries.payload compressed with lz4 on PostgreSQL

PostgreSQL compresses a value over ~2 kB before storing it, with pglz by default, and real order
and refund bodies are 5-20 kB. pglz on a 10 kB order body was a third of the intake's insert:
one client inserting tests/fixtures/webhooks/order.json with pgbench did 2,408-2,432 tps with
pglz and 3,404-3,686 with lz4 (stored 3.2 kB against 2.5 kB). Only new values are affected;
existing rows keep what they were stored with. Skipped on SQLite, on servers before 14 and on
servers built without lz4 (neither has the setting's lz4 value).

Revision ID: 0013_delivery_payload_lz4
Revises: 0002_pipeline
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_delivery_payload_lz4"
down_revision = "0002_pipeline"
branch_labels = None
depends_on = None


def server_offers_lz4(connection: sa.Connection) -> bool:
    """Whether the database can compress a column with lz4: PostgreSQL 14+ built with lz4."""
    if connection.dialect.name != "postgresql":
        return False
    offered = connection.execute(
        sa.text("SELECT enumvals FROM pg_settings WHERE name = 'default_toast_compression'")
    ).scalar()
    return bool(offered) and "lz4" in offered


def upgrade() -> None:
    if server_offers_lz4(op.get_bind()):
        op.execute("ALTER TABLE webhook_deliveries ALTER COLUMN payload SET COMPRESSION lz4")


def downgrade() -> None:
    if server_offers_lz4(op.get_bind()):
        op.execute("ALTER TABLE webhook_deliveries ALTER COLUMN payload SET COMPRESSION default")
