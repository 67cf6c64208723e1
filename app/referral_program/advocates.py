"""Advocate enrolment: a customer with a paid order gets a readable code, created in Shopify as
a discount only customers without previous orders can use, a referral link through the app proxy,
and both written to a customer metafield (app-reserved namespace, key `referral`, JSON
`{"code", "link"}`) for themes and emails.

Crash safety: the code is drawn from a generator seeded by (shop, customer), so a retry after a
crash between Shopify's answer and our commit draws the same code and finds it in Shopify (look
up before create) instead of leaving an orphan discount behind.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Advocate, Order, Shop, utcnow
from app.models import Customer as CustomerRow
from app.referrals.codes import unique_referral_code
from app.shopify import discount_operations, segment_operations
from app.shopify.client import AdminClient
from app.shopify.metafield_operations import set_metafields

PAID_STATUSES = ("paid", "partially_refunded", "partially_paid")
NEW_CUSTOMERS_SEGMENT_NAME = "Orbit referrals: customers without orders"
NEW_CUSTOMERS_QUERY = "number_of_orders = 0"
METAFIELD_KEY = "referral"
LINK_PATH = "/apps/orbit/r/"


class NotEligible(ValueError):
    """Only customers with a paid order become advocates."""


def referral_link(shop_domain: str, code: str) -> str:
    return f"https://{shop_domain}{LINK_PATH}{code}"


def has_paid_order(session: Session, shop_id: int, customer_id: int) -> bool:
    statement = select(Order.id).where(
        Order.shop_id == shop_id,
        Order.customer_shopify_id == customer_id,
        Order.deleted_at.is_(None),
        Order.cancelled_at.is_(None),
        Order.financial_status.in_(PAID_STATUSES),
    )
    return session.scalar(statement.limit(1)) is not None


def reserve_advocate(session: Session, shop: Shop, customer_id: int) -> Advocate:
    """The advocate row with its code (flushed, not committed: the caller commits it first)."""
    existing = session.scalar(
        select(Advocate).where(Advocate.shop_id == shop.id, Advocate.customer_shopify_id == customer_id)
    )
    if existing is not None:
        return existing
    if not has_paid_order(session, shop.id, customer_id):
        raise NotEligible(f"customer {customer_id} has no paid order")
    first_name = session.scalar(
        select(CustomerRow.first_name).where(
            CustomerRow.shop_id == shop.id, CustomerRow.shopify_id == customer_id
        )
    )
    taken = set(session.scalars(select(Advocate.code).where(Advocate.shop_id == shop.id)))
    code = unique_referral_code(first_name, taken, random.Random(f"{shop.id}:{customer_id}"))
    advocate = Advocate(
        shop_id=shop.id, customer_shopify_id=customer_id, code=code, link=referral_link(shop.domain, code)
    )
    session.add(advocate)
    session.flush()
    return advocate


def new_customers_segment(client: AdminClient) -> str:
    """The Shopify segment 'customers without orders' the friend codes are limited to."""
    data = client.execute(
        segment_operations.SEGMENTS,
        {"first": 50, "query": NEW_CUSTOMERS_SEGMENT_NAME},
        operation_name="OrbitSegments",
    )
    for segment in (data.get("segments") or {}).get("nodes") or []:
        if segment["name"] == NEW_CUSTOMERS_SEGMENT_NAME:
            return segment["id"]
    return segment_operations.create_segment(client, NEW_CUSTOMERS_SEGMENT_NAME, NEW_CUSTOMERS_QUERY)["id"]


def customer_gets(kind: str, value: Decimal) -> dict[str, Any]:
    if kind == "percentage":
        return {"value": {"percentage": float(value / 100)}, "items": {"all": True}}
    return {
        "value": {"discountAmount": {"amount": str(value), "appliesOnEachItem": False}},
        "items": {"all": True},
    }


def friend_discount(code: str, settings: dict[str, Any], segment_gid: str) -> dict[str, Any]:
    """DiscountCodeBasicInput of an advocate's code: first orders only, once per customer."""
    offer = settings["friend_offer"]
    discount: dict[str, Any] = {
        "title": f"Orbit referral {code}",
        "code": code,
        "startsAt": datetime.now(UTC).isoformat(),
        "context": {"customerSegments": {"add": [segment_gid]}},
        "customerGets": customer_gets(offer["kind"], Decimal(str(offer["value"]))),
        "appliesOncePerCustomer": True,
        "tags": ["orbit-referral"],
    }
    if Decimal(str(offer.get("min_subtotal") or 0)) > 0:
        discount["minimumRequirement"] = {
            "subtotal": {"greaterThanOrEqualToSubtotal": str(offer["min_subtotal"])}
        }
    if offer.get("ends_at"):
        discount["endsAt"] = offer["ends_at"]
    return discount


def publish(client: AdminClient, advocate: Advocate, settings: dict[str, Any]) -> tuple[str, datetime]:
    """Create the code in Shopify (look up first) and write the metafield; (discount gid, when)."""
    node_gid = discount_operations.find_code(client, advocate.code)
    gid = node_gid["id"] if node_gid else None
    if gid is None:
        gid = discount_operations.create_code(
            client, friend_discount(advocate.code, settings, new_customers_segment(client))
        )
    set_metafields(
        client,
        [
            {
                "ownerId": f"gid://shopify/Customer/{advocate.customer_shopify_id}",
                "key": METAFIELD_KEY,
                "type": "json",
                "value": json.dumps({"code": advocate.code, "link": advocate.link}),
            }
        ],
    )
    return gid, utcnow()
