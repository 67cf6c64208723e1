"""checkouts/create, update, delete (abandoned checkouts) -> webhooks/upserts.py."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from app.models import Shop, WebhookDelivery
from webhooks import upserts
from webhooks.handlers import Outcome, ignored
from webhooks.handlers.results import happened_at, outcome_of
from webhooks.records import checkout_from_rest, deleted_id_from_rest

SOURCE = "webhook"


def apply(session: Session, shop: Shop, delivery: WebhookDelivery, payload: dict[str, Any]) -> Outcome:
    if delivery.topic in ("checkouts/create", "checkouts/update"):
        return outcome_of(
            upserts.upsert_checkout(session, shop.id, checkout_from_rest(payload), source=SOURCE)
        )
    if delivery.topic == "checkouts/delete":
        checkout_id = deleted_id_from_rest(payload)
        return outcome_of(
            upserts.delete_checkout(
                session, shop.id, checkout_id, deleted_at=happened_at(delivery), source=SOURCE
            )
        )
    return ignored(f"no handler for {delivery.topic}")
