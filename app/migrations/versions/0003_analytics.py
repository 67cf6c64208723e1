"""customer analytics: facts, fitted shop models, segments, memberships and their history

Revision ID: 0003_analytics
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003_analytics"
down_revision = "0001"
branch_labels = None
depends_on = None

BIGINT_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "customer_facts",
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("customer_shopify_id", sa.BigInteger(), nullable=False),
        sa.Column("has_customer_record", sa.Boolean(), nullable=False),
        sa.Column("number_of_orders", sa.Integer(), nullable=False),
        sa.Column("amount_spent", sa.Numeric(precision=19, scale=4), nullable=False),
        sa.Column("average_order_value", sa.Numeric(precision=19, scale=4), nullable=True),
        sa.Column("first_order_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_order_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("mean_gap_days", sa.Float(), nullable=True),
        sa.Column("cycles_since_last_order", sa.Float(), nullable=True),
        sa.Column("discount_share", sa.Float(), nullable=True),
        sa.Column("refund_share", sa.Float(), nullable=True),
        sa.Column("acquisition_source", sa.String(length=64), nullable=True),
        sa.Column("abandoned_checkout_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("abandoned_checkout_value", sa.Numeric(precision=19, scale=4), nullable=True),
        sa.Column("email_subscription_status", sa.String(length=30), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("distance_km", sa.Float(), nullable=True),
        sa.Column("tags_text", sa.Text(), nullable=False),
        sa.Column("age", sa.Float(), nullable=True),
        sa.Column("gender", sa.String(length=32), nullable=True),
        sa.Column("recency_score", sa.Integer(), nullable=True),
        sa.Column("frequency_score", sa.Integer(), nullable=True),
        sa.Column("monetary_score", sa.Integer(), nullable=True),
        sa.Column("rfm_group", sa.String(length=32), nullable=True),
        sa.Column("predicted_clv", sa.Numeric(precision=19, scale=4), nullable=True),
        sa.Column("predicted_clv_percentile", sa.Float(), nullable=True),
        sa.Column("expected_orders_90d", sa.Float(), nullable=True),
        sa.Column("next_order_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("churn_risk", sa.Float(), nullable=True),
        sa.Column("lead_score", sa.Numeric(precision=19, scale=4), nullable=True),
        sa.Column("lead_score_percentile", sa.Float(), nullable=True),
        sa.Column("lead_reasons", JSON, nullable=False),
        sa.Column("referral_count", sa.Integer(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["shop_id"], ["shops.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("shop_id", "customer_shopify_id"),
    )
    op.create_table(
        "segments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("builtin_key", sa.String(length=40), nullable=True),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("tag", sa.String(length=80), nullable=False),
        sa.Column("push_tag", sa.Boolean(), nullable=False),
        sa.Column("member_count", sa.Integer(), nullable=False),
        sa.Column("evaluated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["shop_id"], ["shops.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("uq_segments_shop_builtin", "segments", ["shop_id", "builtin_key"], unique=True)
    op.create_index("uq_segments_shop_tag", "segments", ["shop_id", "tag"], unique=True)
    op.create_table(
        "shop_models",
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("parameters", JSON, nullable=False),
        sa.Column("customers", sa.Integer(), nullable=False),
        sa.Column("fitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["shop_id"], ["shops.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("shop_id"),
    )
    op.create_table(
        "segment_membership_events",
        sa.Column("id", BIGINT_ID, nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("segment_id", sa.Integer(), nullable=False),
        sa.Column("customer_shopify_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("happened_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["segment_id"], ["segments.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["shop_id"], ["shops.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_segment_membership_events_segment",
        "segment_membership_events",
        ["segment_id", "happened_at"],
        unique=False,
    )
    op.create_index(
        "ix_segment_membership_events_shop_customer",
        "segment_membership_events",
        ["shop_id", "customer_shopify_id", "happened_at"],
        unique=False,
    )
    op.create_table(
        "segment_memberships",
        sa.Column("segment_id", sa.Integer(), nullable=False),
        sa.Column("customer_shopify_id", sa.BigInteger(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["segment_id"], ["segments.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["shop_id"], ["shops.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("segment_id", "customer_shopify_id"),
    )
    op.create_index(
        "ix_segment_memberships_shop_customer",
        "segment_memberships",
        ["shop_id", "customer_shopify_id"],
        unique=False,
    )
    op.create_table(
        "segment_size_history",
        sa.Column("segment_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["segment_id"], ["segments.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["shop_id"], ["shops.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("segment_id", "day"),
    )


def downgrade() -> None:
    op.drop_table("segment_size_history")
    op.drop_index("ix_segment_memberships_shop_customer", table_name="segment_memberships")
    op.drop_table("segment_memberships")
    op.drop_index("ix_segment_membership_events_shop_customer", table_name="segment_membership_events")
    op.drop_index("ix_segment_membership_events_segment", table_name="segment_membership_events")
    op.drop_table("segment_membership_events")
    op.drop_table("shop_models")
    op.drop_index("uq_segments_shop_tag", table_name="segments")
    op.drop_index("uq_segments_shop_builtin", table_name="segments")
    op.drop_table("segments")
    op.drop_table("customer_facts")
