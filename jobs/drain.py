"""The coalesced drain: apply a shop's pending webhook deliveries in triggered_at order."""

from __future__ import annotations

import importlib
import json
import logging
from collections import Counter
from datetime import timedelta

from app import db
from app.models import Shop, WebhookDelivery, utcnow
from jobs.context import with_app_context
from webhooks.drain_queue import clear_pending_flag
from webhooks.handlers import Outcome, ignored
from webhooks.store import pending_deliveries
from webhooks.topics import handler_module_for

log = logging.getLogger(__name__)

BATCH_SIZE = 500
RETRY_BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2))


def apply_delivery(session, shop: Shop, delivery: WebhookDelivery) -> Outcome:
    module_name = handler_module_for(delivery.topic)
    if module_name is None:
        return ignored(f"no handler for {delivery.topic}")
    handler = importlib.import_module(f"webhooks.handlers.{module_name}")
    return handler.apply(session, shop, delivery, json.loads(delivery.payload))


def _record_failure(delivery: WebhookDelivery, error: Exception) -> None:
    delivery.attempts += 1
    delivery.last_error = f"{type(error).__name__}: {error}"[:2000]
    if delivery.attempts > len(RETRY_BACKOFF):
        delivery.status = "dead"
    else:
        delivery.status = "failed"
        delivery.next_attempt_at = utcnow() + RETRY_BACKOFF[delivery.attempts - 1]


@with_app_context
def drain_shop(shop_id: int) -> dict[str, int]:
    """Apply pending deliveries batch by batch; each row ends processed, ignored or failed."""
    clear_pending_flag(shop_id)
    totals: Counter[str] = Counter()
    while True:
        with db.transaction() as session:
            shop = session.get(Shop, shop_id)
            if shop is None:
                return dict(totals)
            batch = pending_deliveries(session, shop_id, BATCH_SIZE)
            for delivery in batch:
                try:
                    # A savepoint per delivery: one bad row does not undo the batch.
                    with session.begin_nested():
                        outcome = apply_delivery(session, shop, delivery)
                except Exception as exc:  # noqa: BLE001 - recorded on the row, retried later
                    log.exception("delivery %s (%s) failed", delivery.id, delivery.topic)
                    _record_failure(delivery, exc)
                    totals["failed"] += 1
                    continue
                delivery.status = outcome.status
                delivery.last_error = outcome.reason
                delivery.attempts += 1
                delivery.processed_at = utcnow()
                totals[outcome.status] += 1
        if len(batch) < BATCH_SIZE:
            return dict(totals)
