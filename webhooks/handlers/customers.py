"""customers/*, marketing consent updates and customer tag events -> webhooks/upserts.py.

Current (2026-07+) customers/* bodies carry no tags, order counts, spend or consent: those come
from the tag and consent topics, from orders, and from the bulk backfill, never invented here.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from app.models import Shop, WebhookDelivery
from webhooks import upserts
from webhooks.handlers import Outcome, ignored
from webhooks.handlers.results import happened_at, outcome_of
from webhooks.records import customer_from_rest, deleted_id_from_rest, marketing_consent
from webhooks.rest_fields import PayloadError, gid_number, tag_list

SOURCE = "webhook"
DEFAULT_TAG_PREFIX = "orbit:"
FULL_BODY_TOPICS = ("customers/create", "customers/update", "customers/enable", "customers/disable")


def apply(session: Session, shop: Shop, delivery: WebhookDelivery, payload: dict[str, Any]) -> Outcome:
    topic = delivery.topic
    if topic in FULL_BODY_TOPICS:
        return outcome_of(
            upserts.upsert_customer(session, shop.id, customer_from_rest(payload), source=SOURCE)
        )
    if topic == "customers/delete":
        customer_id = deleted_id_from_rest(payload)
        return outcome_of(
            upserts.delete_customer(
                session, shop.id, customer_id, deleted_at=happened_at(delivery), source=SOURCE
            )
        )
    if topic == "customers/merge":
        return _merge(session, shop, delivery, payload)
    if topic == "customers_email_marketing_consent/update":
        return _consent(
            session, shop, payload, "customer_id", "email_marketing_consent", upserts.update_email_consent
        )
    if topic == "customers_marketing_consent/update":
        return _consent(session, shop, payload, "id", "sms_marketing_consent", upserts.update_sms_consent)
    if topic in ("customer.tags_added", "customer.tags_removed"):
        return _tags(session, shop, topic, payload)
    return ignored(f"no handler for {topic}")


def _merge(session: Session, shop: Shop, delivery: WebhookDelivery, payload: dict[str, Any]) -> Outcome:
    status = str(payload.get("status") or "")
    if status != "completed":
        return ignored(f"merge {status or 'without status'}: nothing changed in Shopify")
    kept = gid_number(payload.get("admin_graphql_api_customer_kept_id"))
    merged = gid_number(payload.get("admin_graphql_api_customer_deleted_id"))
    if kept is None or merged is None:
        raise PayloadError("merge body lacks the kept or deleted customer id")
    result = upserts.merge_customers(
        session, shop.id, kept, merged, merged_at=happened_at(delivery), source=SOURCE
    )
    return outcome_of(result)


def _consent(
    session: Session, shop: Shop, payload: dict[str, Any], id_key: str, consent_key: str, update
) -> Outcome:
    customer_id = gid_number(payload.get(id_key))
    consent = marketing_consent(payload.get(consent_key))
    if customer_id is None or consent is None:
        raise PayloadError(f"consent body lacks {id_key!r} or {consent_key!r}")
    return outcome_of(update(session, shop.id, customer_id, consent, source=SOURCE))


def _tags(session: Session, shop: Shop, topic: str, payload: dict[str, Any]) -> Outcome:
    customer_id = gid_number(payload.get("customerId"))
    if customer_id is None:
        raise PayloadError("tag event lacks customerId")
    tags = tag_list(payload.get("tags"))
    change = upserts.add_customer_tags if topic == "customer.tags_added" else upserts.remove_customer_tags
    outcome = outcome_of(change(session, shop.id, customer_id, tags, source=SOURCE))
    prefix = str((shop.settings or {}).get("tag_prefix") or DEFAULT_TAG_PREFIX)
    if outcome.status == "processed" and tags and all(tag.startswith(prefix) for tag in tags):
        # Shopify echoes Orbit's own tagsAdd/tagsRemove back: the mirror follows, and the reason
        # lets the push side (and people reading the inbox) tell echoes from merchant edits.
        return Outcome("processed", f"echo of Orbit-managed tags ({prefix}*)", outcome.customer_ids)
    return outcome
