"""Records for live data changes, shaped like the seeded ones (and so like Shopify's bodies).

A new customer, order, checkout or product starts as a copy of one the seeder wrote (the
template) with its identity, contents, totals and times replaced, so its keys are exactly the
keys of the seeded records and of Shopify's webhook bodies. Changes to existing records
(fulfil, cancel, refund) return a new dict: readers holding the old one see a whole record.
"""

from __future__ import annotations

import json
import secrets
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from devstore.seeding.customers import EMBEDDED_CUSTOMER_KEYS
from devstore.seeding.formats import CENT, ZERO, iso, money, money_set, nested_gid
from devstore.store import Record, Shop, gid

Basket = list[tuple[Record, Record, int]]  # (product, variant, quantity)


def clone(value: Any) -> Any:
    """A deep copy of a JSON-shaped record (a JSON round trip is many times faster than deepcopy)."""
    return json.loads(json.dumps(value))


def embedded_customer(customer: Record) -> Record:
    snapshot = {key: clone(customer.get(key)) for key in EMBEDDED_CUSTOMER_KEYS}
    return snapshot


def new_customer(
    shop: Shop, template: Record, customer_id: int, fields: dict[str, Any], at: datetime
) -> Record:
    record = clone(template)
    address_id = shop.next_id()
    address = clone(template.get("default_address")) if template.get("default_address") else None
    if address is not None:
        address.update(
            id=address_id,
            customer_id=customer_id,
            first_name=fields.get("first_name"),
            last_name=fields.get("last_name"),
            name=f"{fields.get('first_name', '')} {fields.get('last_name', '')}".strip(),
            phone=None,
            default=True,
        )
    record.update(
        id=customer_id,
        admin_graphql_api_id=gid("customers", customer_id),
        created_at=iso(at),
        updated_at=iso(at),
        first_name=fields.get("first_name"),
        last_name=fields.get("last_name"),
        email=fields.get("email"),
        phone=None,
        note=None,
        state=fields.get("state", "disabled"),
        verified_email=True,
        tax_exempt=False,
        addresses=[address] if address else [],
        default_address=dict(address) if address else None,
        tags=[],
        email_marketing_consent={
            "state": "not_subscribed",
            "opt_in_level": "single_opt_in",
            "consent_updated_at": None,
        },
        sms_marketing_consent=None,
    )
    return record


def basket_lines(
    shop: Shop, template_line: Record, basket: Basket, tax_rate: Decimal, currency: str
) -> list[Record]:
    lines = []
    for product, variant, quantity in basket:
        line_id = shop.next_id()
        price = Decimal(str(variant.get("price") or "0"))
        tax = (price * quantity * tax_rate).quantize(CENT, ROUND_HALF_UP)
        variant_title = None if variant.get("title") in (None, "Default Title") else variant["title"]
        line = clone(template_line)
        line.update(
            id=line_id,
            admin_graphql_api_id=nested_gid("LineItem", line_id),
            current_quantity=quantity,
            fulfillable_quantity=quantity,
            fulfillment_status=None,
            name=f"{product['title']} - {variant_title}" if variant_title else product["title"],
            price=money(price),
            price_set=money_set(price, currency),
            product_id=product["id"],
            quantity=quantity,
            sku=variant.get("sku"),
            title=product["title"],
            total_discount="0.00",
            total_discount_set=money_set(ZERO, currency),
            variant_id=variant["id"],
            variant_title=variant_title,
            vendor=product.get("vendor"),
            tax_lines=tax_line_list(template_line, tax, tax_rate, currency),
            discount_allocations=[],
        )
        lines.append(line)
    return lines


def tax_line_list(template: Record, tax: Decimal, rate: Decimal, currency: str) -> list[Record]:
    title = ((template.get("tax_lines") or [{}])[0] or {}).get("title") or "Sales Tax"
    if not rate:
        return []
    return [{"price": money(tax), "rate": float(rate), "title": title, "price_set": money_set(tax, currency)}]


def order_tax_rate(template: Record) -> Decimal:
    lines = template.get("tax_lines") or []
    return Decimal(str(lines[0].get("rate") or 0)) if lines else ZERO


