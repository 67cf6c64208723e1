"""Order records, numbered in the order they were placed, with their totals, refunds and fulfillment."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from devstore.seeding.context import Seeding
from devstore.seeding.customers import embedded_customer, order_address
from devstore.seeding.data.marketing import ACQUISITION_CHANNELS
from devstore.seeding.data.places import CITIES
from devstore.seeding.discounts import discount_applications, discount_code_lines
from devstore.seeding.draws import hex_token, pick
from devstore.seeding.formats import ZERO, iso, money, money_set
from devstore.seeding.fulfillments import fulfillment_record
from devstore.seeding.order_lines import line_item_record, shipping_line
from devstore.seeding.people import Person
from devstore.seeding.pricing import price_basket, tax_lines
from devstore.seeding.purchases import OrderPlan
from devstore.seeding.refunds import mark_refunded_quantities, refund_record
from devstore.seeding.visits import client_details, landing_site, survey_answer
from devstore.store import Record, gid

FREE_SHIPPING_FROM = Decimal("50.00")
STANDARD_SHIPPING = Decimal("5.95")
EXPRESS_SHIPPING = Decimal("14.95")
ONLINE_STORE_APP_ID = 580111  # Shopify's app ids for the Online Store, POS and draft orders
POS_APP_ID = 129785
DRAFT_ORDERS_APP_ID = 1354745


def add_orders(ctx: Seeding, people: list[Person]) -> list[Record]:
    plans = sorted((o for p in people for o in p.orders), key=lambda o: o.placed_at)
    first_number = 1001 + len(ctx.shop.orders)
    records = []
    for number, plan in enumerate(plans, start=first_number):
        record = order_record(ctx, plan, number)
        ctx.shop.orders[record["id"]] = record
        records.append(record)
        if plan.promo is not None:
            plan.promo.record["usage_count"] += 1
    return records


def shipping_for(ctx: Seeding, plan: OrderPlan, items_total: Decimal) -> tuple[str, Decimal]:
    if plan.source_name != "web":
        return "Wholesale Freight", ZERO  # unused for POS, which ships nothing
    if ctx.rng.random() < 0.08:
        return "Express Shipping", EXPRESS_SHIPPING
    if items_total >= FREE_SHIPPING_FROM:
        return "Free Shipping", ZERO
    return "Standard Shipping", STANDARD_SHIPPING


def order_record(ctx: Seeding, plan: OrderPlan, number: int) -> Record:
    rng, shop, person, currency = ctx.rng, ctx.shop, plan.person, ctx.currency
    order_id = ctx.next_id()
    flagship = ctx.locations[0]
    pos = plan.source_name == "pos"
    address = None
    if person.addresses and not pos:
        address = person.addresses[-1] if rng.random() < 0.2 else person.addresses[0]
    tax_city = CITIES[0] if pos or address is None else address.city
    tax_rate = ZERO if person.kind == "wholesale" else Decimal(tax_city.tax_rate)
    items_total = sum((line.gross for line in plan.lines), ZERO)
    shipping_title, shipping = shipping_for(ctx, plan, items_total)
    pricing = price_basket(plan.lines, plan.promo, tax_rate, shipping)
    name = f"#{number}"
    mark_refunded_quantities(rng, plan, pricing)
    cancelled = plan.fate == "cancelled"
    fulfilled_at = None
    if not cancelled and not plan.test:
        delay = timedelta(0) if pos else timedelta(hours=rng.randint(12, 72))
        fulfilled_at = plan.placed_at + delay if plan.placed_at + delay <= ctx.now else None
    tax_title = f"{tax_city.province_code} Sales Tax"
    for priced in pricing.lines:
        priced.record = line_item_record(ctx, priced, tax_title, tax_rate, fulfilled_at, cancelled)
    gateways = payment_gateways(rng, plan)
    refunds = []
    refunded = dict.fromkeys(("subtotal", "tax", "discounts", "total"), ZERO)
    if plan.fate in ("refund_full", "refund_partial"):
        refund, refunded = refund_record(ctx, order_id, plan, pricing, gateways[0])
        refunds.append(refund)
    if cancelled:
        current = dict.fromkeys(("subtotal", "tax", "discounts", "total"), ZERO)
    else:
        current = {
            "subtotal": pricing.subtotal - refunded["subtotal"],
            "tax": pricing.tax - refunded["tax"],
            "discounts": pricing.discount - refunded["discounts"],
            "total": pricing.total - refunded["total"],
        }
    token = hex_token(rng)
    updated = max(filter(None, (plan.placed_at, fulfilled_at, plan.fate_at)))
    web = plan.source_name == "web"
    anchor = plan.lines[0].offer
    landing = landing_site(ctx, plan.channel, anchor) if web else None
    referrer = ACQUISITION_CHANNELS[plan.channel][1] if web and plan.channel else None
    return {
        "id": order_id,
        "admin_graphql_api_id": gid("orders", order_id),
        "app_id": {"web": ONLINE_STORE_APP_ID, "pos": POS_APP_ID}.get(plan.source_name, DRAFT_ORDERS_APP_ID),
        "browser_ip": f"203.0.113.{rng.randint(1, 254)}" if web else None,
        "buyer_accepts_marketing": person.subscribed_at(plan.placed_at),
        "cancel_reason": (
            pick(rng, {"customer": 6, "inventory": 2, "fraud": 1, "declined": 1}) if cancelled else None
        ),
        "cancelled_at": iso(plan.fate_at) if cancelled and plan.fate_at else None,
        "cart_token": hex_token(rng) if web else None,
        "checkout_id": ctx.next_id() if web else None,
        "checkout_token": hex_token(rng) if web else None,
        "client_details": client_details(rng) if web else None,
        "closed_at": (
            iso(plan.fate_at) if cancelled and plan.fate_at else iso(fulfilled_at) if fulfilled_at else None
        ),
        "confirmation_number": "".join(rng.choices("ABCDEFGHJKLMNPQRSTUVWXYZ23456789", k=9)),
        "confirmed": True,
        "contact_email": person.email,
        "created_at": iso(plan.placed_at),
        "currency": currency,
        "current_subtotal_price": money(current["subtotal"]),
        "current_subtotal_price_set": money_set(current["subtotal"], currency),
        "current_total_additional_fees_set": None,
        "current_total_discounts": money(current["discounts"]),
        "current_total_discounts_set": money_set(current["discounts"], currency),
        "current_total_duties_set": None,
        "current_total_price": money(current["total"]),
        "current_total_price_set": money_set(current["total"], currency),
        "current_total_tax": money(current["tax"]),
        "current_total_tax_set": money_set(current["tax"], currency),
        "customer_locale": "en-US",
        "device_id": None,
        "discount_codes": discount_code_lines(plan.promo, pricing.discount),
        "email": person.email,
        "estimated_taxes": False,
        "financial_status": financial_status(plan),
        "fulfillment_status": "fulfilled" if fulfilled_at else None,
        "landing_site": landing,
        "landing_site_ref": None,
        "location_id": flagship["id"] if pos else None,
        "merchant_of_record_app_id": None,
        "name": name,
        "note": None,
        "note_attributes": survey_answer(rng, plan) if web and plan.first else [],
        "number": number - 1000,
        "order_number": number,
        "order_status_url": (
            f"https://{shop.domain}/{shop.id}/orders/{token}/authenticate?key={hex_token(rng)}"
        ),
        "original_total_additional_fees_set": None,
        "original_total_duties_set": None,
        "payment_gateway_names": gateways,
        "phone": None,
        "po_number": None,
        "presentment_currency": currency,
        "processed_at": iso(plan.placed_at),
        "reference": None,
        "referring_site": referrer,
        "source_identifier": None,
        "source_name": plan.source_name,
        "source_url": None,
        "subtotal_price": money(pricing.subtotal),
        "subtotal_price_set": money_set(pricing.subtotal, currency),
        "tags": "wholesale" if person.kind == "wholesale" else "",
        "tax_exempt": person.kind == "wholesale",
        "tax_lines": tax_lines(pricing.tax, tax_rate, tax_title, currency),
        "taxes_included": False,
        "test": plan.test,
        "token": token,
        "total_discounts": money(pricing.discount),
        "total_discounts_set": money_set(pricing.discount, currency),
        "total_line_items_price": money(pricing.items_total),
        "total_line_items_price_set": money_set(pricing.items_total, currency),
        "total_outstanding": "0.00",
        "total_price": money(pricing.total),
        "total_price_set": money_set(pricing.total, currency),
        "total_shipping_price_set": money_set(pricing.shipping, currency),
        "total_tax": money(pricing.tax),
        "total_tax_set": money_set(pricing.tax, currency),
        "total_tip_received": "0.00",
        "total_weight": sum(line.offer.spec.grams * line.quantity for line in plan.lines),
        "updated_at": iso(updated),
        "user_id": None,
        "billing_address": order_address(person, address) if address else None,
        "customer": embedded_customer(person),
        "discount_applications": discount_applications(plan.promo),
        "fulfillments": (
            [fulfillment_record(ctx, order_id, name, fulfilled_at, pos)] if fulfilled_at else []
        ),
        "line_items": [priced.record for priced in pricing.lines],
        "payment_terms": None,
        "refunds": refunds,
        "shipping_address": order_address(person, address) if address else None,
        "shipping_lines": ([] if pos else [shipping_line(ctx.next_id(), shipping_title, shipping, currency)]),
    }


def financial_status(plan: OrderPlan) -> str:
    return {
        "cancelled": "voided",
        "refund_full": "refunded",
        "refund_partial": "partially_refunded",
    }.get(plan.fate or "", "paid")


def payment_gateways(rng: random.Random, plan: OrderPlan) -> list[str]:
    if plan.test:
        return ["bogus"]
    if plan.source_name == "shopify_draft_order":
        return ["manual"]
    if plan.source_name == "pos":
        return ["cash"] if rng.random() < 0.15 else ["shopify_payments"]
    return ["paypal"] if rng.random() < 0.15 else ["shopify_payments"]
