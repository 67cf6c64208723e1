"""The devstore seeder: deterministic, Shopify-shaped and plausible enough to drive analytics."""

from __future__ import annotations

import itertools
import json
import statistics
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from devstore.seed import SeedSummary, make_demo_shop, seed_shop
from devstore.seeding.data.products import PRODUCTS
from devstore.seeding.formats import slugify
from devstore.store import GID_TYPES, Shop, gid

NOW = datetime(2026, 9, 15, 12, 0, tzinfo=UTC)
RESOURCES = tuple(GID_TYPES)  # customers, orders, products, checkouts, discount_codes, locations

# The customers/create body of API version 2026-07 (shopify-dev-2026-07/customers_create.json).
CUSTOMER_WEBHOOK_KEYS = {
    "id", "created_at", "updated_at", "first_name", "last_name", "state", "note",
    "verified_email", "multipass_identifier", "tax_exempt", "email", "phone", "currency",
    "addresses", "tax_exemptions", "admin_graphql_api_id", "default_address",
}  # fmt: skip
ADDRESS_WEBHOOK_KEYS = {
    "id", "customer_id", "first_name", "last_name", "company", "address1", "address2", "city",
    "province", "country", "zip", "phone", "name", "province_code", "country_code",
    "country_name", "default",
}  # fmt: skip
# The main keys of an orders/create body (trigger-dev/Order.json).
ORDER_WEBHOOK_KEYS = {
    "id", "admin_graphql_api_id", "name", "order_number", "number", "email", "contact_email",
    "created_at", "updated_at", "processed_at", "cancelled_at", "cancel_reason", "closed_at",
    "financial_status", "fulfillment_status", "currency", "presentment_currency", "total_price",
    "total_price_set", "subtotal_price", "subtotal_price_set", "total_discounts",
    "total_discounts_set", "total_tax", "total_tax_set", "total_line_items_price",
    "total_shipping_price_set", "current_total_price", "current_total_price_set",
    "current_subtotal_price", "current_total_tax", "current_total_discounts", "discount_codes",
    "discount_applications", "landing_site", "landing_site_ref", "referring_site", "source_name",
    "buyer_accepts_marketing", "tags", "note", "note_attributes", "test", "token", "customer",
    "line_items", "refunds", "shipping_lines", "billing_address", "shipping_address",
    "tax_lines", "fulfillments", "payment_gateway_names", "location_id",
}  # fmt: skip
LINE_ITEM_KEYS = {
    "id", "admin_graphql_api_id", "product_id", "variant_id", "title", "variant_title", "name",
    "quantity", "price", "price_set", "sku", "vendor", "grams", "taxable", "tax_lines",
    "discount_allocations", "fulfillment_status", "fulfillable_quantity", "total_discount",
}  # fmt: skip
CHECKOUT_WEBHOOK_KEYS = {
    "id", "token", "cart_token", "email", "customer", "line_items", "abandoned_checkout_url",
    "total_price", "subtotal_price", "total_tax", "total_discounts", "total_line_items_price",
    "created_at", "updated_at", "completed_at", "landing_site", "referring_site", "source_name",
    "discount_codes", "buyer_accepts_marketing", "currency", "shipping_address", "billing_address",
}  # fmt: skip
PRODUCT_WEBHOOK_KEYS = {
    "id", "title", "body_html", "vendor", "product_type", "created_at", "handle", "updated_at",
    "published_at", "status", "tags", "variants", "options", "images", "admin_graphql_api_id",
}  # fmt: skip


@pytest.fixture(scope="module")
def shop() -> Shop:
    return make_demo_shop(customers=500, seed=42, now=NOW)


def dump(shop: Shop) -> str:
    return json.dumps({name: shop.resource(name) for name in RESOURCES}, sort_keys=True)


def real_orders(shop: Shop) -> list[dict]:
    return [o for o in shop.orders.values() if not o["test"]]


def orders_per_customer(shop: Shop) -> Counter[int]:
    return Counter(o["customer"]["id"] for o in real_orders(shop))


