"""Persisting a delivery: one row per (shop, X-Shopify-Webhook-Id); a replay inserts nothing."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from app.models import Shop, WebhookDelivery


@dataclass(frozen=True)
class IncomingDelivery:
    shop_id: int | None
    webhook_id: str
    topic: str
    api_version: str | None
    event_id: str | None
    triggered_at: datetime | None
    payload: bytes
    status: str = "pending"
    last_error: str | None = None


def parse_triggered_at(value: str | None) -> datetime | None:
    """'2025-07-10T16:15:47.000000Z' -> aware UTC datetime; None when absent or unreadable."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _row_values(delivery: IncomingDelivery) -> dict[str, Any]:
    return {
        "webhook_id": delivery.webhook_id,
        "topic": delivery.topic,
        "api_version": delivery.api_version,
        "event_id": delivery.event_id,
        "triggered_at": delivery.triggered_at,
        "payload": delivery.payload,
        "status": delivery.status,
        "last_error": delivery.last_error,
        "attempts": 0,
        "received_at": datetime.now(UTC),
    }


def record_delivery(session: Session, delivery: IncomingDelivery) -> bool:
    """Insert the delivery unless it is already stored; True when it is new."""
    statement = _insert_delivery(session.get_bind().dialect.name)
    values = {"shop_id": delivery.shop_id, **_row_values(delivery)}
    return session.execute(statement, values).first() is not None


def record_delivery_for_domain(
    session: Session, domain: str, delivery: IncomingDelivery
) -> tuple[int | None, bool]:
    """Store a delivery for the shop with this domain (`delivery.shop_id` is not read) in one
    statement: INSERT ... SELECT the shop's id ... ON CONFLICT DO NOTHING. (shop id, True) when
    stored now; otherwise a lookup tells a replay (shop id, False) from an unknown shop
    (None, False). The intake's common case is one round trip instead of a lookup and an insert."""
    statement = _insert_delivery_for_domain(session.get_bind().dialect.name)
    stored = session.execute(statement, {"domain": domain, **_row_values(delivery)}).first()
    if stored is not None:
        return stored.shop_id, True
    shop_id = session.execute(select(Shop.id).where(Shop.domain == domain)).scalar()
    return shop_id, False


@functools.cache
def _insert_delivery(dialect_name: str) -> Any:
    """The INSERT, built once per dialect: a Core statement on the table (not the ORM entity,
    whose bulk-persistence path costs more per call than the whole rest of the insert)."""
    insert = pg_insert if dialect_name == "postgresql" else sqlite_insert
    deliveries = WebhookDelivery.__table__
    return (
        insert(deliveries)
        .on_conflict_do_nothing(index_elements=["shop_id", "webhook_id"])
        .returning(deliveries.c.id)
    )


@functools.cache
def _insert_delivery_for_domain(dialect_name: str) -> Any:
    insert = pg_insert if dialect_name == "postgresql" else sqlite_insert
    deliveries, shops = WebhookDelivery.__table__, Shop.__table__
    columns = [
        "webhook_id",
        "topic",
        "api_version",
        "event_id",
        "triggered_at",
        "payload",
        "status",
        "last_error",
        "attempts",
        "received_at",
    ]
    # The WHERE also keeps SQLite's parser from reading ON CONFLICT as part of the SELECT.
    source = select(shops.c.id, *(bindparam(name, type_=deliveries.c[name].type) for name in columns)).where(
        shops.c.domain == bindparam("domain")
    )
    return (
        insert(deliveries)
        .from_select(["shop_id", *columns], source)
        .on_conflict_do_nothing(index_elements=["shop_id", "webhook_id"])
        .returning(deliveries.c.shop_id)
    )


def pending_deliveries(session: Session, shop_id: int, limit: int) -> list[WebhookDelivery]:
    statement = (
        select(WebhookDelivery)
        .where(WebhookDelivery.shop_id == shop_id, WebhookDelivery.status == "pending")
        .order_by(WebhookDelivery.triggered_at, WebhookDelivery.id)
        .limit(limit)
    )
    return list(session.scalars(statement))
