"""Advocate enrolment: a customer with a paid order gets a readable code, created in Shopify as
a discount only customers without previous orders can use, a referral link through the app proxy,
and both written to a customer metafield (app-reserved namespace, key `referral`, JSON
`{"code", "link"}`, with a definition giving themes storefront read access) for themes and emails.

Every referral run enrols the customers who became eligible (a paid, not cancelled, not test
order) in batches, and publishes the advocates not yet in Shopify; the API can enrol one early.

Crash safety: the code is committed before Shopify is called, and drawn from a generator seeded
by (shop, customer), so a retry finds it in Shopify (look up before create) instead of leaving
an orphan discount behind. A discount with the same code that Orbit did not make (its title is
not Orbit's) is never adopted: the advocate draws another code.
"""

from __future__ import annotations

import json
import logging
import random
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import db
from app.models import Advocate, Order, Shop, utcnow
from app.models import Customer as CustomerRow
from app.referrals.codes import unique_referral_code
from app.shopify import discount_operations, segment_operations
from app.shopify.client import AdminClient, UserErrors
from app.shopify.metafield_operations import (
    METAFIELDS_SET_LIMIT,
    MetafieldsSetError,
    create_definition,
    set_metafields,
)

log = logging.getLogger(__name__)

PAID_STATUSES = ("paid", "partially_refunded", "partially_paid")
NEW_CUSTOMERS_SEGMENT_NAME = "Orbit referrals: customers without orders"
NEW_CUSTOMERS_QUERY = "number_of_orders = 0"
METAFIELD_KEY = "referral"
LINK_PATH = "/apps/orbit/r/"
ENROL_BATCH = 200  # customers enrolled, and advocates published, per run; the rest next run
MAX_CODE_DRAWS = 5  # foreign discounts in a row before giving up on an advocate this run
TITLE_PREFIX = "Orbit referral "  # how Orbit recognises its own referral discounts

METAFIELD_DEFINITION = {
    "key": METAFIELD_KEY,
    "name": "Orbit referral",
    "description": "The customer's referral code and link (JSON: code, link), for themes and emails.",
    "ownerType": "CUSTOMER",
    "type": "json",
    "access": {"storefront": "PUBLIC_READ"},
}


class NotEligible(ValueError):
    """Only customers with a paid order become advocates."""


def referral_link(shop_domain: str, code: str) -> str:
    return f"https://{shop_domain}{LINK_PATH}{code}"


class CodeTaken(Exception):
    """Shopify already has a discount with this code that Orbit did not create."""


def paid_order_conditions(shop_id: int) -> list[Any]:
    """A paid order that counts: not deleted, cancelled or a test order."""
    return [
        Order.shop_id == shop_id,
        Order.customer_shopify_id.is_not(None),
        Order.deleted_at.is_(None),
        Order.cancelled_at.is_(None),
        Order.test.is_not(True),
        Order.financial_status.in_(PAID_STATUSES),
    ]


def has_paid_order(session: Session, shop_id: int, customer_id: int) -> bool:
    statement = select(Order.id).where(
        *paid_order_conditions(shop_id), Order.customer_shopify_id == customer_id
    )
    return session.scalar(statement.limit(1)) is not None


def eligible_customers(session: Session, shop_id: int, limit: int = ENROL_BATCH) -> list[int]:
    """Customers with a paid order who are not advocates yet, lowest id first."""
    enrolled = select(Advocate.customer_shopify_id).where(Advocate.shop_id == shop_id)
    statement = (
        select(Order.customer_shopify_id)
        .where(*paid_order_conditions(shop_id), Order.customer_shopify_id.not_in(enrolled))
        .group_by(Order.customer_shopify_id)
        .order_by(Order.customer_shopify_id)
        .limit(limit)
    )
    return list(session.scalars(statement))


