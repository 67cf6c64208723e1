"""An order's line items and shipping line, shaped like those in an orders/create body."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from devstore.seeding.context import Seeding
from devstore.seeding.formats import ZERO, money, money_set, nested_gid
from devstore.seeding.pricing import PricedLine, tax_lines
from devstore.store import Record


def line_item_record(
    ctx: Seeding,
    priced: PricedLine,
    tax_title: str,
    tax_rate: Decimal,
    fulfilled_at: datetime | None,
    cancelled: bool,
) -> Record:
    line, currency = priced.line, ctx.currency
    spec, variant = line.offer.spec, line.variant
    line_id = ctx.next_id()
    variant_title = None if variant["title"] == "Default Title" else variant["title"]
    remaining = 0 if cancelled else line.quantity - priced.refunded_quantity
    allocations = []
    if priced.discount:
        allocations.append(
            {
                "amount": money(priced.discount),
                "amount_set": money_set(priced.discount, currency),
                "discount_application_index": 0,
            }
        )
    return {
        "id": line_id,
        "admin_graphql_api_id": nested_gid("LineItem", line_id),
        "attributed_staffs": [],
        "current_quantity": remaining,
        "fulfillable_quantity": 0 if fulfilled_at or cancelled else line.quantity,
        "fulfillment_service": "manual",
        "fulfillment_status": "fulfilled" if fulfilled_at else None,
        "gift_card": False,
        "grams": spec.grams,
        "name": f"{spec.title} - {variant_title}" if variant_title else spec.title,
        "price": variant["price"],
        "price_set": money_set(Decimal(variant["price"]), currency),
        "product_exists": True,
        "product_id": line.offer.record["id"],
        "properties": [],
        "quantity": line.quantity,
        "requires_shipping": True,
        "sku": variant["sku"],
        "taxable": True,
        "title": spec.title,
        "total_discount": "0.00",
        "total_discount_set": money_set(ZERO, currency),
        "variant_id": variant["id"],
        "variant_inventory_management": "shopify",
        "variant_title": variant_title,
        "vendor": spec.vendor,
        "tax_lines": tax_lines(priced.tax, tax_rate, tax_title, currency),
        "duties": [],
        "discount_allocations": allocations,
    }


def shipping_line(line_id: int, title: str, price: Decimal, currency: str) -> Record:
    return {
        "id": line_id,
        "carrier_identifier": None,
        "code": title,
        "discounted_price": money(price),
        "discounted_price_set": money_set(price, currency),
        "phone": None,
        "price": money(price),
        "price_set": money_set(price, currency),
        "requested_fulfillment_service_id": None,
        "source": "shopify",
        "title": title,
        "tax_lines": [],
        "discount_allocations": [],
    }
