"""Order, LineItem and Refund: REST order records as the Admin API's types."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from graphql import GraphQLResolveInfo

from devstore.resolvers.attribution import journey_summary
from devstore.resolvers.common import (
    decimal,
    enum_value,
    graphql_datetime,
    money_bag,
    money_bag_of,
    shopify_gid,
    tag_list,
    timestamp,
)
from devstore.resolvers.connections import page, positional_key
from devstore.resolvers.context import order_customer_id
from devstore.resolvers.search import SearchField, matches, parse_search
from devstore.store import Record

Info = GraphQLResolveInfo

FULFILLMENT_STATUS = {
    None: "UNFULFILLED",
    "": "UNFULFILLED",
    "unfulfilled": "UNFULFILLED",
    "partial": "PARTIALLY_FULFILLED",
    "fulfilled": "FULFILLED",
    "restocked": "RESTOCKED",
}


def currency(order: Record, info: Info) -> str:
    return order.get("currency") or info.context.shop.currency


def refund_total(refund: Record) -> Decimal:
    """Money actually returned: refund transactions, else the refunded lines' subtotals."""
    transactions = [
        t
        for t in refund.get("transactions") or []
        if t.get("kind", "refund") == "refund" and t.get("status", "success") == "success"
    ]
    if transactions:
        return sum((decimal(t.get("amount")) for t in transactions), Decimal(0))
    return sum(
        (decimal(line.get("subtotal")) for line in refund.get("refund_line_items") or []),
        Decimal(0),
    )


def line_discount(line: Record) -> Decimal:
    allocations = line.get("discount_allocations") or []
    if allocations:
        return sum((decimal(a.get("amount")) for a in allocations), Decimal(0))
    return decimal(line.get("total_discount"))


def refunded_quantities(info: Info) -> dict[int, int]:
    def build() -> dict[int, int]:
        refunded: dict[int, int] = defaultdict(int)
        for order in info.context.records("orders"):
            for refund in order.get("refunds") or []:
                for line in refund.get("refund_line_items") or []:
                    refunded[int(line.get("line_item_id") or 0)] += int(line.get("quantity") or 0)
        return refunded

    return info.context.memo("refunded_quantities", build)


def order_customer(order: Record, info: Info) -> Record | None:
    customer_id = order_customer_id(order)
    if customer_id is None:
        return None
    return info.context.lookup("customers", customer_id) or order.get("customer")


def line_items(order: Record) -> list[Record]:
    return list(order.get("line_items") or [])


def line_money(line: Record, info: Info, amount: Decimal) -> dict:
    return money_bag_of(amount, info.context.shop.currency)


