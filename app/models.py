"""SQLAlchemy 2 models. Every store-owned row carries shop_id; rows refer to each other by
Shopify ids within a shop, because webhooks arrive out of order (an order may land before
its customer) and a foreign key would refuse a fact Shopify already told us."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC in and out, on SQLite (which stores naive text) as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; Orbit stores timezone-aware UTC only")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


JSONType = JSON().with_variant(JSONB(), "postgresql")
MoneyType = Numeric(19, 4)

intpk = Annotated[int, mapped_column(Integer, primary_key=True)]
bigpk = Annotated[int, mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)]
shop_fk = Annotated[int, mapped_column(ForeignKey("shops.id", ondelete="CASCADE"), index=False)]
shopify_id = Annotated[int, mapped_column(BigInteger)]
money = Annotated[Decimal, mapped_column(MoneyType)]
utc_created = Annotated[datetime, mapped_column(UTCDateTime, default=utcnow)]
utc_updated = Annotated[datetime, mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)]
utc_time = Annotated[datetime | None, mapped_column(UTCDateTime)]


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSONType, list[Any]: JSONType}


class MirroredResource:
    """Columns of every Shopify resource Orbit mirrors: keyed by Shopify's id within a shop,
    Shopify's own timestamps (for the staleness rule), and a soft delete that a late update
    cannot undo."""

    id: Mapped[bigpk]
    shop_id: Mapped[shop_fk]
    shopify_id: Mapped[shopify_id]
    shopify_created_at: Mapped[utc_time]
    shopify_updated_at: Mapped[utc_time]
    deleted_at: Mapped[utc_time]
    created_at: Mapped[utc_created]
    updated_at: Mapped[utc_updated]


class Shop(Base):
    __tablename__ = "shops"

    id: Mapped[intpk]
    domain: Mapped[str] = mapped_column(String(255), unique=True)
    shopify_gid: Mapped[str | None] = mapped_column(String(80))
    name: Mapped[str | None] = mapped_column(String(255))
    currency: Mapped[str | None] = mapped_column(String(3))
    iana_timezone: Mapped[str | None] = mapped_column(String(64))
    # Fernet ciphertexts; never the plain tokens (app/crypto.py).
    access_token_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    access_token_expires_at: Mapped[utc_time]
    refresh_token_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    refresh_token_expires_at: Mapped[utc_time]
    scopes: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(20), default="installed")  # installed | uninstalled
    installed_at: Mapped[utc_time]
    uninstalled_at: Mapped[utc_time]
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[utc_created]
    updated_at: Mapped[utc_updated]

    @property
    def is_installed(self) -> bool:
        return self.state == "installed" and self.access_token_enc is not None

    def __repr__(self) -> str:
        return f"Shop(id={self.id!r}, domain={self.domain!r}, state={self.state!r})"


class OAuthState(Base):
    """Single-use nonce of an authorization-code install started outside the admin."""

    __tablename__ = "oauth_states"

    nonce: Mapped[str] = mapped_column(String(64), primary_key=True)
    shop_domain: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[utc_created]

    def __repr__(self) -> str:
        return f"OAuthState(shop_domain={self.shop_domain!r})"


class WebhookDelivery(Base):
    """The inbox: every accepted webhook, stored before Shopify hears 200."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("shop_id", "webhook_id", name="uq_webhook_deliveries_shop_webhook"),
        Index("ix_webhook_deliveries_pending", "shop_id", "status", "triggered_at"),
    )

    id: Mapped[bigpk]
    shop_id: Mapped[shop_fk]
    webhook_id: Mapped[str] = mapped_column(String(100))
    event_id: Mapped[str | None] = mapped_column(String(100))
    topic: Mapped[str] = mapped_column(String(100))
    api_version: Mapped[str | None] = mapped_column(String(20))
    triggered_at: Mapped[utc_time]
    received_at: Mapped[utc_created]
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    # pending | processed | ignored | failed | dead
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[utc_time]
    processed_at: Mapped[utc_time]

    def __repr__(self) -> str:
        return f"WebhookDelivery(id={self.id!r}, topic={self.topic!r}, status={self.status!r})"


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

    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="order", cascade="all, delete-orphan", passive_deletes=True
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
    shop_id: Mapped[shop_fk]
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    shopify_id: Mapped[shopify_id]
    product_shopify_id: Mapped[int | None] = mapped_column(BigInteger)
    variant_shopify_id: Mapped[int | None] = mapped_column(BigInteger)
    title: Mapped[str | None] = mapped_column(Text)
    sku: Mapped[str | None] = mapped_column(String(255))
    quantity: Mapped[int] = mapped_column(Integer)
    price: Mapped[money]
    total_discount: Mapped[money]

    order: Mapped[Order] = relationship(back_populates="lines")

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
    __table_args__ = (UniqueConstraint("shop_id", "shopify_id", name="uq_checkouts_shop_shopify"),)

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


class JobRun(Base):
    """Progress and outcome of a long job (backfill, recompute, push), shown in the UI."""

    __tablename__ = "job_runs"
    __table_args__ = (Index("ix_job_runs_shop_kind", "shop_id", "kind", "started_at"),)

    id: Mapped[bigpk]
    shop_id: Mapped[int | None] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    # queued | running | succeeded | failed
    status: Mapped[str] = mapped_column(String(20), default="queued")
    rq_job_id: Mapped[str | None] = mapped_column(String(100))
    progress_done: Mapped[int] = mapped_column(BigInteger, default=0)
    progress_total: Mapped[int | None] = mapped_column(BigInteger)
    # Where a resumable job stopped (a bulk operation id, a line offset, a cursor).
    checkpoint: Mapped[dict[str, Any]] = mapped_column(default=dict)
    error: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[utc_time]
    finished_at: Mapped[utc_time]
    created_at: Mapped[utc_created]
    updated_at: Mapped[utc_updated]

    def __repr__(self) -> str:
        return f"JobRun(id={self.id!r}, kind={self.kind!r}, status={self.status!r})"
