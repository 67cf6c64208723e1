"""refunds/create -> webhooks/upserts.py (refunds are immutable in Shopify: an idempotent write)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from app.models import Shop, WebhookDelivery
from webhooks import upserts
from webhooks.handlers import Outcome, ignored
from webhooks.handlers.results import outcome_of
from webhooks.records import refund_from_rest

SOURCE = "webhook"


def apply(session: Session, shop: Shop, delivery: WebhookDelivery, payload: dict[str, Any]) -> Outcome:
    if delivery.topic != "refunds/create":
        return ignored(f"no handler for {delivery.topic}")
    return outcome_of(upserts.upsert_refund(session, shop.id, refund_from_rest(payload), source=SOURCE))