ORDER_FIELDS = {
    "id": lambda o, info: o.get("admin_graphql_api_id") or shopify_gid("Order", o["id"]),
    "legacyResourceId": lambda o, info: str(o["id"]),
    "name": lambda o, info: o.get("name") or f"#{o.get('order_number', o['id'])}",
    "number": lambda o, info: int(o.get("number") or o.get("order_number") or 0),
    "email": lambda o, info: o.get("email") or o.get("contact_email"),
    "phone": lambda o, info: o.get("phone"),
    "note": lambda o, info: o.get("note"),
    "createdAt": lambda o, info: graphql_datetime(o.get("created_at")),
    "updatedAt": lambda o, info: graphql_datetime(o.get("updated_at") or o.get("created_at")),
    "processedAt": lambda o, info: graphql_datetime(o.get("processed_at") or o.get("created_at")),
    "cancelledAt": lambda o, info: graphql_datetime(o.get("cancelled_at")),
    "closedAt": lambda o, info: graphql_datetime(o.get("closed_at")),
    "closed": lambda o, info: bool(o.get("closed_at")),
    "cancelReason": lambda o, info: enum_value(info, o.get("cancel_reason")),
    "confirmed": lambda o, info: bool(o.get("confirmed", True)),
    "test": lambda o, info: bool(o.get("test")),
    "tags": lambda o, info: tag_list(o.get("tags")),
    "sourceName": lambda o, info: o.get("source_name"),
    "sourceIdentifier": lambda o, info: o.get("source_identifier"),
    "customerLocale": lambda o, info: o.get("customer_locale"),
    "displayFinancialStatus": lambda o, info: enum_value(info, o.get("financial_status")),
    "displayFulfillmentStatus": lambda o, info: FULFILLMENT_STATUS.get(
        o.get("fulfillment_status"), enum_value(info, o.get("fulfillment_status")) or "UNFULFILLED"
    ),
    "fullyPaid": lambda o, info: o.get("financial_status") in ("paid", "partially_refunded", "refunded"),
    "currencyCode": currency,
    "presentmentCurrencyCode": lambda o, info: o.get("presentment_currency") or currency(o, info),
    "totalPriceSet": lambda o, info: money_bag(o, "total_price", currency(o, info)),
    "subtotalPriceSet": lambda o, info: money_bag(o, "subtotal_price", currency(o, info)),
    "totalDiscountsSet": lambda o, info: money_bag(o, "total_discounts", currency(o, info)),
    "totalTaxSet": lambda o, info: money_bag(o, "total_tax", currency(o, info)),
    "totalShippingPriceSet": lambda o, info: money_bag(o, "total_shipping_price", currency(o, info)),
    "originalTotalPriceSet": lambda o, info: money_bag(o, "total_price", currency(o, info)),
    "currentTotalPriceSet": lambda o, info: money_bag(
        o, "current_total_price", currency(o, info), fallback=o.get("total_price")
    ),
    "currentSubtotalPriceSet": lambda o, info: money_bag(
        o, "current_subtotal_price", currency(o, info), fallback=o.get("subtotal_price")
    ),
    "currentTotalDiscountsSet": lambda o, info: money_bag(
        o, "current_total_discounts", currency(o, info), fallback=o.get("total_discounts")
    ),
    "totalRefundedSet": lambda o, info: money_bag_of(
        sum((refund_total(r) for r in o.get("refunds") or []), Decimal(0)), currency(o, info)
    ),
    "discountCode": lambda o, info: next((d.get("code") for d in o.get("discount_codes") or []), None),
    "discountCodes": lambda o, info: [d.get("code") for d in o.get("discount_codes") or []],
    "customer": order_customer,
    "lineItems": lambda o, info, **args: page(
        line_items(o), positional_key(line_items(o), lambda li: int(li["id"])), args
    ),
    "refunds": lambda o, info, first=None: list(o.get("refunds") or [])[:first],
    "customerJourneySummary": lambda o, info: journey_summary(o, info),
    "landingPageUrl": lambda o, info: o.get("landing_site"),
    "referrerUrl": lambda o, info: o.get("referring_site"),
    "metafield": lambda o, info, **args: None,
}

LINE_ITEM_FIELDS = {
    "id": lambda li, info: li.get("admin_graphql_api_id") or shopify_gid("LineItem", li["id"]),
    "title": lambda li, info: li.get("title"),
    "name": lambda li, info: li.get("name") or li.get("title"),
    "quantity": lambda li, info: int(li.get("quantity") or 0),
    "currentQuantity": lambda li, info: (
        int(li.get("quantity") or 0) - refunded_quantities(info).get(int(li["id"]), 0)
    ),
    "refundableQuantity": lambda li, info: (
        int(li.get("quantity") or 0) - refunded_quantities(info).get(int(li["id"]), 0)
    ),
    "sku": lambda li, info: li.get("sku"),
    "variantTitle": lambda li, info: li.get("variant_title"),
    "vendor": lambda li, info: li.get("vendor"),
    "requiresShipping": lambda li, info: bool(li.get("requires_shipping", True)),
    "taxable": lambda li, info: bool(li.get("taxable", True)),
    "isGiftCard": lambda li, info: bool(li.get("gift_card")),
    "variant": lambda li, info: (info.context.variant(li.get("variant_id")) or (None, None))[1],
    "product": lambda li, info: (
        info.context.lookup("products", int(li["product_id"])) if li.get("product_id") else None
    ),
    "originalUnitPriceSet": lambda li, info: money_bag(li, "price", info.context.shop.currency),
    "originalTotalSet": lambda li, info: line_money(
        li, info, decimal(li.get("price")) * int(li.get("quantity") or 0)
    ),
    "totalDiscountSet": lambda li, info: line_money(li, info, line_discount(li)),
    "discountedTotalSet": lambda li, info: line_money(
        li, info, decimal(li.get("price")) * int(li.get("quantity") or 0) - line_discount(li)
    ),
    "discountedUnitPriceSet": lambda li, info: line_money(
        li,
        info,
        (decimal(li.get("price")) * int(li.get("quantity") or 0) - line_discount(li))
        / max(int(li.get("quantity") or 1), 1),
    ),
}

