"""What a buyer brings to an order besides the basket: a discount code typed at checkout, the
cart attributes a landing link set, the landing page, the browser's IP and the addresses.

`order.create` changes may carry `discount_code`, `note_attributes` ([{name, value}]),
`landing_site`, `browser_ip`, `shipping_address` and `billing_address`. The code is checked as
Shopify's checkout would (active, not expired, usage limit, once per customer, minimum subtotal,
the customer selection: listed customers or segments; the devstore understands the segment
`number_of_orders = 0`, "customers without previous orders") and applied to the order's totals.
An order with none of these keys is left exactly as the change feed built it.
"""

from __future__ import annotations

import copy
import random
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from devstore.resolvers.common import parse_time
from devstore.resolvers.discounts import find_by_code
from devstore.resolvers.segments import segment_store
from devstore.seeding.formats import CENT, ZERO, money, money_set
from devstore.store import Record, Shop, parse_gid

OPTION_KEYS = (
    "discount_code",
    "note_attributes",
    "landing_site",
    "browser_ip",
    "shipping_address",
    "billing_address",
)
NO_PREVIOUS_ORDERS = "number_of_orders = 0"


def apply_order_options(shop: Shop, order: Record, customer: Record | None, change: dict[str, Any]) -> Record:
    if not any(key in change for key in OPTION_KEYS):
        return order
    order = copy.deepcopy(order)
    home = copy.deepcopy((customer or {}).get("default_address"))
    order["shipping_address"] = change.get("shipping_address") or home
    order["billing_address"] = change.get("billing_address") or order["shipping_address"]
    order["browser_ip"] = change.get("browser_ip") or order.get("browser_ip")
    if "landing_site" in change:
        order["landing_site"] = change["landing_site"]
    if "note_attributes" in change:
        order["note_attributes"] = [
            {"name": str(a.get("name")), "value": str(a.get("value"))}
            for a in change["note_attributes"] or []
        ]
    if change.get("discount_code"):
        apply_code(shop, order, customer, str(change["discount_code"]))
    return order


def refuse(message: str) -> Exception:
    from devstore.changes import ChangeError  # the feed imports this module

    return ChangeError(message)


def eligible(shop: Shop, discount: Record, customer: Record | None, order: Record) -> str | None:
    """Why the code does not apply to this order, or None."""
    now = datetime.now(UTC)
    if discount.get("status", "ACTIVE") != "ACTIVE":
        return "the code is not active"
    ends = parse_time(discount.get("ends_at"))
    if ends is not None and ends <= now:
        return "the code has expired"
    limit = discount.get("usage_limit")
    if limit is not None and int(discount.get("usage_count") or 0) >= int(limit):
        return "the code reached its usage limit"
    customer_id = (customer or {}).get("id")
    if discount.get("applies_once_per_customer") and customer_id in (discount.get("used_by") or []):
        return "the customer already used the code"
    minimum = (discount.get("prerequisite_subtotal_range") or {}).get("greater_than_or_equal_to")
    if minimum is not None and Decimal(order["subtotal_price"]) < Decimal(str(minimum)):
        return f"the subtotal is below the code's minimum of {minimum}"
    allowed_customers = {parse_gid(c)[1] for c in discount.get("customer_ids") or []}
    if allowed_customers and customer_id not in allowed_customers:
        return "the code is for other customers"
    for segment_gid in discount.get("segment_ids") or []:
        segment = segment_store(shop).get(parse_gid(segment_gid)[1])
        query = (segment or {}).get("query", "")
        if query.strip() == NO_PREVIOUS_ORDERS:
            previous = [
                o
                for o in shop.orders.values()
                if customer_id and (o.get("customer") or {}).get("id") == customer_id
            ]
            if customer_id is None or previous:
                return "the code is for customers without previous orders"
    return None


def apply_code(shop: Shop, order: Record, customer: Record | None, code: str) -> None:
    discount = find_by_code(shop, code)
    if discount is None:
        raise refuse(f"Enter a valid discount code: {code!r} does not exist")
    problem = eligible(shop, discount, customer, order)
    if problem is not None:
        raise refuse(f"Discount code {discount['code']} cannot be used: {problem}")
    subtotal = Decimal(order["subtotal_price"])
    value = -Decimal(str(discount["value"]))
    amount = (subtotal * value / 100) if discount["value_type"] == "percentage" else min(value, subtotal)
    amount = amount.quantize(CENT)
    currency = order.get("currency") or shop.currency
    for name in ("subtotal_price", "total_price"):
        for field in (name, f"current_{name}"):
            left = max(Decimal(order[field]) - amount, ZERO)
            order[field] = money(left)
            order[f"{field}_set"] = money_set(left, currency)
    for field in ("total_discounts", "current_total_discounts"):
        order[field] = money(amount)
        order[f"{field}_set"] = money_set(amount, currency)
    order["discount_codes"] = [
        {"code": discount["code"], "amount": money(amount), "type": discount["value_type"]}
    ]
    order["discount_applications"] = [
        {
            "type": "discount_code",
            "code": discount["code"],
            "title": discount["code"],
            "description": None,
            "value": str(-Decimal(str(discount["value"]))),
            "value_type": discount["value_type"],
            "allocation_method": "across",
            "target_selection": "all",
            "target_type": "line_item",
        }
    ]
    discount["usage_count"] = int(discount.get("usage_count") or 0) + 1
    discount.setdefault("used_by", []).append((customer or {}).get("id"))


REFERRAL_TAG = "orbit-referral"  # the tag Orbit puts on advocates' codes


def with_referral(
    change: dict[str, Any], shop: Shop, customer: Record | None, rng: random.Random
) -> dict[str, Any]:
    """Traffic: half of the first orders of new customers use an advocate's code, arriving by the
    referral link. A shop without referral codes draws nothing, so its traffic is unchanged."""
    codes = sorted(
        str(r["code"])
        for r in shop.discount_codes.values()
        if REFERRAL_TAG in (r.get("tags") or []) and r.get("status", "ACTIVE") == "ACTIVE"
    )
    if not codes or customer is None:
        return change
    if any((o.get("customer") or {}).get("id") == customer["id"] for o in shop.orders.values()):
        return change
    if rng.random() >= 0.5:
        return change
    code = rng.choice(codes)
    return {
        **change,
        "discount_code": code,
        "landing_site": f"/apps/orbit/r/{code}",
        "browser_ip": f"198.51.100.{rng.randrange(1, 255)}",
    }
