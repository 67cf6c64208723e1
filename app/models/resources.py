"""Mirrors of the store's Shopify resources. Rows refer to each other by Shopify ids within a
shop, because webhooks arrive out of order (an order may land before its customer) and a
foreign key would refuse a fact Shopify already told us."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, Boolean, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import (
    Base,
    MirroredResource,
    MoneyType,
    bigpk,
    money,
    shop_fk,
    shop_ref,
    shopify_id,
    utc_created,
    utc_time,
)


class Customer(MirroredResource, Base):
    __tablename__ = "customers"
    __table_args__ = (UniqueConstraint("shop_id", "shopify_id", name="uq_customers_shop_shopify"),)

    email: Mapped[str | None] = mapped_column(String(320))
    first_name: Mapped[str | None] = mapped_column(String(255))
    last_name: Mapped[str | None] = mapped_column(String(255))
    phone: Mapped[str | None] = mapped_column(String(40))
    state: Mapped[str | None] = mapped_column(String(20))  # enabled | disabled | invited | declined
    verified_email: Mapped[bool | None] = mapped_column(Boolean)
    note: Mapped[str | None] = mapped_column(Text)
    tags: Mapped[list[Any]] = mapped_column(default=list)
    email_marketing_state: Mapped[str | None] = mapped_column(String(30))
    email_marketing_updated_at: Mapped[utc_time]
    sms_marketing_state: Mapped[str | None] = mapped_column(String(30))
    city: Mapped[str | None] = mapped_column(String(255))
    province_code: Mapped[str | None] = mapped_column(String(16))
    country_code: Mapped[str | None] = mapped_column(String(2))
    zip: Mapped[str | None] = mapped_column(String(32))
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    redacted_at: Mapped[utc_time]

    def __repr__(self) -> str:
        return f"Customer(id={self.id!r}, shop_id={self.shop_id!r}, shopify_id={self.shopify_id!r})"


class Order(MirroredResource, Base):
    __tablename__ = "orders"
    __table_args__ = (
        UniqueConstraint("shop_id", "shopify_id", name="uq_orders_shop_shopify"),
        Index("ix_orders_shop_customer", "shop_id", "customer_shopify_id"),
        Index("ix_orders_shop_processed", "shop_id", "processed_at"),
    )

    shop_id: Mapped[int] = mapped_column(Integer)  # no foreign key: see shop_ref in app/models/base.py
    customer_shopify_id: Mapped[int | None] = mapped_column(BigInteger)
    name: Mapped[str | None] = mapped_column(String(64))
    email: Mapped[str | None] = mapped_column(String(320))
    currency: Mapped[str | None] = mapped_column(String(3))
    financial_status: Mapped[str | None] = mapped_column(String(32))
    fulfillment_status: Mapped[str | None] = mapped_column(String(32))
    subtotal_price: Mapped[money]
    total_discounts: Mapped[money]
    total_tax: Mapped[money]
    total_price: Mapped[money]
    current_total_price: Mapped[Decimal | None] = mapped_column(MoneyType)
    discount_codes: Mapped[list[Any]] = mapped_column(default=list)
    landing_site: Mapped[str | None] = mapped_column(Text)
    referring_site: Mapped[str | None] = mapped_column(Text)
    source_name: Mapped[str | None] = mapped_column(String(64))
    note_attributes: Mapped[list[Any]] = mapped_column(default=list)
    tags: Mapped[list[Any]] = mapped_column(default=list)
    browser_ip: Mapped[str | None] = mapped_column(String(64))
    test: Mapped[bool] = mapped_column(Boolean, default=False)
    cancelled_at: Mapped[utc_time]
    cancel_reason: Mapped[str | None] = mapped_column(String(32))
    processed_at: Mapped[utc_time]

    # Joined on order_id with no foreign key in the database (migration 0012): the ORM deletes
    # an order's lines with it, as the dropped ON DELETE CASCADE did.
    lines: Mapped[list[OrderLine]] = relationship(
        primaryjoin="Order.id == foreign(OrderLine.order_id)",
        back_populates="order",
        cascade="all, delete-orphan",
    )

    def __repr__(self) -> str:
        return f"Order(id={self.id!r}, shop_id={self.shop_id!r}, name={self.name!r})"


class OrderLine(Base):
    __tablename__ = "order_lines"
    __table_args__ = (
        UniqueConstraint("order_id", "shopify_id", name="uq_order_lines_order_shopify"),
        Index("ix_order_lines_shop_product", "shop_id", "product_shopify_id"),
    )

    id: Mapped[bigpk]
    shop_id: Mapped[shop_ref]
    # orders.id, with no foreign key (migration 0012): lines are only ever written by the code
    # that wrote their order, in the same transaction, and replaced with it wholesale.
    order_id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    shopify_id: Mapped[shopify_id]
    product_shopify_id: Mapped[int | None] = mapped_column(BigInteger)
    variant_shopify_id: Mapped[int | None] = mapped_column(BigInteger)
    title: Mapped[str | None] = mapped_column(Text)
    sku: Mapped[str | None] = mapped_column(String(255))
    quantity: Mapped[int] = mapped_column(Integer)
    price: Mapped[money]
    total_discount: Mapped[money]

    order: Mapped[Order] = relationship(
        primaryjoin="Order.id == foreign(OrderLine.order_id)", back_populates="lines"
    )

    def __repr__(self) -> str:
        return f"OrderLine(id={self.id!r}, order_id={self.order_id!r}, sku={self.sku!r})"


class Refund(Base):
    __tablename__ = "refunds"
    __table_args__ = (
        UniqueConstraint("shop_id", "shopify_id", name="uq_refunds_shop_shopify"),
        Index("ix_refunds_shop_order", "shop_id", "order_shopify_id"),
    )

    id: Mapped[bigpk]
    shop_id: Mapped[shop_fk]
    shopify_id: Mapped[shopify_id]
    order_shopify_id: Mapped[shopify_id]
    amount: Mapped[money]
    note: Mapped[str | None] = mapped_column(Text)
    line_items: Mapped[list[Any]] = mapped_column(default=list)
    processed_at: Mapped[utc_time]
    shopify_created_at: Mapped[utc_time]
    created_at: Mapped[utc_created]

    def __repr__(self) -> str:
        return f"Refund(id={self.id!r}, order_shopify_id={self.order_shopify_id!r})"


class Checkout(MirroredResource, Base):
    """An abandoned checkout (Shopify's AbandonedCheckout); personal data may live here."""

    __tablename__ = "checkouts"
    __table_args__ = (
        UniqueConstraint("shop_id", "shopify_id", name="uq_checkouts_shop_shopify"),
        # One customer's abandoned checkouts (the incremental analytics update).
        Index("ix_checkouts_shop_customer", "shop_id", "customer_shopify_id"),
    )

    token: Mapped[str | None] = mapped_column(String(64))
    cart_token: Mapped[str | None] = mapped_column(String(64))
    email: Mapped[str | None] = mapped_column(String(320))
    customer_shopify_id: Mapped[int | None] = mapped_column(BigInteger)
    currency: Mapped[str | None] = mapped_column(String(3))
    total_price: Mapped[Decimal | None] = mapped_column(MoneyType)
    line_items: Mapped[list[Any]] = mapped_column(default=list)
    abandoned_checkout_url: Mapped[str | None] = mapped_column(Text)
    landing_site: Mapped[str | None] = mapped_column(Text)
    referring_site: Mapped[str | None] = mapped_column(Text)
    source_name: Mapped[str | None] = mapped_column(String(64))
    completed_at: Mapped[utc_time]

    def __repr__(self) -> str:
        return f"Checkout(id={self.id!r}, shop_id={self.shop_id!r}, shopify_id={self.shopify_id!r})"


class Product(MirroredResource, Base):
    __tablename__ = "products"
    __table_args__ = (UniqueConstraint("shop_id", "shopify_id", name="uq_products_shop_shopify"),)

    title: Mapped[str | None] = mapped_column(Text)
    handle: Mapped[str | None] = mapped_column(String(255))
    product_type: Mapped[str | None] = mapped_column(String(255))
    vendor: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[str | None] = mapped_column(String(20))  # active | archived | draft
    tags: Mapped[list[Any]] = mapped_column(default=list)
    variants: Mapped[list[Any]] = mapped_column(default=list)

    def __repr__(self) -> str:
        return f"Product(id={self.id!r}, shop_id={self.shop_id!r}, title={self.title!r})"
