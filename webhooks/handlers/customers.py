"""customers/*, marketing consent updates and customer tag events -> webhooks/upserts.py.

Current (2026-07+) customers/* bodies carry no tags, order counts, spend or consent: those come
from the tag and consent topics, from orders, and from the bulk backfill, never invented here.

Echoes of Orbit's own tag writes (app/push/echo.py) are no news: a customer.tags_added/removed
echo still updates the mirror's tags but marks nobody dirty, and a customers/update echo (the
same customer with only a newer updated_at) is ignored. So a push never starts another round of
analytics, recommendations and pushing. jobs/drain.py asks the same question for the
customers/update deliveries it applies in bulk (`echoes_of_own_writes`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from app.models import Shop, WebhookDelivery
from app.push.echo import is_own_echo, own_update_echoes
from webhooks import upserts
from webhooks.dirty import not_marking
from webhooks.handlers import Outcome, ignored
from webhooks.handlers.results import happened_at, outcome_of
from webhooks.records import CustomerRecord, customer_from_rest, deleted_id_from_rest, marketing_consent
from webhooks.rest_fields import PayloadError, gid_number, tag_list

SOURCE = "webhook"
OWN_ECHO = "own echo: Orbit's own tag write"
FULL_BODY_TOPICS = ("customers/create", "customers/update", "customers/enable", "customers/disable")


def apply(session: Session, shop: Shop, delivery: WebhookDelivery, payload: dict[str, Any]) -> Outcome:
    topic = delivery.topic
    if topic in FULL_BODY_TOPICS:
        record = customer_from_rest(payload)
        if topic == "customers/update" and echoes_of_own_writes(session, shop, [record])[0]:
            return ignored(OWN_ECHO)
        return outcome_of(upserts.upsert_customer(session, shop.id, record, source=SOURCE))
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


def echoes_of_own_writes(session: Session, shop: Shop, records: Sequence[CustomerRecord]) -> list[bool]:
    """For customers/update records, whether each is only Shopify's echo of Orbit's tag write."""
    return own_update_echoes(session, shop, [upserts._customer_values(record) for record in records])


def _tags(session: Session, shop: Shop, topic: str, payload: dict[str, Any]) -> Outcome:
    customer_id = gid_number(payload.get("customerId"))
    if customer_id is None:
        raise PayloadError("tag event lacks customerId")
    tags = tag_list(payload.get("tags"))
    change = upserts.add_customer_tags if topic == "customer.tags_added" else upserts.remove_customer_tags
    if not is_own_echo(session, shop, topic, customer_id, tags):
        return outcome_of(change(session, shop.id, customer_id, tags, source=SOURCE))
    # The mirror follows Shopify, but a state Orbit already believes in is no news for analytics.
    with not_marking(session):
        result = change(session, shop.id, customer_id, tags, source=SOURCE)
    return Outcome("processed", OWN_ECHO) if result.applied else ignored(result.reason or OWN_ECHO)
