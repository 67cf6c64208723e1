"""THE code path for "Shopify told us X": webhooks, the bulk backfill and reconciliation all store
facts through these functions, so one set of rules decides what a mirror row holds.

Rules (per shop, keyed on Shopify's id; every function is idempotent and never commits):

1. Upsert = INSERT ... ON CONFLICT (shop_id, shopify_id) DO UPDATE ... WHERE <fresh>, one
   statement, so the check and the write cannot be separated by a concurrent writer.
2. Staleness: a record applies when the row is new, or the row has no `shopify_updated_at`
   (a stub or tombstone-free partial row), or the record's `updated_at` >= the stored one. Equal
   timestamps apply (a replay rewrites the same values). A record without `updated_at` applies
   only over a row that has none either. Otherwise the result is stale with the reason.
3. Deletes are final: `delete_*` sets `deleted_at` (inserting a tombstone row when Shopify's
   delete arrives before anything else), and no later upsert touches a row whose `deleted_at`
   is set, whatever its `updated_at`: Shopify never restores a deleted customer, order, checkout
   or product under the same id. Readers must filter `deleted_at IS NULL`.
4. A redacted customer (`redacted_at`, compliance) is final in the same way for customer upserts.
5. Groups a source does not carry (CustomerRecord.tags / consent = None) keep their stored value.
6. Every applied change that can alter a customer's facts marks that customer dirty
   (webhooks/dirty.py) in the same transaction: customer changes, orders (old and new customer),
   refunds (the order's customer), checkouts.

Orders (with lines and embedded refunds) and refunds live in webhooks/order_upserts.py and are
re-exported here.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from app.models import Checkout, Customer, Order, Product
from webhooks.dirty import mark_dirty
from webhooks.mirror_sql import UpsertResult, guarded_upsert, json_ready, stale_result, tombstone
from webhooks.order_upserts import delete_order, upsert_order, upsert_refund
from webhooks.records import CheckoutRecord, CustomerRecord, MarketingConsent, ProductRecord

__all__ = [
    "UpsertResult",
    "add_customer_tags",
    "delete_checkout",
    "delete_customer",
    "delete_order",
    "delete_product",
    "merge_customers",
    "remove_customer_tags",
    "update_email_consent",
    "update_sms_consent",
    "upsert_checkout",
    "upsert_customer",
    "upsert_order",
    "upsert_product",
    "upsert_refund",
]

log = logging.getLogger(__name__)


def _customer_values(record: CustomerRecord) -> dict[str, Any]:
    values: dict[str, Any] = {
        "shopify_id": record.shopify_id,
        "shopify_created_at": record.created_at,
        "shopify_updated_at": record.updated_at,
        "email": record.email,
        "first_name": record.first_name,
        "last_name": record.last_name,
        "phone": record.phone,
        "state": record.state,
        "verified_email": record.verified_email,
        "note": record.note,
        "city": record.city,
        "province_code": record.province_code,
        "country_code": record.country_code,
        "zip": record.zip,
        "latitude": record.latitude,
        "longitude": record.longitude,
    }
    if record.tags is not None:
        values["tags"] = list(record.tags)
    if record.email_consent is not None:
        values["email_marketing_state"] = record.email_consent.state
        values["email_marketing_updated_at"] = record.email_consent.updated_at
    if record.sms_consent is not None:
        values["sms_marketing_state"] = record.sms_consent.state
    return values


def upsert_customer(session: Session, shop_id: int, record: CustomerRecord, *, source: str) -> UpsertResult:
    row_id = guarded_upsert(
        session, Customer, shop_id, _customer_values(record), null_guards=("redacted_at",)
    )
    if row_id is None:
        return stale_result(session, Customer, shop_id, record.shopify_id, record.updated_at)
    mark_dirty(session, shop_id, [record.shopify_id])
    return UpsertResult(True, customer_ids=frozenset({record.shopify_id}), row_id=row_id)


def delete_customer(
    session: Session, shop_id: int, shopify_id: int, *, deleted_at: datetime, source: str
) -> UpsertResult:
    row_id = tombstone(session, Customer, shop_id, shopify_id, deleted_at, {})
    if row_id is None:
        return UpsertResult(False, "already deleted")
    mark_dirty(session, shop_id, [shopify_id])
    return UpsertResult(True, customer_ids=frozenset({shopify_id}), row_id=row_id)


def _update_customer_fields(
    session: Session, shop_id: int, shopify_id: int, values: dict[str, Any], fresh: Any = None
) -> UpsertResult:
    """A partial fact about a customer (consent, tags): applied to a live row, or stored on a stub
    row (no shopify_updated_at) when the customer itself has not arrived yet."""
    live = and_(Customer.deleted_at.is_(None), Customer.redacted_at.is_(None))
    row_id = guarded_upsert(
        session,
        Customer,
        shop_id,
        {"shopify_id": shopify_id, **values},
        where=live if fresh is None else and_(live, fresh),
    )
    if row_id is None:
        return stale_result(session, Customer, shop_id, shopify_id, None, partial=True)
    mark_dirty(session, shop_id, [shopify_id])
    return UpsertResult(True, customer_ids=frozenset({shopify_id}), row_id=row_id)


def update_email_consent(
    session: Session, shop_id: int, shopify_id: int, consent: MarketingConsent, *, source: str
) -> UpsertResult:
    """Older consent (by consent_updated_at) never overwrites newer; without a date, arrival order wins."""
    values = {"email_marketing_state": consent.state, "email_marketing_updated_at": consent.updated_at}
    fresh = None
    if consent.updated_at is not None:
        fresh = or_(
            Customer.email_marketing_updated_at.is_(None),
            Customer.email_marketing_updated_at <= consent.updated_at,
        )
    return _update_customer_fields(session, shop_id, shopify_id, values, fresh)


def update_sms_consent(
    session: Session, shop_id: int, shopify_id: int, consent: MarketingConsent, *, source: str
) -> UpsertResult:
    return _update_customer_fields(session, shop_id, shopify_id, {"sms_marketing_state": consent.state})


def _current_tags(session: Session, shop_id: int, shopify_id: int) -> list[str]:
    stored = session.scalar(
        select(Customer.tags).where(Customer.shop_id == shop_id, Customer.shopify_id == shopify_id)
    )
    return list(stored or [])


def add_customer_tags(
    session: Session, shop_id: int, shopify_id: int, tags: Iterable[str], *, source: str
) -> UpsertResult:
    current = _current_tags(session, shop_id, shopify_id)
    merged = current + [tag for tag in dict.fromkeys(tags) if tag not in current]
    return _update_customer_fields(session, shop_id, shopify_id, {"tags": merged})


def remove_customer_tags(
    session: Session, shop_id: int, shopify_id: int, tags: Iterable[str], *, source: str
) -> UpsertResult:
    removed = set(tags)
    kept = [tag for tag in _current_tags(session, shop_id, shopify_id) if tag not in removed]
    return _update_customer_fields(session, shop_id, shopify_id, {"tags": kept})


def _checkout_values(record: CheckoutRecord) -> dict[str, Any]:
    return {
        "shopify_id": record.shopify_id,
        "shopify_created_at": record.created_at,
        "shopify_updated_at": record.updated_at,
        "token": record.token,
        "cart_token": record.cart_token,
        "email": record.email,
        "customer_shopify_id": record.customer_shopify_id,
        "currency": record.currency,
        "total_price": record.total_price,
        "line_items": json_ready(record.line_items),
        "abandoned_checkout_url": record.abandoned_checkout_url,
        "landing_site": record.landing_site,
        "referring_site": record.referring_site,
        "source_name": record.source_name,
        "completed_at": record.completed_at,
    }


def upsert_checkout(session: Session, shop_id: int, record: CheckoutRecord, *, source: str) -> UpsertResult:
    row_id = guarded_upsert(session, Checkout, shop_id, _checkout_values(record))
    if row_id is None:
        return stale_result(session, Checkout, shop_id, record.shopify_id, record.updated_at)
    customers = frozenset({record.customer_shopify_id} - {None})
    mark_dirty(session, shop_id, customers)
    return UpsertResult(True, customer_ids=customers, row_id=row_id)


def delete_checkout(
    session: Session, shop_id: int, shopify_id: int, *, deleted_at: datetime, source: str
) -> UpsertResult:
    row = tombstone(session, Checkout, shop_id, shopify_id, deleted_at, {}, returning_customer=True)
    if row is None:
        return UpsertResult(False, "already deleted")
    row_id, customer_id = row
    customers = frozenset({customer_id} - {None})
    mark_dirty(session, shop_id, customers)
    return UpsertResult(True, customer_ids=customers, row_id=row_id)


def _product_values(record: ProductRecord) -> dict[str, Any]:
    return {
        "shopify_id": record.shopify_id,
        "shopify_created_at": record.created_at,
        "shopify_updated_at": record.updated_at,
        "title": record.title,
        "handle": record.handle,
        "product_type": record.product_type,
        "vendor": record.vendor,
        "status": record.status,
        "tags": list(record.tags),
        "variants": json_ready(record.variants),
    }


def upsert_product(session: Session, shop_id: int, record: ProductRecord, *, source: str) -> UpsertResult:
    row_id = guarded_upsert(session, Product, shop_id, _product_values(record))
    if row_id is None:
        return stale_result(session, Product, shop_id, record.shopify_id, record.updated_at)
    return UpsertResult(True, row_id=row_id)


def delete_product(
    session: Session, shop_id: int, shopify_id: int, *, deleted_at: datetime, source: str
) -> UpsertResult:
    row_id = tombstone(session, Product, shop_id, shopify_id, deleted_at, {})
    return UpsertResult(False, "already deleted") if row_id is None else UpsertResult(True, row_id=row_id)


def merge_customers(
    session: Session, shop_id: int, kept_id: int, merged_id: int, *, merged_at: datetime, source: str
) -> UpsertResult:
    """customers/merge completed: the merged-away customer is deleted in Shopify and its orders and
    checkouts now belong to the kept one (Shopify moves them without an orders/updated for each)."""
    for model in (Order, Checkout):
        session.execute(
            update(model)
            .where(model.shop_id == shop_id, model.customer_shopify_id == merged_id)
            .values(customer_shopify_id=kept_id)
        )
    tombstone(session, Customer, shop_id, merged_id, merged_at, {})
    customers = frozenset({kept_id, merged_id})
    mark_dirty(session, shop_id, customers)
    return UpsertResult(True, customer_ids=customers)
