"""Shared column types and the declarative base."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    ForeignKey,
    Integer,
    Numeric,
    TypeDecorator,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


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
# The shop's id without a foreign key, on the tables a backfill writes millions of rows into: the
# per-row check cost more than a third of PostgreSQL's time there (migration 0012), and shop rows
# are never deleted (shop/redact deletes the shop's rows table by table and keeps the shop row).
shop_ref = Annotated[int, mapped_column(Integer, index=False)]
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