def as_money(value: str) -> Decimal:
    assert isinstance(value, str) and len(value.rsplit(".", 1)[-1]) == 2, value
    return Decimal(value)


def moment(value: str) -> datetime:
    return datetime.fromisoformat(value)


# --- Determinism ----------------------------------------------------------------------------


def test_the_same_seed_and_now_give_identical_stores() -> None:
    first = make_demo_shop(customers=150, seed=7, now=NOW)
    second = make_demo_shop(customers=150, seed=7, now=NOW)

    assert dump(first) == dump(second)
    assert (first.id, first.created_at) == (second.id, second.created_at)


def test_a_different_seed_gives_a_different_store() -> None:
    assert dump(make_demo_shop(customers=150, seed=7, now=NOW)) != dump(
        make_demo_shop(customers=150, seed=8, now=NOW)
    )


def test_a_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        seed_shop(make_empty_shop(), customers=5, now=datetime(2026, 1, 1))


def make_empty_shop() -> Shop:
    return Shop(domain="empty.myshopify.com", id=1, name="Empty", email="owner@empty.example.com")


# --- Counts and shares ------------------------------------------------------------------------


def test_the_summary_counts_what_was_written() -> None:
    shop = make_empty_shop()
    summary = seed_shop(shop, customers=200, seed=3, now=NOW)

    assert isinstance(summary, SeedSummary)
    assert summary.customers == len(shop.customers) == 200
    assert summary.orders == len(shop.orders)
    assert summary.products == len(shop.products)
    assert summary.checkouts == len(shop.checkouts)
    assert summary.discount_codes == len(shop.discount_codes)
    assert summary.locations == len(shop.locations) == 2
    assert summary.test_orders == sum(o["test"] for o in shop.orders.values())
    assert summary.customers_without_orders == 200 - len({o["customer"]["id"] for o in shop.orders.values()})


def test_about_three_in_ten_customers_never_ordered(shop: Shop) -> None:
    buyers = orders_per_customer(shop)
    without = [c for c in shop.customers if not buyers[c]]

    assert 0.22 <= len(without) / len(shop.customers) <= 0.40


def test_about_half_of_buyers_bought_once_and_some_are_loyal(shop: Shop) -> None:
    counts = orders_per_customer(shop)
    one_time = sum(1 for n in counts.values() if n == 1)

    assert 0.38 <= one_time / len(counts) <= 0.62
    assert sum(1 for n in counts.values() if n >= 5) >= 0.05 * len(counts)


def test_discounts_refunds_cancellations_and_test_orders_are_realistic_shares(shop: Shop) -> None:
    orders = real_orders(shop)
    share = {
        "discounted": sum(1 for o in orders if o["discount_codes"]) / len(orders),
        "refunded": sum(1 for o in orders if o["refunds"]) / len(orders),
        "cancelled": sum(1 for o in orders if o["cancelled_at"]) / len(orders),
    }

    assert 0.04 <= share["discounted"] <= 0.11, share
    assert 0.02 <= share["refunded"] <= 0.07, share
    assert 0.003 <= share["cancelled"] <= 0.03, share
    assert 1 <= sum(o["test"] for o in shop.orders.values()) <= 10
    assert {o["financial_status"] for o in orders} >= {"paid", "refunded", "partially_refunded"}


def test_the_catalogue_has_active_archived_and_draft_products(shop: Shop) -> None:
    statuses = Counter(p["status"] for p in shop.products.values())

    assert 40 <= len(shop.products) <= 80
    assert statuses["active"] > 40 and statuses["archived"] >= 1 and statuses["draft"] >= 1
    assert "Beard Care" in {p["product_type"] for p in shop.products.values()}


def test_catalogue_companions_name_real_products() -> None:
    handles = {slugify(spec.title) for spec in PRODUCTS}

    assert len(handles) == len(PRODUCTS)
    for spec in PRODUCTS:
        assert set(spec.companions) <= handles, spec.title


