"""app_metafield_definitions: the app-owned metafield definitions Orbit created per shop

The customer recommendations definition is created on install; a push asks Shopify for it
only when its row here is missing (instead of a metafieldDefinitionCreate on every push).

Revision ID: 0009_app_metafield_definitions
Revises: 0005_recommendations
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_app_metafield_definitions"
down_revision = "0005_recommendations"
branch_labels = None
depends_on = None

BIGINT_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "app_metafield_definitions",
        sa.Column("id", BIGINT_ID, nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("owner_type", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("shopify_gid", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["shop_id"], ["shops.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("shop_id", "owner_type", "key", name="uq_app_metafield_definitions_key"),
    )


def downgrade() -> None:
    op.drop_table("app_metafield_definitions")
