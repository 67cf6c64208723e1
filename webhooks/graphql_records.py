"""Admin GraphQL nodes (bulk JSONL lines, paged query nodes) -> the same records as webhook
bodies (webhooks/records.py), so backfill and reconciliation store facts through the one upsert
path. Pure: no I/O imports. The documents that produce these nodes are in
app/shopify/bulk_operations.py.

Spelling is made to match the REST parsers field by field: enums in lower case as REST writes
them (`PARTIALLY_REFUNDED` -> "partially_refunded", `UNFULFILLED` -> None as REST's null),
money from `shopMoney.amount`, ids from global ids. What GraphQL does not offer stays as the
REST parser would leave an absent value:
- checkouts: no `cart_token`, `landing_site`, `referring_site` or `source_name`; the `token` is
  read from the recovery URL and the email from the customer;
- orders: discount codes come as plain codes (no amount or type);
- refunds inside a bulk order carry no line items (no connection inside a list in bulk queries).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from webhooks.records import (
    CheckoutLineRecord,
    CheckoutRecord,
    CustomerRecord,
    DiscountCodeUse,
    MarketingConsent,
    OrderLineRecord,
    OrderRecord,
    ProductRecord,
    RefundLineRecord,
    RefundRecord,
    VariantRecord,
)
from webhooks.rest_fields import (
    PayloadError,
    gid_number,
    integer,
    money,
    optional_id,
    tag_list,
    text,
    timestamp,
)

FULFILLMENT_STATUS = {"UNFULFILLED": None, "PARTIALLY_FULFILLED": "partial"}
CHECKOUT_TOKEN = re.compile(r"/checkouts/([^/?#]+)/recover")
ZERO = money(None)  # an absent amount, as the REST parsers read it (built once, not per field)

Node = Mapping[str, Any]


def node_id(node: Node) -> int:
    number = gid_number(node.get("id"))
    if number is None:
        raise PayloadError("node has no id")
    return number


def ref_id(value: Any) -> int | None:
    """The id of a `{ id }` reference, or None."""
    # type() first: isinstance(..., Mapping) is an ABC check, and the backfill makes millions.
    return optional_id(value.get("id")) if type(value) is dict or isinstance(value, Mapping) else None


def lower(value: Any) -> str | None:
    return str(value).lower() if value else None


def shop_money(value: Any, default: Any = None) -> Any:
    if type(value) is dict or isinstance(value, Mapping):
        return money((value.get("shopMoney") or {}).get("amount"), default=default)
    return default


def parent_of(line: Node) -> int | None:
    """The parent id of an ungrouped/grouped bulk child line (`__parentId`)."""
    return optional_id(line.get("__parentId"))


def children(node: Node, field: str, separate: Iterable[Node] | None) -> list[Node]:
    """A nested connection's nodes: given apart (bulk lines) or inside the node (paged query)."""
    if separate is not None:
        return list(separate)
    connection = node.get(field) or {}
    if connection.get("nodes") is not None:
        return list(connection["nodes"])
    return [edge["node"] for edge in connection.get("edges") or []]


def customer_from_graphql(node: Node) -> CustomerRecord:
    email = node.get("defaultEmailAddress") or {}
    phone = node.get("defaultPhoneNumber") or {}
    address = node.get("defaultAddress") or {}
    return CustomerRecord(
        shopify_id=node_id(node),
        created_at=timestamp(node.get("createdAt")),
        updated_at=timestamp(node.get("updatedAt")),
        email=text(email.get("emailAddress"), 320),
        first_name=text(node.get("firstName"), 255),
        last_name=text(node.get("lastName"), 255),
        phone=text(phone.get("phoneNumber"), 40),
        state=lower(node.get("state")),
        verified_email=node.get("verifiedEmail"),
        note=text(node.get("note")),
        city=text(address.get("city"), 255),
        province_code=text(address.get("provinceCode"), 16),
        country_code=text(address.get("countryCodeV2"), 2),
        zip=text(address.get("zip"), 32),
        latitude=address.get("latitude"),
        longitude=address.get("longitude"),
        tags=tag_list(node.get("tags") or []),
        email_consent=MarketingConsent(
            state=lower(email.get("marketingState")),
            opt_in_level=lower(email.get("marketingOptInLevel")),
            updated_at=timestamp(email.get("marketingUpdatedAt")),
        )
        if email
        else None,
        sms_consent=MarketingConsent(state=lower(phone.get("marketingState"))) if phone else None,
    )


def refund_from_graphql(node: Node, order_shopify_id: int) -> RefundRecord:
    lines = (node.get("refundLineItems") or {}).get("nodes") or []
    return RefundRecord(
        shopify_id=node_id(node),
        order_shopify_id=order_shopify_id,
        created_at=timestamp(node.get("createdAt")),
        processed_at=timestamp(node.get("processedAt")),
        amount=shop_money(node.get("totalRefundedSet"), default=ZERO),
        note=text(node.get("note")),
        line_items=tuple(
            RefundLineRecord(
                line_item_shopify_id=ref_id(line.get("lineItem")),
                quantity=integer(line.get("quantity")),
                subtotal=shop_money(line.get("subtotalSet"), default=ZERO),
            )
            for line in lines
        ),
    )


