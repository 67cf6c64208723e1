"""Small shared pieces of the resource handlers."""

from __future__ import annotations

from datetime import datetime

from app.models import WebhookDelivery
from webhooks.handlers import Outcome
from webhooks.mirror_sql import UpsertResult


def outcome_of(result: UpsertResult) -> Outcome:
    """Applied -> processed; stale or already deleted -> ignored, with the reason."""
    if result.applied:
        return Outcome("processed", result.reason, result.customer_ids)
    return Outcome("ignored", result.reason, result.customer_ids)


def happened_at(delivery: WebhookDelivery) -> datetime:
    """When Shopify says the event happened; deletes carry no timestamp of their own."""
    return delivery.triggered_at or delivery.received_at
