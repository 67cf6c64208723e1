"""Full and incremental builds: load arrays, call the pure code, store the lists.

Full (scheduled): every product's bought-together list and every customer's list from all
orders. Incremental (as orders arrive): only the customers whose orders changed, from their own
orders and the stored bought-together lists; the pure code makes this give exactly what a full
build would for them (tests/unit/test_recommendations_personal.py). Product lists move with the
next full build: one order shifts co-occurrence counts by a fraction, and recounting a popular
product's pairs means reading most of the shop's orders anyway.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from app.recommendations.baskets import build_baskets
from app.recommendations.cooccurrence import CooccurrenceParams, bought_together
from app.recommendations.personal import PersonalParams, personal_recommendations
from app.recs import loading, storage

# Tuned on a validation split of real baskets (benchmarks/recommendations_bought_together.py for
# the pairs, benchmarks/recommendations_next_basket.py for the per-customer lists).
COOCCURRENCE = CooccurrenceParams()
PERSONAL = PersonalParams()


@dataclass(frozen=True)
class BuildSummary:
    order_lines: int
    products_with_lists: int
    product_rows: int
    customers_with_lists: int
    customer_rows: int


def full_build(session: Session, shop_id: int, now: datetime) -> BuildSummary:
    lines = loading.shop_order_lines(session, shop_id)
    excluded = loading.unavailable_products(session, shop_id)
    baskets = build_baskets(lines)
    today = loading.to_days(now)
    pairs = bought_together(baskets, today, COOCCURRENCE, excluded)
    personal = personal_recommendations(baskets, today, pairs, PERSONAL, excluded)
    product_rows = storage.replace_product_lists(session, shop_id, pairs, now)
    customer_rows = storage.replace_customer_lists(session, shop_id, personal, now)
    return BuildSummary(
        order_lines=len(lines),
        products_with_lists=len(set(pairs.anchor.tolist())),
        product_rows=product_rows,
        customers_with_lists=len(set(personal.customer.tolist())),
        customer_rows=customer_rows,
    )


def update_customers(session: Session, shop_id: int, customer_ids: Collection[int], now: datetime) -> int:
    """Recompute a few customers' lists; returns the rows written."""
    if not customer_ids:
        return 0
    lines = loading.customer_order_lines(session, shop_id, customer_ids)
    excluded = loading.unavailable_products(session, shop_id)
    pairs = storage.stored_pairs(session, shop_id)
    personal = personal_recommendations(build_baskets(lines), loading.to_days(now), pairs, PERSONAL, excluded)
    return storage.replace_customer_lists(session, shop_id, personal, now, customers=set(customer_ids))
