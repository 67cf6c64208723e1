"""Abandoned checkouts: who left one and when, and the record of each (never paid)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from devstore.seeding.baskets import Line, first_basket
from devstore.seeding.context import Seeding
from devstore.seeding.customers import embedded_customer, order_address
from devstore.seeding.data.marketing import ACQUISITION_CHANNELS, REPEAT_CHANNELS
from devstore.seeding.draws import hex_token, pick, random_moment
from devstore.seeding.formats import ZERO, iso, money
from devstore.seeding.people import Person
from devstore.seeding.pricing import PricedLine, price_basket, tax_lines
from devstore.seeding.visits import landing_site
from devstore.store import Record


@dataclass
class CheckoutPlan:
    person: Person
    created_at: datetime
    lines: list[Line]
    channel: str


def plan_checkouts(ctx: Seeding, person: Person) -> None:
    """Abandoned checkouts: every abandoner lead, some other leads, some buyers between orders."""
    rng = ctx.rng
    moments: list[datetime] = []
    if person.kind == "abandoner":
        moments.append(person.created_at + timedelta(seconds=rng.randint(5, 120)))
        if rng.random() < 0.25:
            moments.append(random_moment(ctx, person.created_at, ctx.now))
    elif person.kind in ("newsletter", "account") and rng.random() < 0.12:
        moments.append(random_moment(ctx, person.created_at, ctx.now))
    elif person.kind == "buyer" and person.first_order_at and rng.random() < 0.22:
        moments.append(random_moment(ctx, person.first_order_at, ctx.now))
    for moment in moments:
        channel = person.channel if moment == moments[0] else pick(rng, REPEAT_CHANNELS)
        person.checkouts.append(CheckoutPlan(person, moment, first_basket(ctx, person, moment), channel))


def add_checkouts(ctx: Seeding, people: list[Person]) -> list[Record]:
    plans = sorted((c for p in people for c in p.checkouts), key=lambda c: c.created_at)
    records = []
    for plan in plans:
        record = checkout_record(ctx, plan)
        ctx.shop.checkouts[record["id"]] = record
        records.append(record)
    return records


def checkout_record(ctx: Seeding, plan: CheckoutPlan) -> Record:
    """An abandoned checkout: contact and basket given, never paid (completed_at stays null)."""
    rng, shop, person, currency = ctx.rng, ctx.shop, plan.person, ctx.currency
    checkout_id = ctx.next_id()
    address = person.addresses[0] if person.addresses else None
    tax_rate = Decimal(address.city.tax_rate) if address else ZERO
    pricing = price_basket(plan.lines, None, tax_rate, ZERO)
    token = hex_token(rng)
    tax_title = f"{address.city.province_code} Sales Tax" if address else ""
    warehouse = ctx.locations[-1]["id"]
    updated = min(ctx.now, plan.created_at + timedelta(minutes=rng.randint(1, 30)))
    return {
        "id": checkout_id,
        "token": token,
        "cart_token": hex_token(rng),
        "email": person.email,
        "gateway": None,
        "buyer_accepts_marketing": person.subscribed_at(plan.created_at),
        "created_at": iso(plan.created_at),
        "updated_at": iso(updated),
        "landing_site": landing_site(ctx, plan.channel, plan.lines[0].offer),
        "note": None,
        "note_attributes": [],
        "referring_site": ACQUISITION_CHANNELS[plan.channel][1],
        "shipping_lines": [],
        "taxes_included": False,
        "total_weight": sum(line.offer.spec.grams * line.quantity for line in plan.lines),
        "currency": currency,
        "completed_at": None,
        "closed_at": None,
        "user_id": None,
        "location_id": None,
        "source_identifier": None,
        "source_url": None,
        "device_id": None,
        "phone": person.phone,
        "customer_locale": "en-US",
        "line_items": [
            checkout_line(rng, priced, tax_title, tax_rate, warehouse, currency) for priced in pricing.lines
        ],
        "name": f"#{checkout_id}",
        "source": None,
        "abandoned_checkout_url": (
            f"https://{shop.domain}/{shop.id}/checkouts/{token}/recover?key={hex_token(rng)}"
        ),
        "discount_codes": [],
        "tax_lines": tax_lines(pricing.tax, tax_rate, tax_title, currency),
        "source_name": "web",
        "presentment_currency": currency,
        "buyer_accepts_sms_marketing": False,
        "sms_marketing_phone": None,
        "total_discounts": money(pricing.discount),
        "total_line_items_price": money(pricing.items_total),
        "total_price": money(pricing.total),
        "total_tax": money(pricing.tax),
        "subtotal_price": money(pricing.subtotal),
        "total_duties": None,
        "billing_address": order_address(person, address) if address else None,
        "shipping_address": order_address(person, address) if address else None,
        "customer": embedded_customer(person),
    }


def checkout_line(
    rng: random.Random,
    priced: PricedLine,
    tax_title: str,
    tax_rate: Decimal,
    warehouse_id: int,
    currency: str,
) -> Record:
    line = priced.line
    spec, variant = line.offer.spec, line.variant
    variant_title = "" if variant["title"] == "Default Title" else variant["title"]
    return {
        "applied_discounts": [],
        "discount_allocations": [],
        "key": hex_token(rng),
        "destination_location_id": None,
        "fulfillment_service": "manual",
        "gift_card": False,
        "grams": spec.grams,
        "origin_location_id": warehouse_id,
        "presentment_title": spec.title,
        "presentment_variant_title": variant_title,
        "product_id": line.offer.record["id"],
        "properties": None,
        "quantity": line.quantity,
        "requires_shipping": True,
        "sku": variant["sku"],
        "tax_lines": tax_lines(priced.tax, tax_rate, tax_title, currency),
        "taxable": True,
        "title": spec.title,
        "variant_id": variant["id"],
        "variant_title": variant_title,
        "variant_price": variant["price"],
        "vendor": spec.vendor,
        "user_id": None,
        "unit_price_measurement": None,
        "rank": None,
        "compare_at_price": None,
        "line_price": money(line.gross),
        "price": variant["price"],
    }
