"""The facts Shopify tells Orbit, normalised: one frozen dataclass per resource, whatever the
source (a webhook body or REST resource here, a bulk-operation JSONL line in
webhooks/graphql_records.py). webhooks/upserts.py stores them; nothing else writes mirrors.

Conventions every parser follows, so the sources agree field by field:
- ids are plain ints, taken from `admin_graphql_api_id` when the body has one (rest_fields.resource_id);
- timestamps are aware UTC datetimes, money is Decimal in shop currency, tags are a tuple in
  Shopify's order; enum-like strings use the REST spelling in lower case ("subscribed", "paid");
- `None` on an Optional *group* (CustomerRecord.tags, .email_consent, .sms_consent) means "this
  source does not carry it": current customers/* webhook bodies have no tags or consent, and
  the upsert then keeps what is stored instead of erasing it. Never invent such values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from webhooks.rest_fields import (
    PayloadError,
    integer,
    money,
    optional_id,
    resource_id,
    tag_list,
    text,
    timestamp,
)

__all__ = [
    "CheckoutLineRecord",
    "CheckoutRecord",
    "CustomerRecord",
    "DiscountCodeUse",
    "MarketingConsent",
    "OrderLineRecord",
    "OrderRecord",
    "PayloadError",
    "ProductRecord",
    "RefundLineRecord",
    "RefundRecord",
    "VariantRecord",
    "checkout_from_rest",
    "consent_state",
    "customer_from_rest",
    "deleted_id_from_rest",
    "marketing_consent",
    "order_from_rest",
    "product_from_rest",
    "refund_from_rest",
]


@dataclass(frozen=True)
class MarketingConsent:
    state: str | None  # subscribed | not_subscribed | pending | unsubscribed | redacted | invalid
    opt_in_level: str | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True)
class CustomerRecord:
    shopify_id: int
    created_at: datetime | None
    updated_at: datetime | None
    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None
    state: str | None = None  # enabled | disabled | invited | declined
    verified_email: bool | None = None
    note: str | None = None
    # From the default address: where the customer is, for local segments and maps.
    city: str | None = None
    province_code: str | None = None
    country_code: str | None = None
    zip: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    tags: tuple[str, ...] | None = None  # None: not carried by this source, keep stored
    email_consent: MarketingConsent | None = None  # None: not carried, keep stored
    sms_consent: MarketingConsent | None = None  # None: not carried, keep stored


@dataclass(frozen=True)
class OrderLineRecord:
    shopify_id: int
    product_shopify_id: int | None
    variant_shopify_id: int | None
    title: str | None
    sku: str | None
    quantity: int
    price: Decimal  # unit price
    total_discount: Decimal


@dataclass(frozen=True)
class DiscountCodeUse:
    code: str
    amount: Decimal
    type: str | None


@dataclass(frozen=True)
class RefundLineRecord:
    line_item_shopify_id: int | None
    quantity: int
    subtotal: Decimal


@dataclass(frozen=True)
class RefundRecord:
    shopify_id: int
    order_shopify_id: int
    created_at: datetime | None
    processed_at: datetime | None
    amount: Decimal  # money returned to the buyer
    note: str | None = None
    line_items: tuple[RefundLineRecord, ...] = ()


@dataclass(frozen=True)
class OrderRecord:
    shopify_id: int
    created_at: datetime | None
    updated_at: datetime | None
    processed_at: datetime | None
    customer_shopify_id: int | None
    name: str | None
    email: str | None
    currency: str | None
    financial_status: str | None
    fulfillment_status: str | None
    subtotal_price: Decimal
    total_discounts: Decimal
    total_tax: Decimal
    total_price: Decimal
    current_total_price: Decimal | None
    cancelled_at: datetime | None = None
    cancel_reason: str | None = None
    discount_codes: tuple[DiscountCodeUse, ...] = ()
    landing_site: str | None = None
    referring_site: str | None = None
    source_name: str | None = None
    note_attributes: tuple[tuple[str, str], ...] = ()
    tags: tuple[str, ...] = ()
    browser_ip: str | None = None
    test: bool = False
    lines: tuple[OrderLineRecord, ...] = ()
    refunds: tuple[RefundRecord, ...] = ()


@dataclass(frozen=True)
class CheckoutLineRecord:
    product_shopify_id: int | None
    variant_shopify_id: int | None
    title: str | None
    sku: str | None
    quantity: int
    price: Decimal


@dataclass(frozen=True)
class CheckoutRecord:
    shopify_id: int
    created_at: datetime | None
    updated_at: datetime | None
    token: str | None
    cart_token: str | None
    email: str | None
    customer_shopify_id: int | None
    currency: str | None
    total_price: Decimal | None
    line_items: tuple[CheckoutLineRecord, ...] = ()
    abandoned_checkout_url: str | None = None
    landing_site: str | None = None
    referring_site: str | None = None
    source_name: str | None = None
    completed_at: datetime | None = None


@dataclass(frozen=True)
class VariantRecord:
    shopify_id: int
    title: str | None
    sku: str | None
    price: Decimal | None


@dataclass(frozen=True)
class ProductRecord:
    shopify_id: int
    created_at: datetime | None
    updated_at: datetime | None
    title: str | None
    handle: str | None
    product_type: str | None
    vendor: str | None
    status: str | None  # active | archived | draft
    tags: tuple[str, ...] = ()
    variants: tuple[VariantRecord, ...] = ()


def consent_state(value: Any) -> str | None:
    """REST 'subscribed' and GraphQL 'SUBSCRIBED' alike -> 'subscribed'."""
    return str(value).lower() if value else None


def marketing_consent(body: Any) -> MarketingConsent | None:
    """A REST `email_marketing_consent` / `sms_marketing_consent` object; None when absent."""
    if not isinstance(body, Mapping):
        return None
    return MarketingConsent(
        state=consent_state(body.get("state")),
        opt_in_level=consent_state(body.get("opt_in_level")),
        updated_at=timestamp(body.get("consent_updated_at")),
    )


def _float(value: Any) -> float | None:
    try:
        return float(value) if value is not None and value != "" else None
    except (TypeError, ValueError):
        return None


def customer_from_rest(payload: Mapping[str, Any]) -> CustomerRecord:
    address = payload.get("default_address") or {}
    return CustomerRecord(
        shopify_id=resource_id(payload),
        created_at=timestamp(payload.get("created_at")),
        updated_at=timestamp(payload.get("updated_at")),
        email=text(payload.get("email"), 320),
        first_name=text(payload.get("first_name"), 255),
        last_name=text(payload.get("last_name"), 255),
        phone=text(payload.get("phone"), 40),
        state=text(payload.get("state"), 20),
        verified_email=payload.get("verified_email"),
        note=text(payload.get("note")),
        city=text(address.get("city"), 255),
        province_code=text(address.get("province_code"), 16),
        country_code=text(address.get("country_code"), 2),
        zip=text(address.get("zip"), 32),
        latitude=_float(address.get("latitude")),
        longitude=_float(address.get("longitude")),
        # Older API versions carried these; current customers/* bodies do not (keep stored).
        tags=tag_list(payload["tags"]) if "tags" in payload else None,
        email_consent=marketing_consent(payload.get("email_marketing_consent")),
        sms_consent=marketing_consent(payload.get("sms_marketing_consent")),
    )


def _order_line(line: Mapping[str, Any]) -> OrderLineRecord:
    return OrderLineRecord(
        shopify_id=resource_id(line),
        product_shopify_id=optional_id(line.get("product_id")),
        variant_shopify_id=optional_id(line.get("variant_id")),
        title=text(line.get("title") or line.get("name")),
        sku=text(line.get("sku"), 255),
        quantity=integer(line.get("quantity")),
        price=money(line.get("price_set") or line.get("price")),
        total_discount=money(line.get("total_discount_set") or line.get("total_discount")),
    )


def _refund_amount(payload: Mapping[str, Any]) -> Decimal:
    """Money that went back: the successful refund transactions; a refund without any
    transaction (goods returned, no money moved yet) counts its line subtotals plus tax."""
    transactions = payload.get("transactions") or []
    if transactions:
        return sum(
            (
                money(t.get("amount"))
                for t in transactions
                if t.get("kind") == "refund" and t.get("status") == "success"
            ),
            Decimal("0"),
        )
    return sum(
        (
            money(line.get("subtotal_set") or line.get("subtotal"))
            + money(line.get("total_tax_set") or line.get("total_tax"))
            for line in payload.get("refund_line_items") or []
        ),
        Decimal("0"),
    )


def refund_from_rest(payload: Mapping[str, Any], order_shopify_id: int | None = None) -> RefundRecord:
    """`order_shopify_id` when the refund comes embedded in an order body (its exact id)."""
    order_id = order_shopify_id if order_shopify_id is not None else optional_id(payload.get("order_id"))
    if order_id is None:
        raise PayloadError("refund has no order_id")
    return RefundRecord(
        shopify_id=resource_id(payload),
        order_shopify_id=order_id,
        created_at=timestamp(payload.get("created_at")),
        processed_at=timestamp(payload.get("processed_at")),
        amount=_refund_amount(payload),
        note=text(payload.get("note")),
        line_items=tuple(
            RefundLineRecord(
                line_item_shopify_id=optional_id(
                    (line.get("line_item") or {}).get("admin_graphql_api_id") or line.get("line_item_id")
                ),
                quantity=integer(line.get("quantity")),
                subtotal=money(line.get("subtotal_set") or line.get("subtotal")),
            )
            for line in payload.get("refund_line_items") or []
        ),
    )


def _customer_id(payload: Mapping[str, Any]) -> int | None:
    customer = payload.get("customer")
    if not isinstance(customer, Mapping) or not (customer.get("id") or customer.get("admin_graphql_api_id")):
        return None
    return resource_id(customer)


def order_from_rest(payload: Mapping[str, Any]) -> OrderRecord:
    order_id = resource_id(payload)
    return OrderRecord(
        shopify_id=order_id,
        created_at=timestamp(payload.get("created_at")),
        updated_at=timestamp(payload.get("updated_at")),
        processed_at=timestamp(payload.get("processed_at")),
        customer_shopify_id=_customer_id(payload),
        name=text(payload.get("name"), 64),
        email=text(payload.get("email") or payload.get("contact_email"), 320),
        currency=text(payload.get("currency"), 3),
        financial_status=text(payload.get("financial_status"), 32),
        fulfillment_status=text(payload.get("fulfillment_status"), 32),
        subtotal_price=money(payload.get("subtotal_price_set") or payload.get("subtotal_price")),
        total_discounts=money(payload.get("total_discounts_set") or payload.get("total_discounts")),
        total_tax=money(payload.get("total_tax_set") or payload.get("total_tax")),
        total_price=money(payload.get("total_price_set") or payload.get("total_price")),
        current_total_price=money(
            payload.get("current_total_price_set") or payload.get("current_total_price"), default=None
        ),
        cancelled_at=timestamp(payload.get("cancelled_at")),
        cancel_reason=text(payload.get("cancel_reason"), 32),
        discount_codes=tuple(
            DiscountCodeUse(
                code=str(d.get("code") or ""), amount=money(d.get("amount")), type=text(d.get("type"))
            )
            for d in payload.get("discount_codes") or []
        ),
        landing_site=text(payload.get("landing_site")),
        referring_site=text(payload.get("referring_site")),
        source_name=text(payload.get("source_name"), 64),
        note_attributes=tuple(
            (str(a.get("name") or ""), str(a.get("value") if a.get("value") is not None else ""))
            for a in payload.get("note_attributes") or []
        ),
        tags=tag_list(payload.get("tags")),
        browser_ip=text(payload.get("browser_ip"), 64),
        test=bool(payload.get("test")),
        lines=tuple(_order_line(line) for line in payload.get("line_items") or []),
        refunds=tuple(refund_from_rest(r, order_id) for r in payload.get("refunds") or []),
    )


def checkout_from_rest(payload: Mapping[str, Any]) -> CheckoutRecord:
    return CheckoutRecord(
        shopify_id=resource_id(payload),
        created_at=timestamp(payload.get("created_at")),
        updated_at=timestamp(payload.get("updated_at")),
        token=text(payload.get("token"), 64),
        cart_token=text(payload.get("cart_token"), 64),
        email=text(payload.get("email"), 320),
        customer_shopify_id=_customer_id(payload),
        currency=text(payload.get("currency") or payload.get("presentment_currency"), 3),
        total_price=money(payload.get("total_price"), default=None),
        line_items=tuple(
            CheckoutLineRecord(
                product_shopify_id=optional_id(line.get("product_id")),
                variant_shopify_id=optional_id(line.get("variant_id")),
                title=text(line.get("title")),
                sku=text(line.get("sku")),
                quantity=integer(line.get("quantity")),
                price=money(line.get("price")),
            )
            for line in payload.get("line_items") or []
        ),
        abandoned_checkout_url=text(payload.get("abandoned_checkout_url")),
        landing_site=text(payload.get("landing_site")),
        referring_site=text(payload.get("referring_site")),
        source_name=text(payload.get("source_name"), 64),
        completed_at=timestamp(payload.get("completed_at")),
    )


def product_from_rest(payload: Mapping[str, Any]) -> ProductRecord:
    return ProductRecord(
        shopify_id=resource_id(payload),
        created_at=timestamp(payload.get("created_at")),
        updated_at=timestamp(payload.get("updated_at")),
        title=text(payload.get("title")),
        handle=text(payload.get("handle"), 255),
        product_type=text(payload.get("product_type"), 255),
        vendor=text(payload.get("vendor"), 255),
        status=text(payload.get("status"), 20),
        tags=tag_list(payload.get("tags")),
        variants=tuple(
            VariantRecord(
                shopify_id=resource_id(v),
                title=text(v.get("title")),
                sku=text(v.get("sku")),
                price=money(v.get("price"), default=None),
            )
            for v in payload.get("variants") or []
        ),
    )


def deleted_id_from_rest(payload: Mapping[str, Any]) -> int:
    """The id in a */delete body ({id} or {id, admin_graphql_api_id, ...})."""
    return resource_id(payload)