REFUND_FIELDS = {
    "id": lambda r, info: r.get("admin_graphql_api_id") or shopify_gid("Refund", r["id"]),
    "legacyResourceId": lambda r, info: str(r["id"]),
    "createdAt": lambda r, info: graphql_datetime(r.get("created_at") or r.get("processed_at")),
    "updatedAt": lambda r, info: graphql_datetime(r.get("created_at") or r.get("processed_at")),
    "note": lambda r, info: r.get("note"),
    "order": lambda r, info: info.context.lookup("orders", int(r["order_id"])) if r.get("order_id") else None,
    "totalRefundedSet": lambda r, info: money_bag_of(refund_total(r), info.context.shop.currency),
    "refundLineItems": lambda r, info, **args: page(
        list(r.get("refund_line_items") or []),
        positional_key(list(r.get("refund_line_items") or []), lambda x: int(x.get("id") or 0)),
        args,
    ),
}

REFUND_LINE_ITEM_FIELDS = {
    "id": lambda x, info: shopify_gid("RefundLineItem", x.get("id")),
    "lineItem": lambda x, info: x.get("line_item"),
    "quantity": lambda x, info: int(x.get("quantity") or 0),
    "restockType": lambda x, info: enum_value(info, x.get("restock_type")) or "NO_RESTOCK",
    "restocked": lambda x, info: x.get("restock_type") in ("return", "cancel"),
    "subtotalSet": lambda x, info: money_bag(x, "subtotal", info.context.shop.currency),
    "totalTaxSet": lambda x, info: money_bag(x, "total_tax", info.context.shop.currency),
    "priceSet": lambda x, info: money_bag(x.get("line_item") or {}, "price", info.context.shop.currency),
}

TYPES = {
    "Order": ORDER_FIELDS,
    "LineItem": LINE_ITEM_FIELDS,
    "Refund": REFUND_FIELDS,
    "RefundLineItem": REFUND_LINE_ITEM_FIELDS,
}

ORDER_SORT_KEYS = {
    "ID": lambda o: (o["id"], o["id"]),
    "RELEVANCE": lambda o: (o["id"], o["id"]),
    "CREATED_AT": lambda o: (timestamp(o.get("created_at")), o["id"]),
    "UPDATED_AT": lambda o: (timestamp(o.get("updated_at") or o.get("created_at")), o["id"]),
    "PROCESSED_AT": lambda o: (timestamp(o.get("processed_at") or o.get("created_at")), o["id"]),
    "ORDER_NUMBER": lambda o: (int(o.get("order_number") or o.get("number") or 0), o["id"]),
    "TOTAL_PRICE": lambda o: (float(decimal(o.get("total_price"))), o["id"]),
    "CURRENT_TOTAL_PRICE": lambda o: (
        float(decimal(o.get("current_total_price", o.get("total_price")))),
        o["id"],
    ),
}

ORDER_SEARCH_FIELDS = {
    "id": SearchField("number", lambda o: o["id"]),
    "created_at": SearchField("time", lambda o: o.get("created_at")),
    "updated_at": SearchField("time", lambda o: o.get("updated_at") or o.get("created_at")),
    "processed_at": SearchField("time", lambda o: o.get("processed_at") or o.get("created_at")),
    "customer_id": SearchField("number", order_customer_id),
    "email": SearchField("text", lambda o: o.get("email")),
    "name": SearchField("text", lambda o: o.get("name")),
    "tag": SearchField("tags", lambda o: tag_list(o.get("tags"))),
    "financial_status": SearchField("text", lambda o: o.get("financial_status")),
    "fulfillment_status": SearchField("text", lambda o: o.get("fulfillment_status") or "unshipped"),
    "source_name": SearchField("text", lambda o: o.get("source_name")),
    "discount_code": SearchField("text", lambda o: [d.get("code") for d in o.get("discount_codes") or []]),
    "test": SearchField("bool", lambda o: bool(o.get("test"))),
    "status": SearchField(
        "text",
        lambda o: "cancelled" if o.get("cancelled_at") else "closed" if o.get("closed_at") else "open",
    ),
}


def search_orders(orders: list[Record], query: str | None) -> list[Record]:
    if not query:
        return orders
    groups = parse_search(query)
    return [o for o in orders if matches(o, groups, ORDER_SEARCH_FIELDS, order_default_text)]


def orders_page(orders: list[Record], args: dict[str, Any]) -> dict:
    sort_key = ORDER_SORT_KEYS.get(args.get("sortKey") or "PROCESSED_AT", ORDER_SORT_KEYS["ID"])
    return page(orders, sort_key, args)


def order_default_text(order: Record) -> list[str]:
    customer = order.get("customer") or {}
    name = " ".join(p for p in (customer.get("first_name"), customer.get("last_name")) if p)
    return [order.get("name") or "", order.get("email") or "", name]