def test_a_larger_store_keeps_its_shares_within_tighter_bands() -> None:
    # Same bands as with 10,000 customers (which took 5 s): at 3,000 each edge is still four or
    # more standard errors from the expected share (about 0.31 never ordered, 0.48 bought once).
    started = time.perf_counter()
    shop = make_demo_shop(customers=3_000, seed=11, now=NOW)
    print(f"seeded 3,000 customers in {time.perf_counter() - started:.1f} s")  # not asserted
    counts = orders_per_customer(shop)

    assert len(shop.customers) == 3_000
    assert 0.25 <= 1 - len(counts) / 3_000 <= 0.35
    assert 0.42 <= sum(1 for n in counts.values() if n == 1) / len(counts) <= 0.58


# --- Ids and references -------------------------------------------------------------------------


def all_ids(shop: Shop) -> list[int]:
    ids = [record_id for name in RESOURCES for record_id in shop.resource(name)]
    for product in shop.products.values():
        ids += [v["id"] for v in product["variants"]] + [i["id"] for i in product["images"]]
        ids += [option["id"] for option in product["options"]]
    for customer in shop.customers.values():
        ids += [a["id"] for a in customer["addresses"]]
    for order in shop.orders.values():
        ids += [li["id"] for li in order["line_items"]] + [f["id"] for f in order["fulfillments"]]
        ids += [s["id"] for s in order["shipping_lines"]]
        for refund in order["refunds"]:
            ids += [refund["id"], *(t["id"] for t in refund["transactions"])]
            ids += [r["id"] for r in refund["refund_line_items"]]
    return ids


def test_ids_are_unique_and_later_ids_do_not_collide(shop: Shop) -> None:
    ids = all_ids(shop)

    assert len(ids) == len(set(ids))
    assert shop.next_id() > max(ids)


def test_each_record_is_filed_under_its_id_with_a_matching_global_id(shop: Shop) -> None:
    for name in ("customers", "orders", "products", "discount_codes", "locations"):
        for record_id, record in shop.resource(name).items():
            assert record["id"] == record_id
            assert record["admin_graphql_api_id"] == gid(name, record_id)
    for record_id, checkout in shop.checkouts.items():
        assert checkout["id"] == record_id


def test_every_order_and_checkout_belongs_to_an_existing_customer(shop: Shop) -> None:
    for record in [*shop.orders.values(), *shop.checkouts.values()]:
        assert record["customer"]["id"] in shop.customers
        customer = shop.customers[record["customer"]["id"]]
        assert record["email"] == customer["email"] == record["customer"]["email"]
        assert record["customer"]["admin_graphql_api_id"] == customer["admin_graphql_api_id"]


def test_line_items_name_products_and_variants_that_were_on_sale(shop: Shop) -> None:
    variants = {v["id"]: (p, v) for p in shop.products.values() for v in p["variants"]}
    for order in shop.orders.values():
        for line in order["line_items"]:
            product, variant = variants[line["variant_id"]]
            assert line["product_id"] == product["id"] and line["sku"] == variant["sku"]
            assert line["price"] == variant["price"]
            assert product["status"] != "draft"
            assert moment(product["created_at"]) <= moment(order["created_at"])


def test_customer_emails_and_phones_are_unique(shop: Shop) -> None:
    emails = [c["email"] for c in shop.customers.values()]
    phones = [c["phone"] for c in shop.customers.values() if c["phone"]]

    assert len(emails) == len(set(emails))
    assert len(phones) == len(set(phones))


def test_order_numbers_follow_the_order_of_creation(shop: Shop) -> None:
    orders = sorted(shop.orders.values(), key=lambda o: o["order_number"])

    assert [o["order_number"] for o in orders] == list(range(1001, 1001 + len(orders)))
    assert all(o["name"] == f"#{o['order_number']}" for o in orders)
    created = [o["created_at"] for o in orders]
    assert created == sorted(created)


