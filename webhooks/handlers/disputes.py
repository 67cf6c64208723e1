"""disputes/create, disputes/update -> referral_order_disputes (Shopify Payments chargebacks and
inquiries, keyed by the dispute's id). The referral run reads them: a chargeback during the hold
voids the referral, one after the reward was issued reverses or flags it.

Shopify may redeliver or reorder: the upsert is keyed on the dispute id, and a delivery
triggered before the one last applied leaves the row as it is.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_
from sqlalchemy.orm import Session

from app.models import OrderDispute, Shop, WebhookDelivery, utcnow
from webhooks.dialect import dialect_insert
from webhooks.handlers import PROCESSED, Outcome, ignored
from webhooks.rest_fields import timestamp

TOPICS = ("disputes/create", "disputes/update")


def dispute_row(shop_id: int, payload: dict[str, Any], reported_at) -> dict[str, Any] | None:
    """The row of a dispute body, or None when it names no order (nothing to attribute it to)."""
    dispute_id, order_id = payload.get("id"), payload.get("order_id")
    if not isinstance(dispute_id, int) or not isinstance(order_id, int):
        return None
    return {
        "shop_id": shop_id,
        "dispute_shopify_id": dispute_id,
        "order_shopify_id": order_id,
        "kind": str(payload.get("type") or "chargeback")[:20],
        "status": (str(payload["status"])[:40] if payload.get("status") else None),
        "reason": (str(payload["reason"])[:60] if payload.get("reason") else None),
        "initiated_at": timestamp(payload.get("initiated_at")),
        "reported_at": reported_at,
    }


def apply(session: Session, shop: Shop, delivery: WebhookDelivery, payload: dict[str, Any]) -> Outcome:
    if delivery.topic not in TOPICS:
        return ignored(f"no handler for {delivery.topic}")
    row = dispute_row(shop.id, payload, delivery.triggered_at)
    if row is None:
        return ignored("dispute without an order id")
    now = utcnow()
    insert = dialect_insert(session)(OrderDispute).values(**row, created_at=now, updated_at=now)
    changed = {k: insert.excluded[k] for k in ("kind", "status", "reason", "initiated_at", "reported_at")}
    session.execute(
        insert.on_conflict_do_update(
            index_elements=["shop_id", "dispute_shopify_id"],
            set_={**changed, "updated_at": now},
            where=or_(
                OrderDispute.reported_at.is_(None),
                insert.excluded.reported_at.is_(None),
                OrderDispute.reported_at <= insert.excluded.reported_at,
            ),
        )
    )
    return PROCESSED
