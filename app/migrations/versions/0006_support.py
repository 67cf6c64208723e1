"""support contacts

Revision ID: 0006_support
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_support"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "support_contacts",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("customer_shopify_id", sa.BigInteger(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("resolved_first_contact", sa.Boolean(), nullable=False),
        sa.Column("csat", sa.SmallInteger(), nullable=True),
        sa.Column("effort", sa.SmallInteger(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("contacted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["shop_id"], ["shops.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("support_contacts", schema=None) as batch_op:
        batch_op.create_index("ix_support_contacts_shop_contacted", ["shop_id", "contacted_at"], unique=False)
        batch_op.create_index(
            "ix_support_contacts_shop_customer", ["shop_id", "customer_shopify_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("support_contacts", schema=None) as batch_op:
        batch_op.drop_index("ix_support_contacts_shop_customer")
        batch_op.drop_index("ix_support_contacts_shop_contacted")
    op.drop_table("support_contacts")