def test_nothing_happens_after_now_and_ids_grow_with_time(shop: Shop) -> None:
    stamps = [r["updated_at"] for name in RESOURCES for r in shop.resource(name).values()]

    assert max(moment(s) for s in stamps) <= NOW
    customers = sorted(shop.customers.values(), key=lambda c: c["id"])
    assert [c["created_at"] for c in customers] == sorted(c["created_at"] for c in customers)


# --- Shapes ---------------------------------------------------------------------------------


def test_customers_carry_the_2026_07_webhook_fields_and_the_admin_only_ones(shop: Shop) -> None:
    for customer in shop.customers.values():
        assert set(customer) >= CUSTOMER_WEBHOOK_KEYS
        assert isinstance(customer["tags"], list)
        assert all(isinstance(tag, str) for tag in customer["tags"])
        consent = customer["email_marketing_consent"]
        assert set(consent) == {"state", "opt_in_level", "consent_updated_at"}
        assert consent["state"] in {"subscribed", "not_subscribed", "unsubscribed"}
        sms = customer["sms_marketing_consent"]
        assert sms is None or set(sms) == {*consent, "consent_collected_from"}
        for address in customer["addresses"]:
            assert set(address) >= ADDRESS_WEBHOOK_KEYS | {"latitude", "longitude"}
            assert address["customer_id"] == customer["id"]
        if customer["addresses"]:
            assert customer["default_address"] == customer["addresses"][0]


def test_merchant_tags_and_quiz_answers_are_present(shop: Shop) -> None:
    tags = Counter(tag for c in shop.customers.values() for tag in c["tags"])

    assert tags["newsletter"] > 0 and tags["wholesale"] > 0 and tags["staff"] == 1
    assert tags["gender:male"] > tags["gender:female"] > 0
    assert tags["age:25-34"] > 0 and tags["beard:full"] > 0


def test_orders_carry_the_main_order_webhook_fields(shop: Shop) -> None:
    for order in shop.orders.values():
        assert set(order) >= ORDER_WEBHOOK_KEYS
        assert order["admin_graphql_api_id"] == gid("orders", order["id"])
        for line in order["line_items"]:
            assert set(line) >= LINE_ITEM_KEYS
        assert "tags" not in order["customer"]  # 2026-07 embeds the slim customer


def test_products_look_like_product_webhook_bodies(shop: Shop) -> None:
    for product in shop.products.values():
        assert set(product) >= PRODUCT_WEBHOOK_KEYS
        assert isinstance(product["tags"], str)
        for variant in product["variants"]:
            assert variant["product_id"] == product["id"]
            assert variant["sku"] and as_money(variant["price"]) > 0
            assert variant["inventory_quantity"] >= 0


def test_abandoned_checkouts_come_from_buyers_and_from_leads(shop: Shop) -> None:
    buyers = orders_per_customer(shop)
    checkouts = list(shop.checkouts.values())

    assert len(checkouts) >= 0.1 * len(shop.customers)
    assert any(buyers[c["customer"]["id"]] for c in checkouts)
    assert any(not buyers[c["customer"]["id"]] for c in checkouts)
    for checkout in checkouts:
        assert set(checkout) >= CHECKOUT_WEBHOOK_KEYS
        assert checkout["completed_at"] is None
        assert checkout["token"] in checkout["abandoned_checkout_url"]
        subtotal = as_money(checkout["subtotal_price"])
        assert as_money(checkout["total_price"]) == subtotal + as_money(checkout["total_tax"])


def test_locations_and_customer_addresses_have_coordinates(shop: Shop) -> None:
    for location in shop.locations.values():
        assert -90 <= location["latitude"] <= 90 and -180 <= location["longitude"] <= 180
    located = [c for c in shop.customers.values() if c["default_address"]]
    assert len(located) > 0.6 * len(shop.customers)
    near_flagship = [
        c for c in located
        if abs(c["default_address"]["latitude"] - 40.72) < 0.25
        and abs(c["default_address"]["longitude"] + 73.96) < 0.3
    ]  # fmt: skip
    assert len(near_flagship) > 0.15 * len(located)  # enough for a "local customers" segment


