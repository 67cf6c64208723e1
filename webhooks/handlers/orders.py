"""orders/create, updated, paid, cancelled, fulfilled, delete -> webhooks/upserts.py.

Every orders/* body except delete is the full order, so all of them are the same upsert; the
staleness rule (updated_at) puts them in order whatever order they arrive in.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from app.models import Shop, WebhookDelivery
from webhooks import upserts
from webhooks.handlers import Outcome, ignored
from webhooks.handlers.results import happened_at, outcome_of
from webhooks.records import deleted_id_from_rest, order_from_rest

SOURCE = "webhook"
FULL_BODY_TOPICS = ("orders/create", "orders/updated", "orders/paid", "orders/cancelled", "orders/fulfilled")


def apply(session: Session, shop: Shop, delivery: WebhookDelivery, payload: dict[str, Any]) -> Outcome:
    if delivery.topic in FULL_BODY_TOPICS:
        return outcome_of(upserts.upsert_order(session, shop.id, order_from_rest(payload), source=SOURCE))
    if delivery.topic == "orders/delete":
        order_id = deleted_id_from_rest(payload)
        return outcome_of(
            upserts.delete_order(session, shop.id, order_id, deleted_at=happened_at(delivery), source=SOURCE)
        )
    return ignored(f"no handler for {delivery.topic}")
