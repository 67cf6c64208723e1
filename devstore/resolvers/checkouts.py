"""AbandonedCheckout and its line items: REST checkout records as the Admin API's types."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from graphql import GraphQLResolveInfo

from devstore.resolvers.common import (
    decimal,
    graphql_datetime,
    money_bag,
    money_bag_of,
    shopify_gid,
    timestamp,
)
from devstore.resolvers.connections import page, positional_key
from devstore.resolvers.search import SearchField, matches, parse_search
from devstore.store import Record

Info = GraphQLResolveInfo


def currency(checkout: Record, info: Info) -> str:
    return checkout.get("currency") or info.context.shop.currency


def line_items(checkout: Record) -> list[Record]:
    return list(checkout.get("line_items") or [])


def line_id(line: Record) -> int:
    return int(line.get("variant_id") or 0)


def checkout_customer(checkout: Record, info: Info) -> Record | None:
    embedded = checkout.get("customer") or {}
    if embedded.get("id") is None:
        return None
    return info.context.lookup("customers", int(embedded["id"]))


def tax_lines(checkout: Record, info: Info) -> list[dict]:
    return [
        {
            "title": t.get("title") or "",
            "rate": float(t.get("rate") or 0),
            "ratePercentage": float(t.get("rate") or 0) * 100,
            "price": str(t.get("price") or "0.00"),
            "priceSet": money_bag(t, "price", currency(checkout, info)),
            "channelLiable": bool(t.get("channel_liable")),
            "source": None,
        }
        for t in checkout.get("tax_lines") or []
    ]


def line_total(line: Record) -> Decimal:
    return decimal(line.get("price")) * int(line.get("quantity") or 0)


CHECKOUT_FIELDS = {
    "id": lambda c, info: shopify_gid("AbandonedCheckout", c["id"]),
    "name": lambda c, info: c.get("name") or f"#{c['id']}",
    "abandonedCheckoutUrl": lambda c, info: c.get("abandoned_checkout_url") or "",
    "createdAt": lambda c, info: graphql_datetime(c.get("created_at")),
    "updatedAt": lambda c, info: graphql_datetime(c.get("updated_at") or c.get("created_at")),
    "completedAt": lambda c, info: graphql_datetime(c.get("completed_at")),
    "note": lambda c, info: c.get("note") or "",
    "customAttributes": lambda c, info: [
        {"key": str(a.get("name")), "value": a.get("value")} for a in c.get("note_attributes") or []
    ],
    "customer": checkout_customer,
    "defaultCursor": lambda c, info: str(c["id"]),
    "discountCodes": lambda c, info: [d.get("code") for d in c.get("discount_codes") or []],
    "billingAddress": lambda c, info: c.get("billing_address"),
    "shippingAddress": lambda c, info: c.get("shipping_address"),
    "taxesIncluded": lambda c, info: bool(c.get("taxes_included")),
    "taxLines": tax_lines,
    "lineItemsQuantity": lambda c, info: sum(int(li.get("quantity") or 0) for li in line_items(c)),
    "lineItems": lambda c, info, **args: page(line_items(c), positional_key(line_items(c), line_id), args),
    "subtotalPriceSet": lambda c, info: money_bag(c, "subtotal_price", currency(c, info)),
    "totalDiscountSet": lambda c, info: money_bag(c, "total_discounts", currency(c, info)),
    "totalLineItemsPriceSet": lambda c, info: money_bag(c, "total_line_items_price", currency(c, info)),
    "totalPriceSet": lambda c, info: money_bag(c, "total_price", currency(c, info)),
    "totalTaxSet": lambda c, info: money_bag(c, "total_tax", currency(c, info)),
    "totalDutiesSet": lambda c, info: None,
}

CHECKOUT_LINE_FIELDS = {
    "id": lambda li, info: shopify_gid("AbandonedCheckoutLineItem", f"{line_id(li)}?key={li.get('key', '')}"),
    "title": lambda li, info: li.get("title"),
    "sku": lambda li, info: li.get("sku"),
    "variantTitle": lambda li, info: li.get("variant_title") or None,
    "quantity": lambda li, info: int(li.get("quantity") or 0),
    "customAttributes": lambda li, info: [],
    "variant": lambda li, info: (info.context.variant(li.get("variant_id")) or (None, None))[1],
    "product": lambda li, info: (
        info.context.lookup("products", int(li["product_id"])) if li.get("product_id") else None
    ),
    "originalUnitPriceSet": lambda li, info: money_bag_of(
        decimal(li.get("price")), info.context.shop.currency
    ),
    "originalTotalPriceSet": lambda li, info: money_bag_of(line_total(li), info.context.shop.currency),
    "discountedUnitPriceSet": lambda li, info: money_bag_of(
        decimal(li.get("price")), info.context.shop.currency
    ),
    "discountedTotalPriceSet": lambda li, info: money_bag_of(line_total(li), info.context.shop.currency),
    "discountedUnitPriceWithCodeDiscount": lambda li, info: money_bag_of(
        decimal(li.get("price")), info.context.shop.currency
    ),
    "discountedTotalPriceWithCodeDiscount": lambda li, info: money_bag_of(
        line_total(li), info.context.shop.currency
    ),
    "image": lambda li, info: None,
    "components": lambda li, info: None,
    "parentRelationship": lambda li, info: None,
}


def customer_name(checkout: Record) -> str:
    customer = checkout.get("customer") or {}
    return " ".join(p for p in (customer.get("first_name"), customer.get("last_name")) if p).lower()


CHECKOUT_SORT_KEYS = {
    "ID": lambda c: (c["id"], c["id"]),
    "CHECKOUT_ID": lambda c: (c["id"], c["id"]),
    "RELEVANCE": lambda c: (c["id"], c["id"]),
    "CREATED_AT": lambda c: (timestamp(c.get("created_at")), c["id"]),
    "CUSTOMER_NAME": lambda c: (customer_name(c), c["id"]),
    "TOTAL_PRICE": lambda c: (float(decimal(c.get("total_price"))), c["id"]),
}

CHECKOUT_SEARCH_FIELDS = {
    "id": SearchField("number", lambda c: c["id"]),
    "created_at": SearchField("time", lambda c: c.get("created_at")),
    "updated_at": SearchField("time", lambda c: c.get("updated_at") or c.get("created_at")),
    "email": SearchField("text", lambda c: c.get("email")),
    "status": SearchField(
        "text", lambda c: "closed" if c.get("completed_at") or c.get("closed_at") else "open"
    ),
}


def search_checkouts(checkouts: list[Record], query: str | None) -> list[Record]:
    if not query:
        return checkouts
    groups = parse_search(query)
    return [
        c for c in checkouts if matches(c, groups, CHECKOUT_SEARCH_FIELDS, lambda c: [c.get("email") or ""])
    ]


def abandoned_checkouts(root: Any, info: Info, **args: Any) -> dict:
    from devstore.resolvers.root import require_scope

    require_scope(info, "read_orders")
    found = search_checkouts(info.context.records("checkouts"), args.get("query"))
    sort_key = CHECKOUT_SORT_KEYS.get(args.get("sortKey") or "ID", CHECKOUT_SORT_KEYS["ID"])
    return page(found, sort_key, args)


def abandoned_checkouts_count(root: Any, info: Info, **args: Any) -> dict:
    from devstore.resolvers.root import count, require_scope

    require_scope(info, "read_orders")
    return count(search_checkouts(info.context.records("checkouts"), args.get("query")), args)


TYPES = {
    "AbandonedCheckout": CHECKOUT_FIELDS,
    "AbandonedCheckoutLineItem": CHECKOUT_LINE_FIELDS,
    "QueryRoot": {
        "abandonedCheckouts": abandoned_checkouts,
        "abandonedCheckoutsCount": abandoned_checkouts_count,
    },
}