def test_discount_codes_count_the_orders_that_used_them(shop: Shop) -> None:
    used = Counter(d["code"] for o in shop.orders.values() for d in o["discount_codes"])

    for code in shop.discount_codes.values():
        assert code["usage_count"] == used[code["code"]]
        assert code["value_type"] in {"percentage", "fixed_amount"}


# --- Money ------------------------------------------------------------------------------------


def test_order_totals_add_up(shop: Shop) -> None:
    for order in shop.orders.values():
        lines = order["line_items"]
        items = sum((as_money(li["price"]) * li["quantity"] for li in lines), Decimal(0))
        discounts = as_money(order["total_discounts"])
        shipping = as_money(order["total_shipping_price_set"]["shop_money"]["amount"])
        tax = as_money(order["total_tax"])

        assert as_money(order["total_line_items_price"]) == items
        assert as_money(order["subtotal_price"]) == items - discounts
        assert as_money(order["total_price"]) == items - discounts + shipping + tax
        assert sum(as_money(d["amount"]) for d in order["discount_codes"]) == discounts
        allocated = [as_money(a["amount"]) for li in lines for a in li["discount_allocations"]]
        assert sum(allocated, Decimal(0)) == discounts
        assert sum(as_money(t["price"]) for li in lines for t in li["tax_lines"]) == tax
        assert sum(as_money(s["price"]) for s in order["shipping_lines"]) == shipping
        assert order["total_price_set"]["shop_money"]["amount"] == order["total_price"]


def test_current_totals_are_what_remains_after_refunds(shop: Shop) -> None:
    for order in shop.orders.values():
        refunded = Decimal(0)
        for refund in order["refunds"]:
            (transaction,) = refund["transactions"]
            taken = sum(
                (as_money(r["subtotal_set"]["shop_money"]["amount"])
                 + as_money(r["total_tax_set"]["shop_money"]["amount"])
                 for r in refund["refund_line_items"]),
                Decimal(0),
            )  # fmt: skip
            taken -= sum((as_money(a["amount"]) for a in refund["order_adjustments"]), Decimal(0))
            assert as_money(transaction["amount"]) == taken
            refunded += taken
        current = as_money(order["current_total_price"])
        if order["cancelled_at"]:
            assert order["financial_status"] == "voided" and current == 0
        else:
            assert current == as_money(order["total_price"]) - refunded
        if order["financial_status"] == "refunded":
            assert current == 0


# --- Behaviour that analytics will rely on ------------------------------------------------------


def test_repeat_purchases_follow_replenishment_cycles(shop: Shop) -> None:
    placed: dict[int, list[datetime]] = defaultdict(list)
    for order in real_orders(shop):
        placed[order["customer"]["id"]].append(moment(order["created_at"]))
    gaps = [
        (later - earlier).days
        for moments in placed.values()
        for earlier, later in itertools.pairwise(sorted(moments))
    ]

    assert 25 <= statistics.median(gaps) <= 90


def test_beard_oil_and_beard_balm_are_bought_together_more_than_by_chance(shop: Shop) -> None:
    baskets = [{li["title"] for li in o["line_items"]} for o in real_orders(shop)]
    oil = sum("Beard Oil" in b for b in baskets)
    balm = sum("Beard Balm" in b for b in baskets)
    both = sum({"Beard Oil", "Beard Balm"} <= b for b in baskets)

    assert both * len(baskets) / (oil * balm) > 1.5  # lift


def test_orders_record_where_customers_came_from(shop: Shop) -> None:
    orders = [o for o in real_orders(shop) if o["source_name"] == "web"]
    referrers = {o["referring_site"] for o in orders}
    landings = [o["landing_site"] for o in orders]

    assert {
        "https://www.google.com/", "https://l.instagram.com/", "https://m.facebook.com/", None,
    } <= referrers  # fmt: skip
    assert any("utm_source=shopify_email" in site for site in landings)
    assert any("utm_medium=cpc" in site for site in landings)
    assert {o["source_name"] for o in real_orders(shop)} >= {"web", "pos"}
