"""Tables of the webhook pipeline beyond the inbox: customers waiting for re-evaluation, and the
privacy-compliance log with the exports it produced."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, UTCDateTime, bigpk, shop_fk, utc_created, utc_time


class DirtyCustomer(Base):
    """A customer whose facts or segments may have changed since analytics last looked.

    Written by webhooks/upserts.py (through webhooks/dirty.py) whenever a customer, order,
    refund or checkout touching the customer is applied; consumed (and deleted) by analytics."""

    __tablename__ = "dirty_customers"
    __table_args__ = (
        UniqueConstraint("shop_id", "customer_shopify_id", name="uq_dirty_customers_shop_customer"),
        Index("ix_dirty_customers_shop_marked", "shop_id", "marked_at"),
    )

    id: Mapped[bigpk]
    shop_id: Mapped[shop_fk]
    customer_shopify_id: Mapped[int] = mapped_column(BigInteger)
    marked_at: Mapped[datetime] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"DirtyCustomer(shop_id={self.shop_id!r}, customer_shopify_id={self.customer_shopify_id!r})"


class ComplianceRequest(Base):
    """One privacy request (customers/data_request, customers/redact, shop/redact) and its deadline.

    Deliberately no foreign key to shops and no personal data: the log must outlive a shop/redact
    and must not itself become something to redact (only Shopify's customer id is kept)."""

    __tablename__ = "compliance_requests"
    __table_args__ = (
        UniqueConstraint("shop_domain", "webhook_id", name="uq_compliance_requests_shop_webhook"),
        Index("ix_compliance_requests_shop", "shop_id", "received_at"),
    )

    id: Mapped[bigpk]
    shop_id: Mapped[int | None] = mapped_column(Integer)
    shop_domain: Mapped[str] = mapped_column(String(255))
    topic: Mapped[str] = mapped_column(String(40))
    webhook_id: Mapped[str] = mapped_column(String(100))
    customer_shopify_id: Mapped[int | None] = mapped_column(BigInteger)
    shopify_request_id: Mapped[int | None] = mapped_column(BigInteger)  # data_request.id
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    deadline_at: Mapped[datetime] = mapped_column(UTCDateTime)
    completed_at: Mapped[utc_time]
    # received | completed
    status: Mapped[str] = mapped_column(String(20), default="received")
    # What was done, as counts per table ({"customers": 1, "checkouts": 2}); never personal data.
    summary: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[utc_created]

    def __repr__(self) -> str:
        return f"ComplianceRequest(id={self.id!r}, topic={self.topic!r}, status={self.status!r})"


class CustomerDataExport(Base):
    """Everything Orbit holds on one customer, produced for the merchant by customers/data_request.

    It is personal data by nature: customers/redact deletes a customer's exports, and shop/redact
    (or the shop row's cascade) deletes them all."""

    __tablename__ = "customer_data_exports"
    __table_args__ = (Index("ix_customer_data_exports_shop_customer", "shop_id", "customer_shopify_id"),)

    id: Mapped[bigpk]
    shop_id: Mapped[shop_fk]
    compliance_request_id: Mapped[int | None] = mapped_column(
        ForeignKey("compliance_requests.id", ondelete="SET NULL")
    )
    customer_shopify_id: Mapped[int | None] = mapped_column(BigInteger)
    content: Mapped[dict[str, Any]] = mapped_column(default=dict)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[utc_created]

    def __repr__(self) -> str:
        return f"CustomerDataExport(id={self.id!r}, customer_shopify_id={self.customer_shopify_id!r})"