def first_names(session: Session, shop_id: int, customer_ids: Sequence[int]) -> dict[int, str | None]:
    rows = session.execute(
        select(CustomerRow.shopify_id, CustomerRow.first_name).where(
            CustomerRow.shop_id == shop_id, CustomerRow.shopify_id.in_(list(customer_ids))
        )
    )
    return dict(rows.all())


def new_advocate(shop: Shop, customer_id: int, first_name: str | None, taken: set[str]) -> Advocate:
    code = unique_referral_code(first_name, taken, random.Random(f"{shop.id}:{customer_id}"))
    taken.add(code)
    return Advocate(
        shop_id=shop.id, customer_shopify_id=customer_id, code=code, link=referral_link(shop.domain, code)
    )


def enrol_eligible(session: Session, shop: Shop, limit: int = ENROL_BATCH) -> list[Advocate]:
    """Reserve codes for up to `limit` newly eligible customers (flushed; the caller commits
    before anything is sent to Shopify). Running it again enrols nobody twice."""
    customer_ids = eligible_customers(session, shop.id, limit)
    if not customer_ids:
        return []
    names = first_names(session, shop.id, customer_ids)
    taken = set(session.scalars(select(Advocate.code).where(Advocate.shop_id == shop.id)))
    enrolled = [new_advocate(shop, c, names.get(c), taken) for c in customer_ids]
    session.add_all(enrolled)
    session.flush()
    return enrolled


def reserve_advocate(session: Session, shop: Shop, customer_id: int) -> Advocate:
    """The advocate row with its code (flushed, not committed: the caller commits it first)."""
    existing = session.scalar(
        select(Advocate).where(Advocate.shop_id == shop.id, Advocate.customer_shopify_id == customer_id)
    )
    if existing is not None:
        return existing
    if not has_paid_order(session, shop.id, customer_id):
        raise NotEligible(f"customer {customer_id} has no paid order")
    first_name = first_names(session, shop.id, [customer_id]).get(customer_id)
    taken = set(session.scalars(select(Advocate.code).where(Advocate.shop_id == shop.id)))
    advocate = new_advocate(shop, customer_id, first_name, taken)
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


def is_orbits_own(node: dict[str, Any], code: str) -> bool:
    """Whether a discount found by code is the referral discount Orbit made for this code."""
    title = str(((node.get("codeDiscount") or {}).get("title")) or "")
    return title.upper() == f"{TITLE_PREFIX}{code}".upper()


def ensure_referral_discount(
    client: AdminClient, code: str, settings: dict[str, Any], segment: Callable[[], str]
) -> str:
    """The gid of Orbit's discount for `code`, created if missing; CodeTaken when Shopify has
    someone else's discount with that code (look up before create)."""
    found = discount_operations.find_code(client, code)
    if found is not None:
        if is_orbits_own(found, code):
            return found["id"]
        raise CodeTaken(code)
    try:
        return discount_operations.create_code(client, friend_discount(code, settings, segment()))
    except UserErrors as refused:
        # Made by someone else between our look-up and the create.
        if any(e.get("code") == "TAKEN" for e in refused.errors):
            raise CodeTaken(code) from refused
        raise


def redraw_code(session: Session, advocate: Advocate, foreign_code: str) -> str:
    """Give the advocate another code (committed by the caller before Shopify is asked again)."""
    taken = set(session.scalars(select(Advocate.code).where(Advocate.shop_id == advocate.shop_id)))
    first_name = first_names(session, advocate.shop_id, [advocate.customer_shopify_id]).get(
        advocate.customer_shopify_id
    )
    rng = random.Random(f"{advocate.shop_id}:{advocate.customer_shopify_id}:{foreign_code}")
    advocate.code = unique_referral_code(first_name, taken | {foreign_code}, rng)
    advocate.link = referral_link(session.get(Shop, advocate.shop_id).domain, advocate.code)
    advocate.discount_gid, advocate.metafield_written_at = None, None
    return advocate.code


