"""Order lines and product availability from the app's tables, as plain arrays for the pure code."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

import numpy as np
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.models import Order, OrderLine, Product
from app.recommendations.baskets import SECONDS_PER_DAY, OrderLines


def to_days(moment: datetime) -> float:
    return moment.timestamp() / SECONDS_PER_DAY


def _lines_query(shop_id: int):
    # Orders that count as purchases: not test, not cancelled, not deleted, with a processed date.
    return (
        select(Order.shopify_id, Order.customer_shopify_id, OrderLine.product_shopify_id, Order.processed_at)
        .join(OrderLine, OrderLine.order_id == Order.id)
        .where(
            Order.shop_id == shop_id,
            Order.test.is_(False),
            Order.cancelled_at.is_(None),
            Order.deleted_at.is_(None),
            Order.processed_at.is_not(None),
            OrderLine.product_shopify_id.is_not(None),
        )
        .order_by(Order.shopify_id)
    )


def _to_lines(rows) -> OrderLines:
    if not rows:
        return OrderLines.empty()
    order_id, customer, product, processed = zip(*rows, strict=True)
    return OrderLines(
        order_id=np.fromiter(order_id, dtype=np.int64, count=len(rows)),
        customer_id=np.fromiter((-1 if c is None else c for c in customer), dtype=np.int64, count=len(rows)),
        product_id=np.fromiter(product, dtype=np.int64, count=len(rows)),
        ordered_at=np.fromiter((to_days(p) for p in processed), dtype=np.float64, count=len(rows)),
    )


def shop_order_lines(session: Session, shop_id: int) -> OrderLines:
    """Every purchased line of the shop, ordered by order id (so baskets encode in O(n))."""
    return _to_lines(session.execute(_lines_query(shop_id)).all())


def customer_order_lines(session: Session, shop_id: int, customer_ids: Collection[int]) -> OrderLines:
    """The purchased lines of a few customers: the input of the incremental per-customer path."""
    if not customer_ids:
        return OrderLines.empty()
    query = _lines_query(shop_id).where(Order.customer_shopify_id.in_(sorted(customer_ids)))
    return _to_lines(session.execute(query).all())


def unavailable_products(session: Session, shop_id: int) -> set[int]:
    """Products that must not be recommended: archived, draft or deleted in Shopify.

    Products Orbit has not mirrored yet are not excluded (an order may name a product before its
    products/create webhook lands); the next build after the mirror catches up excludes them.
    """
    query = select(Product.shopify_id).where(
        Product.shop_id == shop_id,
        or_(Product.deleted_at.is_not(None), Product.status.is_(None), Product.status != "active"),
    )
    return set(session.scalars(query))


def active_product_ids(session: Session, shop_id: int) -> list[int]:
    query = select(Product.shopify_id).where(
        Product.shop_id == shop_id, Product.deleted_at.is_(None), Product.status == "active"
    )
    return list(session.scalars(query))
