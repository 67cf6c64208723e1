"""recommendations: per-product and per-customer lists, and the metafield values last pushed

Revision ID: 0005_recommendations
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_recommendations"
down_revision = "0001"
branch_labels = None
depends_on = None

BIGINT_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "recommendations",
        sa.Column("id", BIGINT_ID, nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("subject_type", sa.String(length=10), nullable=False),
        sa.Column("subject_shopify_id", sa.BigInteger(), nullable=False),
        sa.Column("product_shopify_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("lift", sa.Float(), nullable=True),
        sa.Column("support", sa.Float(), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("orders", sa.Float(), nullable=True),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["shop_id"], ["shops.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "shop_id",
            "subject_type",
            "subject_shopify_id",
            "product_shopify_id",
            name="uq_recommendations_item",
        ),
    )
    op.create_index(
        "ix_recommendations_subject",
        "recommendations",
        ["shop_id", "subject_type", "subject_shopify_id", "rank"],
    )
    op.create_table(
        "recommendation_pushes",
        sa.Column("id", BIGINT_ID, nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("owner_type", sa.String(length=10), nullable=False),
        sa.Column("owner_shopify_id", sa.BigInteger(), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("pushed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["shop_id"], ["shops.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "shop_id", "owner_type", "owner_shopify_id", name="uq_recommendation_pushes_owner"
        ),
    )


def downgrade() -> None:
    op.drop_table("recommendation_pushes")
    op.drop_index("ix_recommendations_subject", table_name="recommendations")
    op.drop_table("recommendations")
