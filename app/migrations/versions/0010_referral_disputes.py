"""referral program: Shopify Payments disputes on orders (chargebacks void or reverse referrals)

Revision ID: 0010_referral_disputes
Revises: 0007_referrals
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_referral_disputes"
down_revision = "0007_referrals"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "referral_order_disputes",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("dispute_shopify_id", sa.BigInteger(), nullable=False),
        sa.Column("order_shopify_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=40), nullable=True),
        sa.Column("reason", sa.String(length=60), nullable=True),
        sa.Column("initiated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["shop_id"], ["shops.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("shop_id", "dispute_shopify_id", name="uq_referral_order_disputes_shop_dispute"),
    )
    with op.batch_alter_table("referral_order_disputes", schema=None) as batch_op:
        batch_op.create_index(
            "ix_referral_order_disputes_shop_order", ["shop_id", "order_shopify_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("referral_order_disputes", schema=None) as batch_op:
        batch_op.drop_index("ix_referral_order_disputes_shop_order")
    op.drop_table("referral_order_disputes")
