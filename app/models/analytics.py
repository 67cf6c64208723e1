"""Derived customer analytics: per-customer facts and scores, each shop's fitted model
parameters, segments with their memberships, joined/left history and daily sizes.

customer_facts is keyed by Shopify's customer id (like orders.customer_shopify_id), because an
order can arrive before its customer and still counts. It also copies the few customer fields
segments filter on (consent, country, tags, age, gender, distance), so a segment is a query over
one table plus, for products_purchased, order lines.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, Boolean, Date, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import (
    Base,
    MoneyType,
    UTCDateTime,
    bigpk,
    intpk,
    shop_fk,
    utc_created,
    utc_time,
    utc_updated,
)


class CustomerFacts(Base):
    __tablename__ = "customer_facts"

    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"), primary_key=True)
    customer_shopify_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    has_customer_record: Mapped[bool] = mapped_column(Boolean, default=True)
    number_of_orders: Mapped[int] = mapped_column(Integer, default=0)
    amount_spent: Mapped[Decimal] = mapped_column(MoneyType, default=Decimal(0))
    average_order_value: Mapped[Decimal | None] = mapped_column(MoneyType)
    first_order_at: Mapped[utc_time]
    last_order_at: Mapped[utc_time]
    mean_gap_days: Mapped[float | None] = mapped_column(Float)
    cycles_since_last_order: Mapped[float | None] = mapped_column(Float)
    discount_share: Mapped[float | None] = mapped_column(Float)
    refund_share: Mapped[float | None] = mapped_column(Float)
    acquisition_source: Mapped[str | None] = mapped_column(String(64))
    abandoned_checkout_at: Mapped[utc_time]
    abandoned_checkout_value: Mapped[Decimal | None] = mapped_column(MoneyType)
    email_subscription_status: Mapped[str | None] = mapped_column(String(30))
    country: Mapped[str | None] = mapped_column(String(2))
    distance_km: Mapped[float | None] = mapped_column(Float)
    # "|tag one|tag two|", lower-cased: CONTAINS is one LIKE on either backend.
    tags_text: Mapped[str] = mapped_column(Text, default="|")
    age: Mapped[float | None] = mapped_column(Float)
    gender: Mapped[str | None] = mapped_column(String(32))
    recency_score: Mapped[int | None] = mapped_column(Integer)
    frequency_score: Mapped[int | None] = mapped_column(Integer)
    monetary_score: Mapped[int | None] = mapped_column(Integer)
    rfm_group: Mapped[str | None] = mapped_column(String(32))
    predicted_clv: Mapped[Decimal | None] = mapped_column(MoneyType)
    predicted_clv_percentile: Mapped[float | None] = mapped_column(Float)
    expected_orders_90d: Mapped[float | None] = mapped_column(Float)
    next_order_at: Mapped[utc_time]
    churn_risk: Mapped[float | None] = mapped_column(Float)
    lead_score: Mapped[Decimal | None] = mapped_column(MoneyType)
    lead_score_percentile: Mapped[float | None] = mapped_column(Float)
    lead_reasons: Mapped[list[Any]] = mapped_column(default=list)
    referral_count: Mapped[int] = mapped_column(Integer, default=0)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"CustomerFacts(shop_id={self.shop_id!r}, customer_shopify_id={self.customer_shopify_id!r})"


class ShopModel(Base):
    """The shop's last fitted parameters (CLV model, RFM cut points, purchase cycle), so an
    incremental recompute scores a dirty customer exactly as the last full run would have."""

    __tablename__ = "shop_models"

    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"), primary_key=True)
    parameters: Mapped[dict[str, Any]] = mapped_column(default=dict)
    customers: Mapped[int] = mapped_column(Integer, default=0)
    fitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[utc_updated]

    def __repr__(self) -> str:
        return f"ShopModel(shop_id={self.shop_id!r}, fitted_at={self.fitted_at!r})"


class Segment(Base):
    __tablename__ = "segments"
    __table_args__ = (
        Index("uq_segments_shop_tag", "shop_id", "tag", unique=True),
        Index("uq_segments_shop_builtin", "shop_id", "builtin_key", unique=True),
    )

    id: Mapped[intpk]
    shop_id: Mapped[shop_fk]
    builtin_key: Mapped[str | None] = mapped_column(String(40))  # None for the merchant's own
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    definition: Mapped[str] = mapped_column(Text)  # segment language text (app/analytics/segment_language)
    tag: Mapped[str] = mapped_column(String(80))
    push_tag: Mapped[bool] = mapped_column(Boolean, default=False)
    member_count: Mapped[int] = mapped_column(Integer, default=0)
    evaluated_at: Mapped[utc_time]
    created_at: Mapped[utc_created]
    updated_at: Mapped[utc_updated]

    def __repr__(self) -> str:
        return f"Segment(id={self.id!r}, shop_id={self.shop_id!r}, tag={self.tag!r})"


class SegmentMembership(Base):
    __tablename__ = "segment_memberships"
    __table_args__ = (Index("ix_segment_memberships_shop_customer", "shop_id", "customer_shopify_id"),)

    segment_id: Mapped[int] = mapped_column(ForeignKey("segments.id", ondelete="CASCADE"), primary_key=True)
    customer_shopify_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    shop_id: Mapped[shop_fk]
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"SegmentMembership(segment_id={self.segment_id!r}, customer={self.customer_shopify_id!r})"


class SegmentMembershipEvent(Base):
    """A customer joined or left a segment; the timeline and the push engine read these."""

    __tablename__ = "segment_membership_events"
    __table_args__ = (
        Index("ix_segment_membership_events_shop_customer", "shop_id", "customer_shopify_id", "happened_at"),
        Index("ix_segment_membership_events_segment", "segment_id", "happened_at"),
    )

    id: Mapped[bigpk]
    shop_id: Mapped[shop_fk]
    segment_id: Mapped[int] = mapped_column(ForeignKey("segments.id", ondelete="CASCADE"))
    customer_shopify_id: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(10))  # joined | left
    happened_at: Mapped[datetime] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"SegmentMembershipEvent(segment_id={self.segment_id!r}, kind={self.kind!r})"


class SegmentSizeHistory(Base):
    """One row per segment and day: the size at the day's last evaluation (the 30-day chart)."""

    __tablename__ = "segment_size_history"

    segment_id: Mapped[int] = mapped_column(ForeignKey("segments.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    shop_id: Mapped[shop_fk]
    size: Mapped[int] = mapped_column(Integer)

    def __repr__(self) -> str:
        return f"SegmentSizeHistory(segment_id={self.segment_id!r}, day={self.day!r}, size={self.size!r})"
