"""webhook pipeline: dirty customers, compliance log and exports, due-delivery index

Revision ID: 0002_pipeline
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002_pipeline"
down_revision = "0001"
branch_labels = None
depends_on = None

BIGINT_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "dirty_customers",
        sa.Column("id", BIGINT_ID, nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("customer_shopify_id", sa.BigInteger(), nullable=False),
        sa.Column("marked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["shop_id"], ["shops.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("shop_id", "customer_shopify_id", name="uq_dirty_customers_shop_customer"),
    )
    op.create_index("ix_dirty_customers_shop_marked", "dirty_customers", ["shop_id", "marked_at"])

    op.create_table(
        "compliance_requests",
        sa.Column("id", BIGINT_ID, nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=True),
        sa.Column("shop_domain", sa.String(length=255), nullable=False),
        sa.Column("topic", sa.String(length=40), nullable=False),
        sa.Column("webhook_id", sa.String(length=100), nullable=False),
        sa.Column("customer_shopify_id", sa.BigInteger(), nullable=True),
        sa.Column("shopify_request_id", sa.BigInteger(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deadline_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("summary", JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("shop_domain", "webhook_id", name="uq_compliance_requests_shop_webhook"),
    )
    op.create_index("ix_compliance_requests_shop", "compliance_requests", ["shop_id", "received_at"])

    op.create_table(
        "customer_data_exports",
        sa.Column("id", BIGINT_ID, nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("compliance_request_id", BIGINT_ID, nullable=True),
        sa.Column("customer_shopify_id", sa.BigInteger(), nullable=True),
        sa.Column("content", JSON, nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["compliance_request_id"], ["compliance_requests.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["shop_id"], ["shops.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_customer_data_exports_shop_customer", "customer_data_exports", ["shop_id", "customer_shopify_id"]
    )

    # The sweeper looks for due rows across all shops: pending, or failed and due for a retry.
    op.create_index("ix_webhook_deliveries_due", "webhook_deliveries", ["status", "next_attempt_at"])


def downgrade() -> None:
    op.drop_index("ix_webhook_deliveries_due", table_name="webhook_deliveries")
    op.drop_index("ix_customer_data_exports_shop_customer", table_name="customer_data_exports")
    op.drop_table("customer_data_exports")
    op.drop_index("ix_compliance_requests_shop", table_name="compliance_requests")
    op.drop_table("compliance_requests")
    op.drop_index("ix_dirty_customers_shop_marked", table_name="dirty_customers")
    op.drop_table("dirty_customers")
