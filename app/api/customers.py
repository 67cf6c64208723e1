"""Customers: search by name, email or tag, and one customer's profile with its timeline."""

from __future__ import annotations

from flask import Response, g, jsonify, request
from sqlalchemy import String, cast, func, or_, select

from app import db
from app.api import bp
from app.api.customer_timeline import customer_figures, customer_timeline, valid_orders
from app.api.support import display_name
from app.api.ui_json import bad_argument, int_arg, iso, money
from app.dashboards.timeline import admin_customer_url
from app.errors import error_response
from app.models import Customer, Order
from app.security import session_token_required

QUERY_MAX = 200


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_filter(text: str):
    """Name (first, last or both), email, or one of the customer's tags, case-insensitively."""
    full_name = func.coalesce(Customer.first_name, "") + " " + func.coalesce(Customer.last_name, "")
    return or_(
        full_name.ilike(_like(text), escape="\\"),
        Customer.email.ilike(_like(text), escape="\\"),
        # Tags are a JSON list; its text form holds each tag in double quotes.
        cast(Customer.tags, String).ilike(_like(f'"{text}'), escape="\\"),
    )


def parse_ids(raw: str | None) -> list[int] | None:
    if raw is None:
        return None
    parts = [part.strip() for part in raw.split(",") if part.strip()]
    if len(parts) > 100 or not all(part.isdigit() for part in parts):
        raise ValueError("ids must be up to 100 comma-separated customer ids")
    return [int(part) for part in parts]


@bp.get("/customers")
@session_token_required
def search_customers() -> Response:
    """A page of customers matching `q` (all customers without one), most recent first."""
    text = (request.args.get("q") or "").strip()
    if len(text) > QUERY_MAX:
        return error_response(400, f"q must be under {QUERY_MAX} characters")
    try:
        ids = parse_ids(request.args.get("ids"))
    except ValueError as exc:
        return bad_argument(exc)
    try:
        limit = int_arg("limit", 25, 1, 100)
        offset = int_arg("offset", 0, 0, 10_000_000)
    except ValueError as exc:
        return bad_argument(exc)
    session = db.request_session()
    query = select(Customer).where(Customer.shop_id == g.shop.id, Customer.deleted_at.is_(None))
    if text:
        query = query.where(search_filter(text))
    if ids is not None:
        # A lookup by Shopify id: the names behind analytics rows, which carry no personal data.
        query = query.where(Customer.shopify_id.in_(ids))
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    customers = session.scalars(
        query.order_by(Customer.shopify_created_at.desc().nulls_last(), Customer.id.desc())
        .limit(limit)
        .offset(offset)
    ).all()
    totals = dict(
        session.execute(
            select(Order.customer_shopify_id, func.count(Order.id))
            .where(
                Order.shop_id == g.shop.id,
                Order.customer_shopify_id.in_([c.shopify_id for c in customers]),
                *valid_orders(),
            )
            .group_by(Order.customer_shopify_id)
        ).all()
    )
    return jsonify(
        total=total,
        offset=offset,
        customers=[
            {
                "id": customer.shopify_id,
                "name": display_name(customer.first_name, customer.last_name, customer.email),
                "email": customer.email,
                "tags": customer.tags or [],
                "city": customer.city,
                "country": customer.country_code,
                "orders": totals.get(customer.shopify_id, 0),
                "created_at": iso(customer.shopify_created_at),
            }
            for customer in customers
        ],
    )


@bp.get("/customers/<int:shopify_id>")
@session_token_required
def customer_profile(shopify_id: int) -> Response:
    """One customer: identity, headline figures, the timeline, and the link into Shopify's admin."""
    session = db.request_session()
    customer = session.scalars(
        select(Customer).where(Customer.shop_id == g.shop.id, Customer.shopify_id == shopify_id)
    ).one_or_none()
    if customer is None:
        return error_response(404, "no such customer in this store")
    figures = customer_figures(session, g.shop.id, shopify_id)
    return jsonify(
        customer={
            "id": customer.shopify_id,
            "name": display_name(customer.first_name, customer.last_name, customer.email),
            "email": customer.email,
            "phone": customer.phone,
            "tags": customer.tags or [],
            "city": customer.city,
            "country": customer.country_code,
            "email_marketing": customer.email_marketing_state,
            "created_at": iso(customer.shopify_created_at),
            "deleted": customer.deleted_at is not None,
            "redacted": customer.redacted_at is not None,
            "admin_url": admin_customer_url(g.shop.domain, customer.shopify_id),
        },
        figures={
            "orders": figures.orders,
            "net_spent": money(figures.net_spent),
            "currency": figures.currency or g.shop.currency,
            "first_order_at": iso(figures.first_order_at),
            "last_order_at": iso(figures.last_order_at),
        },
        timeline=customer_timeline(session, g.shop.id, customer),
    )