def new_order(
    shop: Shop, template: Record, customer: Record | None, basket: Basket, number: int, at: datetime
) -> Record:
    """A paid, unfulfilled web order of `basket` for `customer` (or a guest)."""
    order_id, currency = shop.next_id(), shop.currency
    rate = order_tax_rate(template)
    lines = basket_lines(shop, template["line_items"][0], basket, rate, currency)
    items = sum((Decimal(line["price"]) * line["quantity"] for line in lines), ZERO)
    tax = sum((Decimal(t["price"]) for line in lines for t in line["tax_lines"]), ZERO)
    shipping = ZERO if items >= Decimal("50") else Decimal("5.95")
    total = items + tax + shipping
    email = customer.get("email") if customer else f"guest{order_id}@example.com"
    order = clone(template)
    totals = {"subtotal_price": items, "total_discounts": ZERO, "total_tax": tax, "total_price": total}
    for name, amount in totals.items():
        order[name] = money(amount)
        order[f"{name}_set"] = money_set(amount, currency)
        order[f"current_{name}"] = money(amount)
        order[f"current_{name}_set"] = money_set(amount, currency)
    order.update(
        id=order_id,
        admin_graphql_api_id=gid("orders", order_id),
        name=f"#{number}",
        number=number - 1000,
        order_number=number,
        token=secrets.token_hex(16),
        cart_token=secrets.token_hex(16),
        checkout_token=secrets.token_hex(16),
        checkout_id=shop.next_id(),
        confirmation_number=secrets.token_hex(5).upper()[:9],
        created_at=iso(at),
        processed_at=iso(at),
        updated_at=iso(at),
        cancelled_at=None,
        cancel_reason=None,
        closed_at=None,
        email=email,
        contact_email=email,
        financial_status="paid",
        fulfillment_status=None,
        fulfillments=[],
        refunds=[],
        discount_codes=[],
        discount_applications=[],
        note_attributes=[],
        tags="",
        test=False,
        source_name="web",
        total_line_items_price=money(items),
        total_line_items_price_set=money_set(items, currency),
        total_shipping_price_set=money_set(shipping, currency),
        total_weight=sum(int(line.get("grams") or 0) * line["quantity"] for line in lines),
        customer=embedded_customer(customer) if customer else None,
        line_items=lines,
        tax_lines=tax_line_list(template["line_items"][0], tax, rate, currency),
    )
    return order


def fulfilled(shop: Shop, order: Record, at: datetime) -> Record:
    order = clone(order)
    fulfillment_id = shop.next_id()
    order["fulfillments"].append(
        {
            "id": fulfillment_id,
            "admin_graphql_api_id": nested_gid("Fulfillment", fulfillment_id),
            "created_at": iso(at),
            "location_id": None,
            "name": f"{order['name']}.{len(order['fulfillments']) + 1}",
            "order_id": order["id"],
            "service": "manual",
            "shipment_status": None,
            "status": "success",
            "tracking_company": None,
            "tracking_number": None,
            "tracking_numbers": [],
            "tracking_url": None,
            "tracking_urls": [],
            "updated_at": iso(at),
        }
    )
    for line in order["line_items"]:
        line["fulfillment_status"] = "fulfilled"
        line["fulfillable_quantity"] = 0
    order.update(fulfillment_status="fulfilled", updated_at=iso(at))
    return order


def cancelled(order: Record, reason: str, at: datetime) -> Record:
    order = clone(order)
    for name in ("subtotal_price", "total_discounts", "total_tax", "total_price"):
        order[f"current_{name}"] = money(ZERO)
        order[f"current_{name}_set"] = money_set(ZERO, order.get("currency") or "USD")
    for line in order["line_items"]:
        line["current_quantity"] = 0
        line["fulfillable_quantity"] = 0
    order.update(
        cancelled_at=iso(at),
        cancel_reason=reason,
        closed_at=iso(at),
        financial_status="voided",
        updated_at=iso(at),
    )
    return order


def refunded(shop: Shop, order: Record, line: Record, at: datetime) -> tuple[Record, Record]:
    """The order after refunding all of `line`, and the refund itself (refunds/create body)."""
    order = clone(order)
    currency = order.get("currency") or shop.currency
    quantity = int(line.get("current_quantity", line["quantity"]))
    subtotal = (Decimal(line["price"]) * quantity).quantize(CENT)
    tax = sum((Decimal(t["price"]) for t in line.get("tax_lines") or []), ZERO)
    tax = (tax * quantity / max(int(line["quantity"]), 1)).quantize(CENT, ROUND_HALF_UP)
    refund_id, transaction_id = shop.next_id(), shop.next_id()
    refund = {
        "id": refund_id,
        "order_id": order["id"],
        "created_at": iso(at),
        "note": "Returned by the customer",
        "user_id": None,
        "processed_at": iso(at),
        "restock": True,
        "duties": [],
        "total_duties_set": money_set(ZERO, currency),
        "return": None,
        "admin_graphql_api_id": nested_gid("Refund", refund_id),
        "refund_line_items": [
            {
                "id": shop.next_id(),
                "quantity": quantity,
                "line_item_id": line["id"],
                "location_id": None,
                "restock_type": "return",
                "subtotal": float(subtotal),
                "total_tax": float(tax),
                "subtotal_set": money_set(subtotal, currency),
                "total_tax_set": money_set(tax, currency),
                "line_item": clone(line),
            }
        ],
        "transactions": [refund_transaction(order, transaction_id, subtotal + tax, at, currency)],
        "order_adjustments": [],
    }
    for name, amount in (("subtotal_price", subtotal), ("total_tax", tax), ("total_price", subtotal + tax)):
        left = Decimal(order[f"current_{name}"]) - amount
        order[f"current_{name}"] = money(left)
        order[f"current_{name}_set"] = money_set(left, currency)
    for item in order["line_items"]:
        if item["id"] == line["id"]:
            item["current_quantity"] = 0
    remaining = sum(int(item.get("current_quantity", 0)) for item in order["line_items"])
    order["refunds"].append(refund)
    order.update(financial_status="partially_refunded" if remaining else "refunded", updated_at=iso(at))
    return order, refund