def order_line_from_graphql(line: Node) -> OrderLineRecord:
    return OrderLineRecord(
        shopify_id=node_id(line),
        product_shopify_id=ref_id(line.get("product")),
        variant_shopify_id=ref_id(line.get("variant")),
        title=text(line.get("title")),
        sku=text(line.get("sku"), 255),
        quantity=integer(line.get("quantity")),
        price=shop_money(line.get("originalUnitPriceSet"), default=ZERO),
        total_discount=shop_money(line.get("totalDiscountSet"), default=ZERO),
    )


def order_from_graphql(node: Node, line_nodes: Iterable[Node] | None = None) -> OrderRecord:
    """An order node; `line_nodes` are its bulk child lines (else `lineItems` inside the node)."""
    order_id = node_id(node)
    status = node.get("displayFulfillmentStatus")
    return OrderRecord(
        shopify_id=order_id,
        created_at=timestamp(node.get("createdAt")),
        updated_at=timestamp(node.get("updatedAt")),
        processed_at=timestamp(node.get("processedAt")),
        customer_shopify_id=ref_id(node.get("customer")),
        name=text(node.get("name"), 64),
        email=text(node.get("email"), 320),
        currency=text(node.get("currencyCode"), 3),
        financial_status=lower(node.get("displayFinancialStatus")),
        fulfillment_status=FULFILLMENT_STATUS.get(status, lower(status)),
        subtotal_price=shop_money(node.get("subtotalPriceSet"), default=ZERO),
        total_discounts=shop_money(node.get("totalDiscountsSet"), default=ZERO),
        total_tax=shop_money(node.get("totalTaxSet"), default=ZERO),
        total_price=shop_money(node.get("totalPriceSet"), default=ZERO),
        current_total_price=shop_money(node.get("currentTotalPriceSet")),
        cancelled_at=timestamp(node.get("cancelledAt")),
        cancel_reason=lower(node.get("cancelReason")),
        discount_codes=tuple(
            DiscountCodeUse(code=str(code), amount=ZERO, type=None)
            for code in node.get("discountCodes") or []
        ),
        landing_site=text(node.get("landingPageUrl")),
        referring_site=text(node.get("referrerUrl")),
        source_name=text(node.get("sourceName"), 64),
        note_attributes=tuple(
            (str(a.get("key") or ""), str(a.get("value") if a.get("value") is not None else ""))
            for a in node.get("customAttributes") or []
        ),
        tags=tag_list(node.get("tags") or []),
        browser_ip=text(node.get("clientIp"), 64),
        test=bool(node.get("test")),
        lines=tuple(order_line_from_graphql(line) for line in children(node, "lineItems", line_nodes)),
        refunds=tuple(refund_from_graphql(refund, order_id) for refund in node.get("refunds") or []),
    )


def product_from_graphql(node: Node, variant_nodes: Iterable[Node] | None = None) -> ProductRecord:
    return ProductRecord(
        shopify_id=node_id(node),
        created_at=timestamp(node.get("createdAt")),
        updated_at=timestamp(node.get("updatedAt")),
        title=text(node.get("title")),
        handle=text(node.get("handle"), 255),
        product_type=text(node.get("productType"), 255),
        vendor=text(node.get("vendor"), 255),
        status=lower(node.get("status")),
        tags=tag_list(node.get("tags") or []),
        variants=tuple(
            VariantRecord(
                shopify_id=node_id(v),
                title=text(v.get("title")),
                sku=text(v.get("sku")),
                price=money(v.get("price"), default=None),
            )
            for v in children(node, "variants", variant_nodes)
        ),
    )


def checkout_from_graphql(node: Node, line_nodes: Iterable[Node] | None = None) -> CheckoutRecord:
    url = text(node.get("abandonedCheckoutUrl"))
    token = CHECKOUT_TOKEN.search(url or "")
    customer = node.get("customer") or {}
    total = node.get("totalPriceSet") or {}
    return CheckoutRecord(
        shopify_id=node_id(node),
        created_at=timestamp(node.get("createdAt")),
        updated_at=timestamp(node.get("updatedAt")),
        token=token.group(1)[:64] if token else None,
        cart_token=None,
        email=text((customer.get("defaultEmailAddress") or {}).get("emailAddress"), 320),
        customer_shopify_id=ref_id(customer) if customer else None,
        currency=text((total.get("shopMoney") or {}).get("currencyCode"), 3),
        total_price=shop_money(total),
        line_items=tuple(
            CheckoutLineRecord(
                product_shopify_id=ref_id(line.get("product")),
                variant_shopify_id=ref_id(line.get("variant")),
                title=text(line.get("title")),
                sku=text(line.get("sku")),
                quantity=integer(line.get("quantity")),
                price=shop_money(line.get("originalUnitPriceSet"), default=ZERO),
            )
            for line in children(node, "lineItems", line_nodes)
        ),
        abandoned_checkout_url=url,
        completed_at=timestamp(node.get("completedAt")),
    )
