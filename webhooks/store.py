"""Persisting a delivery: one row per (shop, X-Shopify-Webhook-Id); a replay inserts nothing."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from app.models import WebhookDelivery


@dataclass(frozen=True)
class IncomingDelivery:
    shop_id: int
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


def record_delivery(session: Session, delivery: IncomingDelivery) -> bool:
    """Insert the delivery unless it is already stored; True when it is new."""
    values = {
        "shop_id": delivery.shop_id,
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
    statement = _insert_delivery(session.get_bind().dialect.name)
    return session.execute(statement, values).first() is not None


@functools.cache
def _insert_delivery(dialect_name: str) -> Any:
    """The intake's one INSERT, built once per dialect: a Core statement on the table (not the ORM
    entity, whose bulk-persistence path costs more per call than the whole rest of the insert)."""
    insert = pg_insert if dialect_name == "postgresql" else sqlite_insert
    deliveries = WebhookDelivery.__table__
    return (
        insert(deliveries)
        .on_conflict_do_nothing(index_elements=["shop_id", "webhook_id"])
        .returning(deliveries.c.id)
    )


def pending_deliveries(session: Session, shop_id: int, limit: int) -> list[WebhookDelivery]:
    statement = (
        select(WebhookDelivery)
        .where(WebhookDelivery.shop_id == shop_id, WebhookDelivery.status == "pending")
        .order_by(WebhookDelivery.triggered_at, WebhookDelivery.id)
        .limit(limit)
    )
    return list(session.scalars(statement))
