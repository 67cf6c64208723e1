"""Products, variants and images, and which of them could be bought on a given day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from devstore.seeding.context import Seeding
from devstore.seeding.data.products import PRODUCTS, ProductSpec
from devstore.seeding.formats import iso, nested_gid, slugify
from devstore.store import Record, gid


@dataclass
class Offer:
    """A product as the simulation sees it: its record and when it could be bought."""

    spec: ProductSpec
    record: Record
    on_sale_from: datetime | None  # midnight UTC of its first day on sale; None: a draft
    on_sale_until: datetime | None  # midnight UTC of the day it was archived

    @property
    def handle(self) -> str:
        return self.record["handle"]

    def on_sale(self, day: date) -> bool:
        if self.on_sale_from is None or day < self.on_sale_from.date():
            return False
        return self.on_sale_until is None or day < self.on_sale_until.date()


@dataclass
class Shelf:
    """What could be bought on one day."""

    offers: list[Offer]
    by_handle: dict[str, Offer]


def add_products(ctx: Seeding) -> None:
    for index, spec in enumerate(PRODUCTS):
        offer = build_offer(ctx, index, spec)
        ctx.shop.products[offer.record["id"]] = offer.record
        ctx.offers.append(offer)


def build_offer(ctx: Seeding, index: int, spec: ProductSpec) -> Offer:
    rng = ctx.rng
    launch = midnight(ctx.opened_at + timedelta(days=spec.launch_day))
    created = launch - timedelta(days=rng.randint(5, 40), seconds=rng.randint(0, 86399))
    retired = None
    if spec.retire_day is not None:
        retired = midnight(ctx.opened_at + timedelta(days=spec.retire_day))
    updated = retired or min(ctx.now, launch + timedelta(days=rng.randint(0, 400)))
    if spec.status == "draft":
        created = ctx.now - timedelta(days=rng.randint(3, 30))
        updated = created
    product_id = ctx.next_id()
    variants = [
        variant_record(ctx, product_id, index, position, value, price, created, updated)
        for position, (value, price) in enumerate(spec.variants, start=1)
    ]
    image = image_record(ctx.next_id(), product_id, spec.title, slugify(spec.title), created)
    record = {
        "admin_graphql_api_id": gid("products", product_id),
        "body_html": f"<p>{spec.title}, from {spec.vendor}</p>",
        "created_at": iso(created),
        "handle": slugify(spec.title),
        "id": product_id,
        "product_type": spec.product_type,
        "published_at": iso(launch) if spec.status == "active" else None,
        "template_suffix": None,
        "title": spec.title,
        "updated_at": iso(updated),
        "vendor": spec.vendor,
        "status": spec.status,
        "published_scope": "global",
        "tags": ", ".join(spec.tags),
        "variants": variants,
        "options": [
            {
                "name": spec.option_name,
                "id": ctx.next_id(),
                "product_id": product_id,
                "position": 1,
                "values": [value for value, _ in spec.variants],
            }
        ],
        "images": [image],
        "image": dict(image),
        "variant_gids": [
            {"admin_graphql_api_id": v["admin_graphql_api_id"], "updated_at": v["updated_at"]}
            for v in variants
        ],
        "has_variants_that_requires_components": False,
        "category": None,
    }
    on_sale_from = None if spec.status == "draft" else launch
    return Offer(spec, record, on_sale_from, retired)


def variant_record(
    ctx: Seeding,
    product_id: int,
    product_index: int,
    position: int,
    value: str,
    price: str,
    created: datetime,
    updated: datetime,
) -> Record:
    variant_id = ctx.next_id()
    # A few variants run out, so stock levels are not all alike.
    stock = 0 if ctx.rng.random() < 0.05 else ctx.rng.randint(8, 400)
    return {
        "admin_graphql_api_id": nested_gid("ProductVariant", variant_id),
        "barcode": None,
        "compare_at_price": None,
        "created_at": iso(created),
        "id": variant_id,
        "inventory_policy": "deny",
        "position": position,
        "price": price,
        "product_id": product_id,
        "sku": f"ORB-{product_index + 1:03d}-{position}",
        "taxable": True,
        "title": value,
        "updated_at": iso(updated),
        "option1": value,
        "option2": None,
        "option3": None,
        "image_id": None,
        "inventory_item_id": ctx.next_id(),
        "inventory_quantity": stock,
        "old_inventory_quantity": stock,
        "requires_shipping": True,
    }


def image_record(image_id: int, product_id: int, title: str, handle: str, created: datetime) -> Record:
    return {
        "id": image_id,
        "product_id": product_id,
        "position": 1,
        "created_at": iso(created),
        "updated_at": iso(created),
        "alt": title,
        "width": 2048,
        "height": 2048,
        "src": f"https://cdn.shopify.com/s/files/1/0000/0001/files/{handle}.jpg",
        "variant_ids": [],
        "admin_graphql_api_id": nested_gid("ProductImage", image_id),
    }


def midnight(moment: datetime) -> datetime:
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def shelf_on(ctx: Seeding, moment: datetime) -> Shelf:
    day = moment.date()
    shelf = ctx.shelves.get(day)
    if shelf is None:
        offers = [offer for offer in ctx.offers if offer.on_sale(day)]
        shelf = ctx.shelves[day] = Shelf(offers, {offer.handle: offer for offer in offers})
    return shelf
