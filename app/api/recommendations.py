"""Recommendations for the UI: each product's bought-together list (lift, support), coverage, and
one customer's buy-again / new-to-you list."""

from __future__ import annotations

from flask import Response, g, jsonify
from sqlalchemy import func, select

from app import db
from app.api import bp
from app.api.ui_json import bad_argument, int_arg, iso
from app.errors import error_response
from app.models import Product, Recommendation
from app.models.recommendations import CUSTOMER, PRODUCT
from app.recs import loading, storage
from app.security import session_token_required

MAX_SHOPIFY_ID = 2**63 - 1  # BIGINT: a larger path id cannot exist, and must not reach SQL


def _titles(session, shop_id: int, product_ids: set[int]) -> dict[int, str | None]:
    if not product_ids:
        return {}
    query = select(Product.shopify_id, Product.title).where(
        Product.shop_id == shop_id, Product.shopify_id.in_(sorted(product_ids))
    )
    return dict(session.execute(query).all())


def _item(row: Recommendation, titles: dict[int, str | None]) -> dict:
    item = {
        "product_id": row.product_shopify_id,
        "title": titles.get(row.product_shopify_id),
        "kind": row.kind,
    }
    item["score"] = round(row.score, 6)
    if row.subject_type == PRODUCT:
        item.update(
            lift=round(row.lift or 0.0, 4),
            support=round(row.support or 0.0, 6),
            confidence=round(row.confidence or 0.0, 4),
            orders=round(row.orders or 0.0, 2),
        )
    return item


def coverage(session, shop_id: int, at_least: int) -> dict:
    """Share of active products with at least `at_least` bought-together recommendations."""
    active = set(loading.active_product_ids(session, shop_id))
    counts = session.execute(
        select(Recommendation.subject_shopify_id, func.count())
        .where(Recommendation.shop_id == shop_id, Recommendation.subject_type == PRODUCT)
        .group_by(Recommendation.subject_shopify_id)
    ).all()
    covered = sum(1 for product, count in counts if product in active and count >= at_least)
    return {
        "at_least": at_least,
        "active_products": len(active),
        "covered_products": covered,
        "share": round(covered / len(active), 4) if active else 0.0,
    }


@bp.get("/recommendations/products")
@session_token_required
def product_recommendations() -> Response:
    """A page of products with their bought-together lists, and the coverage figure."""
    try:
        at_least = int_arg("min_recommendations", 3, 1, 10)
        limit = int_arg("limit", 25, 1, 100)
        offset = int_arg("offset", 0, 0, 10_000_000)
    except ValueError as exc:
        return bad_argument(exc)
    session = db.request_session()
    subjects = list(
        session.scalars(
            select(Recommendation.subject_shopify_id)
            .where(Recommendation.shop_id == g.shop.id, Recommendation.subject_type == PRODUCT)
            .group_by(Recommendation.subject_shopify_id)
            .order_by(Recommendation.subject_shopify_id)
            .limit(limit)
            .offset(offset)
        )
    )
    lists = storage.lists_for(session, g.shop.id, PRODUCT, subjects)
    titles = _titles(
        session, g.shop.id, set(lists) | {r.product_shopify_id for rows in lists.values() for r in rows}
    )
    computed = max((r.computed_at for rows in lists.values() for r in rows), default=None)
    return jsonify(
        coverage=coverage(session, g.shop.id, at_least),
        computed_at=iso(computed),
        products=[
            {"product_id": p, "title": titles.get(p), "recommendations": [_item(r, titles) for r in lists[p]]}
            for p in subjects
        ],
    )


@bp.get("/recommendations/products/<int:product_id>")
@session_token_required
def one_product(product_id: int) -> Response:
    """One product's bought-together list (empty when it has none)."""
    if product_id > MAX_SHOPIFY_ID:
        return error_response(404, "no such product")
    session = db.request_session()
    rows = storage.lists_for(session, g.shop.id, PRODUCT, [product_id]).get(product_id, [])
    titles = _titles(session, g.shop.id, {product_id} | {r.product_shopify_id for r in rows})
    return jsonify(
        product_id=product_id, title=titles.get(product_id), recommendations=[_item(r, titles) for r in rows]
    )


@bp.get("/recommendations/customers/<int:customer_id>")
@session_token_required
def one_customer(customer_id: int) -> Response:
    """One customer's list: buy-again and new-to-you, best first."""
    if customer_id > MAX_SHOPIFY_ID:
        return error_response(404, "no such customer")
    session = db.request_session()
    rows = storage.lists_for(session, g.shop.id, CUSTOMER, [customer_id]).get(customer_id, [])
    titles = _titles(session, g.shop.id, {r.product_shopify_id for r in rows})
    return jsonify(
        customer_id=customer_id,
        computed_at=iso(rows[0].computed_at) if rows else None,
        recommendations=[_item(r, titles) for r in rows],
    )