def refund_transaction(
    order: Record, transaction_id: int, amount: Decimal, at: datetime, currency: str
) -> Record:
    return {
        "id": transaction_id,
        "admin_graphql_api_id": nested_gid("OrderTransaction", transaction_id),
        "order_id": order["id"],
        "amount": money(amount),
        "kind": "refund",
        "gateway": (order.get("payment_gateway_names") or ["shopify_payments"])[0],
        "status": "success",
        "message": "Refunded",
        "created_at": iso(at),
        "processed_at": iso(at),
        "test": False,
        "authorization": None,
        "currency": currency,
        "location_id": None,
        "user_id": None,
        "parent_id": None,
        "device_id": None,
        "receipt": {},
        "error_code": None,
        "source_name": "web",
    }


def new_checkout(shop: Shop, template: Record, customer: Record, basket: Basket, at: datetime) -> Record:
    checkout_id = shop.next_id()
    checkout = clone(template)
    template_line = (template.get("line_items") or [{}])[0]
    lines = []
    for product, variant, quantity in basket:
        line = clone(template_line)
        line.update(
            key=secrets.token_hex(16),
            product_id=product["id"],
            variant_id=variant["id"],
            title=product["title"],
            presentment_title=product["title"],
            quantity=quantity,
            sku=variant.get("sku"),
            price=variant.get("price"),
            variant_price=variant.get("price"),
            line_price=money(Decimal(str(variant.get("price") or "0")) * quantity),
            vendor=product.get("vendor"),
            tax_lines=[],
        )
        lines.append(line)
    items = sum((Decimal(line["line_price"]) for line in lines), ZERO)
    token = secrets.token_hex(16)
    checkout.update(
        id=checkout_id,
        token=token,
        cart_token=secrets.token_hex(16),
        email=customer.get("email"),
        created_at=iso(at),
        updated_at=iso(at),
        completed_at=None,
        closed_at=None,
        name=f"#{checkout_id}",
        line_items=lines,
        tax_lines=[],
        total_discounts=money(ZERO),
        total_line_items_price=money(items),
        total_price=money(items),
        total_tax=money(ZERO),
        subtotal_price=money(items),
        abandoned_checkout_url=f"https://{shop.domain}/{shop.id}/checkouts/{token}/recover?key={secrets.token_hex(8)}",
        customer=embedded_customer(customer),
    )
    return checkout


def checkout_delete_body(checkout: Record) -> Record:
    """checkouts/delete carries only the id, cart token and totals (shopify-dev 2026-07)."""
    keys = (
        "id", "presentment_currency", "buyer_accepts_sms_marketing", "sms_marketing_phone", "total_discounts",
        "total_line_items_price", "total_price", "total_tax", "subtotal_price", "cart_token", "total_duties",
    )  # fmt: skip
    body = {key: checkout.get(key) for key in keys}
    body["reservation_token"] = None
    return body


def new_product(shop: Shop, template: Record, title: str, price: Decimal, at: datetime) -> Record:
    product_id, variant_id = shop.next_id(), shop.next_id()
    product = clone(template)
    variant = clone((template.get("variants") or [{}])[0])
    handle = "-".join(title.lower().split())
    variant.update(
        id=variant_id,
        product_id=product_id,
        admin_graphql_api_id=nested_gid("ProductVariant", variant_id),
        title="Default Title",
        price=money(price),
        sku=f"NEW-{product_id % 100000}",
        position=1,
        option1="Default Title",
        created_at=iso(at),
        updated_at=iso(at),
    )
    product.update(
        id=product_id,
        admin_graphql_api_id=gid("products", product_id),
        title=title,
        handle=handle,
        created_at=iso(at),
        updated_at=iso(at),
        published_at=iso(at),
        variants=[variant],
        tags="new",
    )
    return product