def unpublished(session: Session, shop_id: int, limit: int = ENROL_BATCH) -> list[int]:
    """Advocates whose discount or metafield is not in Shopify yet."""
    statement = (
        select(Advocate.id)
        .where(
            Advocate.shop_id == shop_id,
            (Advocate.discount_gid.is_(None)) | (Advocate.metafield_written_at.is_(None)),
        )
        .order_by(Advocate.id)
        .limit(limit)
    )
    return list(session.scalars(statement))


def publish_discount(advocate_id: int, client: AdminClient, settings: dict[str, Any], segment) -> bool:
    """Create (or find) the advocate's discount and record it; a foreign discount with the code
    makes the advocate draw another. False when Shopify refused it (retried next run)."""
    for _ in range(MAX_CODE_DRAWS):
        with db.transaction() as session:
            advocate = session.get(Advocate, advocate_id)
            if advocate.discount_gid is not None:
                return True
            code = advocate.code
        try:
            gid = ensure_referral_discount(client, code, settings, segment)
        except CodeTaken:
            with db.transaction() as session:
                new_code = redraw_code(session, session.get(Advocate, advocate_id), code)
            log.info(
                "referral code %s belongs to another discount; advocate %s now has %s",
                code,
                advocate_id,
                new_code,
            )
            continue
        except UserErrors as refused:
            log.warning("referral discount %s refused: %s", code, refused)
            return False
        with db.transaction() as session:
            advocate = session.get(Advocate, advocate_id)
            if advocate.code == code:
                advocate.discount_gid = gid
        return True
    return False


def metafield_input(advocate: Advocate) -> dict[str, str]:
    return {
        "ownerId": f"gid://shopify/Customer/{advocate.customer_shopify_id}",
        "key": METAFIELD_KEY,
        "type": "json",
        "value": json.dumps({"code": advocate.code, "link": advocate.link}),
    }


def write_metafields(advocate_ids: Sequence[int], client: AdminClient) -> int:
    """Write the published advocates' metafields, 25 per call; how many were written. One that
    Shopify refuses (a deleted customer) is left for the next run, never blocking the rest."""
    written = 0
    for start in range(0, len(advocate_ids), METAFIELDS_SET_LIMIT):
        with db.transaction() as session:
            batch = {
                a.id: metafield_input(a)
                for a in (
                    session.get(Advocate, i) for i in advocate_ids[start : start + METAFIELDS_SET_LIMIT]
                )
                if a is not None and a.discount_gid is not None
            }
        if not batch:
            continue
        try:
            set_metafields(client, list(batch.values()))
        except MetafieldsSetError as refused:
            bad = {e.get("elementIndex") for e in refused.errors}
            if None in bad:
                raise
            log.warning("referral metafields refused: %s", refused.errors)
            batch = {i: m for n, (i, m) in enumerate(batch.items()) if n not in bad}
            if batch:
                set_metafields(client, list(batch.values()))
        with db.transaction() as session:
            for advocate_id, sent in batch.items():
                advocate = session.get(Advocate, advocate_id)
                if metafield_input(advocate) == sent:  # not re-coded meanwhile
                    advocate.metafield_written_at = utcnow()
                    written += 1
    return written


def publish_advocates(advocate_ids: Sequence[int], client: AdminClient, settings: dict[str, Any]) -> int:
    """Publish advocates in Shopify: the metafield definition (once; an existing one is fine),
    each discount (look up before create), then the metafields. How many are now complete."""
    if not advocate_ids:
        return 0
    create_definition(client, METAFIELD_DEFINITION)
    segment_gid: list[str] = []

    def segment() -> str:  # looked up or created only when a discount is created
        if not segment_gid:
            segment_gid.append(new_customers_segment(client))
        return segment_gid[0]

    published = [i for i in advocate_ids if publish_discount(i, client, settings, segment)]
    write_metafields(published, client)
    with db.transaction() as session:
        return sum(
            1
            for i in published
            if (a := session.get(Advocate, i)) is not None and a.discount_gid and a.metafield_written_at
        )
