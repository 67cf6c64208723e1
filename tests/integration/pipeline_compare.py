"""Field-by-field comparison of Orbit's mirror tables with a devstore shop's records.

The expected side is the devstore's own REST-shaped records read by the webhook parsers
(webhooks/records.py), the same reading every webhook gets; the actual side is what the
database holds. Differences come back as readable lines, so a failing test says which record
and which field disagree.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Customer, Order, OrderLine, Product, Refund
from devstore.store import Shop
from webhooks.records import customer_from_rest, order_from_rest, product_from_rest

CUSTOMER_FIELDS = (
    "email", "first_name", "last_name", "phone", "state", "verified_email", "note", "city",
    "province_code", "country_code", "zip", "latitude", "longitude",
)  # fmt: skip
ORDER_FIELDS = (
    "customer_shopify_id", "name", "email", "currency", "financial_status", "fulfillment_status",
    "subtotal_price", "total_discounts", "total_tax", "total_price", "current_total_price",
    "cancelled_at", "cancel_reason", "landing_site", "referring_site", "source_name", "browser_ip",
    "test", "processed_at",
)  # fmt: skip
PRODUCT_FIELDS = ("title", "handle", "product_type", "vendor", "status")


def same(left: Any, right: Any) -> bool:
    if isinstance(left, Decimal) or isinstance(right, Decimal):
        return left is not None and right is not None and Decimal(left) == Decimal(right)
    return left == right


def diff_fields(kind: str, key: int, expected: dict[str, Any], actual: dict[str, Any]) -> list[str]:
    return [
        f"{kind} {key} {name}: expected {expected[name]!r}, Orbit has {actual.get(name)!r}"
        for name in expected
        if not same(expected[name], actual.get(name))
    ]


def expected_customer(record: dict[str, Any], *, with_groups: bool) -> dict[str, Any]:
    parsed = customer_from_rest(record)
    values = {name: getattr(parsed, name) for name in CUSTOMER_FIELDS}
    values["shopify_created_at"] = parsed.created_at
    values["shopify_updated_at"] = parsed.updated_at
    if with_groups:
        values["tags"] = list(parsed.tags or ())
        values["email_marketing_state"] = parsed.email_consent.state if parsed.email_consent else None
    return values


def compare_customers(session: Session, shop_id: int, shop: Shop, *, with_groups: bool = True) -> list[str]:
    rows = {
        row.shopify_id: row
        for row in session.scalars(
            select(Customer).where(Customer.shop_id == shop_id, Customer.deleted_at.is_(None))
        )
    }
    problems = [
        f"customer {key} is in Orbit but not in the devstore" for key in rows.keys() - shop.customers.keys()
    ]
    for key, record in shop.customers.items():
        row = rows.get(key)
        if row is None:
            problems.append(f"customer {key} is missing from Orbit")
            continue
        expected = expected_customer(record, with_groups=with_groups)
        problems += diff_fields("customer", key, expected, {name: getattr(row, name) for name in expected})
    return problems


def line_key(line: Any, *, with_discount: bool) -> tuple:
    base = (
        line.shopify_id,
        line.product_shopify_id,
        line.variant_shopify_id,
        line.title,
        line.sku,
        line.quantity,
    )
    return (*base, Decimal(line.price), *((Decimal(line.total_discount),) if with_discount else ()))


def compare_orders(
    session: Session, shop_id: int, shop: Shop, *, detailed_ids: set[int] | None = None
) -> list[str]:
    """Orders, their lines and refunds. Orders in `detailed_ids` (None: all) are also compared on
    what only webhook bodies carry: discount amounts, line discounts, refund line items."""
    rows = {
        row.shopify_id: row
        for row in session.scalars(select(Order).where(Order.shop_id == shop_id, Order.deleted_at.is_(None)))
    }
    lines: dict[int, list[OrderLine]] = {}
    for line in session.scalars(select(OrderLine).where(OrderLine.shop_id == shop_id)):
        lines.setdefault(line.order_id, []).append(line)
    refunds: dict[int, Refund] = {
        r.shopify_id: r for r in session.scalars(select(Refund).where(Refund.shop_id == shop_id))
    }
    problems = [
        f"order {key} is in Orbit but not in the devstore" for key in rows.keys() - shop.orders.keys()
    ]
    expected_refunds = 0
    for key, record in shop.orders.items():
        row = rows.get(key)
        if row is None:
            problems.append(f"order {key} is missing from Orbit")
            continue
        parsed = order_from_rest(record)
        detailed = detailed_ids is None or key in detailed_ids
        expected = {name: getattr(parsed, name) for name in ORDER_FIELDS}
        expected["shopify_created_at"], expected["shopify_updated_at"] = parsed.created_at, parsed.updated_at
        expected["tags"] = list(parsed.tags)
        expected["note_attributes"] = [{"name": n, "value": v} for n, v in parsed.note_attributes]
        actual = {name: getattr(row, name) for name in expected}
        problems += diff_fields("order", key, expected, actual)
        problems += compare_discount_codes(key, parsed.discount_codes, row.discount_codes or [], detailed)
        want_lines = sorted(line_key(li, with_discount=detailed) for li in parsed.lines)
        have_lines = sorted(line_key(li, with_discount=detailed) for li in lines.get(row.id, []))
        if want_lines != have_lines:
            problems.append(f"order {key} lines: expected {want_lines!r}, Orbit has {have_lines!r}")
        for refund in parsed.refunds:
            expected_refunds += 1
            stored = refunds.get(refund.shopify_id)
            if stored is None:
                problems.append(f"refund {refund.shopify_id} of order {key} is missing from Orbit")
                continue
            want = {
                "order_shopify_id": refund.order_shopify_id,
                "amount": refund.amount,
                "note": refund.note,
                "shopify_created_at": refund.created_at,
                "processed_at": refund.processed_at,
            }
            problems += diff_fields("refund", refund.shopify_id, want, {k: getattr(stored, k) for k in want})
            if detailed:
                want_lines = [
                    [r.line_item_shopify_id, r.quantity, Decimal(r.subtotal)] for r in refund.line_items
                ]
                have = [
                    [x["line_item_shopify_id"], x["quantity"], Decimal(x["subtotal"])]
                    for x in stored.line_items or []
                ]
                if want_lines != have:
                    problems.append(
                        f"refund {refund.shopify_id} line items: expected {want_lines}, Orbit has {have}"
                    )
    live_orders = set(rows)
    orphan = [r for r in refunds.values() if r.order_shopify_id in live_orders]
    if len(orphan) != expected_refunds:
        problems.append(f"Orbit holds {len(orphan)} refunds of live orders, the devstore {expected_refunds}")
    return problems


def compare_discount_codes(key: int, parsed: Any, stored: list[dict], detailed: bool) -> list[str]:
    """Codes always; their amount and type only where the source carries them (webhooks)."""
    if detailed:
        want = [(d.code, Decimal(d.amount), d.type) for d in parsed]
        have = [(d["code"], Decimal(d["amount"]), d.get("type")) for d in stored]
    else:
        want, have = [d.code for d in parsed], [d["code"] for d in stored]
    return [] if want == have else [f"order {key} discount_codes: expected {want!r}, Orbit has {have!r}"]


def compare_products(session: Session, shop_id: int, shop: Shop) -> list[str]:
    rows = {
        row.shopify_id: row
        for row in session.scalars(
            select(Product).where(Product.shop_id == shop_id, Product.deleted_at.is_(None))
        )
    }
    problems = [
        f"product {key} is in Orbit but not in the devstore" for key in rows.keys() - shop.products.keys()
    ]
    for key, record in shop.products.items():
        row = rows.get(key)
        if row is None:
            problems.append(f"product {key} is missing from Orbit")
            continue
        parsed = product_from_rest(record)
        expected = {name: getattr(parsed, name) for name in PRODUCT_FIELDS}
        expected["shopify_updated_at"] = parsed.updated_at
        expected["tags"] = list(parsed.tags)
        problems += diff_fields("product", key, expected, {name: getattr(row, name) for name in expected})
        want_variants = [(v.shopify_id, v.title, v.sku, v.price) for v in parsed.variants]
        have_variants = [
            (v["shopify_id"], v["title"], v["sku"], Decimal(v["price"]) if v["price"] is not None else None)
            for v in row.variants or []
        ]
        if want_variants != have_variants:
            problems.append(f"product {key} variants: expected {want_variants}, Orbit has {have_variants}")
    return problems
