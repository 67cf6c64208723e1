"""Refunds: the returned units, their share of discount and tax, and the transaction paying back."""

from __future__ import annotations

import random
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from devstore.seeding.context import Seeding
from devstore.seeding.data.notes import REFUND_NOTES
from devstore.seeding.formats import CENT, ZERO, iso, money, money_set, nested_gid
from devstore.seeding.pricing import Pricing
from devstore.seeding.purchases import OrderPlan
from devstore.store import Record


def mark_refunded_quantities(rng: random.Random, plan: OrderPlan, pricing: Pricing) -> None:
    if plan.fate == "refund_full":
        for priced in pricing.lines:
            priced.refunded_quantity = priced.line.quantity
    elif plan.fate == "refund_partial":
        rng.choice(pricing.lines).refunded_quantity = 1


def refund_record(
    ctx: Seeding, order_id: int, plan: OrderPlan, pricing: Pricing, gateway: str
) -> tuple[Record, dict[str, Decimal]]:
    """One refund: the returned units, their share of discount and tax, and the money back.

    Also returns what it took off the order's subtotal, tax, discounts and total, from which
    the order's current_* figures follow.
    """
    rng, currency = ctx.rng, ctx.currency
    refund_id = ctx.next_id()
    at = plan.fate_at or plan.placed_at
    restock = rng.random() < 0.6
    location_id = ctx.locations[-1]["id"]  # returns go back to the warehouse
    refund_lines = []
    taken = dict.fromkeys(("subtotal", "tax", "discounts", "total"), ZERO)
    for priced in pricing.lines:
        quantity = priced.refunded_quantity
        if not quantity:
            continue
        share = Decimal(quantity) / priced.line.quantity
        subtotal = (priced.net * share).quantize(CENT, ROUND_HALF_UP)
        tax = (priced.tax * share).quantize(CENT, ROUND_HALF_UP)
        taken["subtotal"] += subtotal
        taken["tax"] += tax
        taken["discounts"] += (priced.discount * share).quantize(CENT, ROUND_HALF_UP)
        taken["total"] += subtotal + tax
        refund_lines.append(
            {
                "id": ctx.next_id(),
                "quantity": quantity,
                "line_item_id": priced.record["id"],
                "location_id": location_id if restock else None,
                "restock_type": "return" if restock else "no_restock",
                "subtotal": float(subtotal),
                "total_tax": float(tax),
                "subtotal_set": money_set(subtotal, currency),
                "total_tax_set": money_set(tax, currency),
                "line_item": dict(priced.record),
            }
        )
    adjustments = []
    if plan.fate == "refund_full" and pricing.shipping:
        taken["total"] += pricing.shipping
        adjustments.append(
            {
                "id": ctx.next_id(),
                "order_id": order_id,
                "refund_id": refund_id,
                "amount": money(-pricing.shipping),
                "amount_set": money_set(-pricing.shipping, currency),
                "tax_amount": "0.00",
                "tax_amount_set": money_set(ZERO, currency),
                "kind": "shipping_refund",
                "reason": "Shipping refund",
            }
        )
    transaction = refund_transaction(ctx, order_id, taken["total"], at, gateway, plan.source_name)
    record = {
        "id": refund_id,
        "order_id": order_id,
        "created_at": iso(at),
        "note": rng.choice(REFUND_NOTES),
        "user_id": None,
        "processed_at": iso(at),
        "restock": restock,
        "duties": [],
        "total_duties_set": money_set(ZERO, currency),
        "return": None,
        "admin_graphql_api_id": nested_gid("Refund", refund_id),
        "refund_line_items": refund_lines,
        "transactions": [transaction],
        "order_adjustments": adjustments,
    }
    return record, taken


def refund_transaction(
    ctx: Seeding, order_id: int, amount: Decimal, at: datetime, gateway: str, source: str
) -> Record:
    transaction_id = ctx.next_id()
    return {
        "id": transaction_id,
        "admin_graphql_api_id": nested_gid("OrderTransaction", transaction_id),
        "order_id": order_id,
        "amount": money(amount),
        "kind": "refund",
        "gateway": gateway,
        "status": "success",
        "message": "Refunded",
        "created_at": iso(at),
        "processed_at": iso(at),
        "test": False,
        "authorization": None,
        "currency": ctx.currency,
        "location_id": None,
        "user_id": None,
        "parent_id": ctx.next_id(),  # the sale it refunds, not modelled separately
        "device_id": None,
        "receipt": {},
        "error_code": None,
        "source_name": source,
    }
