"""Recommendations as last built, and what Orbit last wrote to each Shopify metafield."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Float, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, UTCDateTime, bigpk, shop_fk, utc_created

PRODUCT = "product"
CUSTOMER = "customer"


class Recommendation(Base):
    """One recommended product for a subject (a product's bought-together or a customer's list).

    A subject's rows are replaced as a whole when it is recomputed; `rank` 0 is the best.
    lift/support/confidence/orders are the bought-together figures (None for customer lists).
    """

    __tablename__ = "recommendations"
    __table_args__ = (
        UniqueConstraint(
            "shop_id",
            "subject_type",
            "subject_shopify_id",
            "product_shopify_id",
            name="uq_recommendations_item",
        ),
        Index("ix_recommendations_subject", "shop_id", "subject_type", "subject_shopify_id", "rank"),
    )

    id: Mapped[bigpk]
    shop_id: Mapped[shop_fk]
    subject_type: Mapped[str] = mapped_column(String(10))  # product | customer
    subject_shopify_id: Mapped[int] = mapped_column(BigInteger)
    product_shopify_id: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(20))  # bought_together | buy_again | new_to_you
    rank: Mapped[int] = mapped_column(Integer)
    score: Mapped[float] = mapped_column(Float)
    lift: Mapped[float | None] = mapped_column(Float)
    support: Mapped[float | None] = mapped_column(Float)
    confidence: Mapped[float | None] = mapped_column(Float)
    orders: Mapped[float | None] = mapped_column(Float)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return (
            f"Recommendation({self.subject_type}={self.subject_shopify_id!r}, "
            f"product={self.product_shopify_id!r}, kind={self.kind!r}, rank={self.rank!r})"
        )


class RecommendationPush(Base):
    """The metafield value Orbit last wrote for an owner, so a push sends only what changed."""

    __tablename__ = "recommendation_pushes"
    __table_args__ = (
        UniqueConstraint("shop_id", "owner_type", "owner_shopify_id", name="uq_recommendation_pushes_owner"),
    )

    id: Mapped[bigpk]
    shop_id: Mapped[shop_fk]
    owner_type: Mapped[str] = mapped_column(String(10))  # product | customer
    owner_shopify_id: Mapped[int] = mapped_column(BigInteger)
    value: Mapped[str] = mapped_column(Text)  # the metafield value (a JSON list of product GIDs)
    pushed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[utc_created]

    def __repr__(self) -> str:
        return (
            f"RecommendationPush({self.owner_type}={self.owner_shopify_id!r}, pushed_at={self.pushed_at!r})"
        )


class AppMetafieldDefinition(Base):
    """An app-owned metafield definition Orbit created (or found) in the shop, so a push asks
    Shopify for it only when this row is missing (DESIGN 6: created on install)."""

    __tablename__ = "app_metafield_definitions"
    __table_args__ = (
        UniqueConstraint("shop_id", "owner_type", "key", name="uq_app_metafield_definitions_key"),
    )

    id: Mapped[bigpk]
    shop_id: Mapped[shop_fk]
    owner_type: Mapped[str] = mapped_column(String(20))  # Shopify's ownerType: CUSTOMER
    key: Mapped[str] = mapped_column(String(64))
    shopify_gid: Mapped[str | None] = mapped_column(String(100))  # None when Shopify said TAKEN
    created_at: Mapped[utc_created]

    def __repr__(self) -> str:
        return f"AppMetafieldDefinition(shop_id={self.shop_id!r}, {self.owner_type}.{self.key})"
