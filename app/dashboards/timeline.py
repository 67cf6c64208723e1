"""A customer's timeline: every kind of event merged into one list, newest first."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# Order of kinds at the same instant: a refund follows its order, a contact follows both.
KIND_RANK = {
    "checkout": 0,
    "order": 1,
    "refund": 2,
    "segment_joined": 3,
    "segment_left": 4,
    "referral": 5,
    "reward": 6,
    "support": 7,
}


@dataclass(frozen=True)
class TimelineEvent:
    kind: str
    at: datetime
    title: str
    detail: dict[str, Any] = field(default_factory=dict)


def merge_timeline(*sources: list[TimelineEvent], limit: int | None = None) -> list[TimelineEvent]:
    """All events newest first; events with no time cannot be placed and are left out."""
    events = [event for source in sources for event in source if event.at is not None]
    events.sort(key=lambda event: (event.at, KIND_RANK.get(event.kind, 99)), reverse=True)
    return events[:limit] if limit is not None else events


def order_title(name: str | None, cancelled: bool) -> str:
    label = f"Order {name}" if name else "Order"
    return f"{label} cancelled" if cancelled else f"{label} placed"


def admin_customer_url(shop_domain: str, customer_shopify_id: int) -> str:
    """The customer's page in Shopify's admin (the unified admin URL of the store handle)."""
    handle = shop_domain.removesuffix(".myshopify.com")
    return f"https://admin.shopify.com/store/{handle}/customers/{customer_shopify_id}"
