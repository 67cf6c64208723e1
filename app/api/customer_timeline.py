"""Loading one customer's events from the mirrored tables into the pure timeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.api.ui_json import iso, money
from app.dashboards.timeline import TimelineEvent, merge_timeline, order_title
from app.models import (
    Advocate,
    Checkout,
    Customer,
    Order,
    Referral,
    Refund,
    Reward,
    Segment,
    SegmentMembershipEvent,
    SupportContact,
)

TIMELINE_LIMIT = 200


def valid_orders():
    """Orders that count: not test, not cancelled, not deleted (the facts' rule)."""
    return (Order.test.is_(False), Order.cancelled_at.is_(None), Order.deleted_at.is_(None))


@dataclass(frozen=True)
class CustomerFigures:
    orders: int
    net_spent: Decimal
    currency: str | None
    first_order_at: datetime | None
    last_order_at: datetime | None


def customer_figures(session: Session, shop_id: int, customer_id: int) -> CustomerFigures:
    row = session.execute(
        select(
            func.count(Order.id),
            func.coalesce(func.sum(Order.total_price), 0),
            func.min(Order.currency),
            func.min(Order.processed_at),
            func.max(Order.processed_at),
        ).where(Order.shop_id == shop_id, Order.customer_shopify_id == customer_id, *valid_orders())
    ).one()
    refunded = session.scalar(
        select(func.coalesce(func.sum(Refund.amount), 0))
        .join(Order, (Order.shop_id == Refund.shop_id) & (Order.shopify_id == Refund.order_shopify_id))
        .where(Refund.shop_id == shop_id, Order.customer_shopify_id == customer_id, *valid_orders())
    )
    return CustomerFigures(row[0], Decimal(row[1]) - Decimal(refunded), row[2], row[3], row[4])


def _codes(discount_codes: list | None) -> list[str]:
    # REST-shaped payloads carry {"code": ...}; tolerate plain strings as well.
    codes = [code.get("code") if isinstance(code, dict) else code for code in discount_codes or []]
    return [code for code in codes if isinstance(code, str) and code]


def _titles(line_items: list | None) -> list[str]:
    return [item["title"] for item in line_items or [] if isinstance(item, dict) and item.get("title")][:10]


def _order_events(orders: list[Order]) -> list[TimelineEvent]:
    return [
        TimelineEvent(
            "order",
            order.processed_at or order.shopify_created_at,
            order_title(order.name, order.cancelled_at is not None),
            {
                "order_id": order.shopify_id,
                "amount": money(order.total_price),
                "currency": order.currency,
                "financial_status": order.financial_status,
                "fulfillment_status": order.fulfillment_status,
                "items": [line.title for line in order.lines][:10],
                "discount_codes": _codes(order.discount_codes),
                "source": order.source_name,
                "test": order.test,
            },
        )
        for order in orders
    ]


def _refund_events(refunds: list[Refund], names: dict[int, str | None]) -> list[TimelineEvent]:
    return [
        TimelineEvent(
            "refund",
            refund.processed_at or refund.shopify_created_at,
            f"Refund on order {names.get(refund.order_shopify_id) or ''}".strip(),
            {"amount": money(refund.amount), "note": refund.note, "order_id": refund.order_shopify_id},
        )
        for refund in refunds
    ]


def _checkout_events(checkouts: list[Checkout]) -> list[TimelineEvent]:
    return [
        TimelineEvent(
            "checkout",
            checkout.shopify_created_at,
            "Checkout abandoned",
            {
                "amount": money(checkout.total_price),
                "currency": checkout.currency,
                "items": _titles(checkout.line_items),
                "recovery_url": checkout.abandoned_checkout_url,
            },
        )
        for checkout in checkouts
    ]


def _support_events(contacts: list[SupportContact]) -> list[TimelineEvent]:
    return [
        TimelineEvent(
            "support",
            contact.contacted_at,
            f"Support contact by {contact.channel.replace('_', ' ')}: {contact.reason}",
            {
                "resolved_first_contact": contact.resolved_first_contact,
                "csat": contact.csat,
                "effort": contact.effort,
                "note": contact.note,
            },
        )
        for contact in contacts
    ]


def _segment_events(session: Session, shop_id: int, customer_id: int) -> list[TimelineEvent]:
    rows = session.execute(
        select(SegmentMembershipEvent.kind, SegmentMembershipEvent.happened_at, Segment.name, Segment.id)
        .join(Segment, Segment.id == SegmentMembershipEvent.segment_id)
        .where(
            SegmentMembershipEvent.shop_id == shop_id,
            SegmentMembershipEvent.customer_shopify_id == customer_id,
        )
    ).all()
    return [
        TimelineEvent(
            f"segment_{kind}",
            happened_at,
            f"{'Joined' if kind == 'joined' else 'Left'} segment {name}",
            {"segment_id": segment_id},
        )
        for kind, happened_at, name, segment_id in rows
        if kind in ("joined", "left")
    ]


def _referral_events(session: Session, shop_id: int, customer_id: int) -> list[TimelineEvent]:
    """Referrals this customer made (as advocate) or came through (as friend), and rewards earned."""
    made = session.execute(
        select(Referral)
        .join(Advocate, Advocate.id == Referral.advocate_id)
        .where(Referral.shop_id == shop_id, Advocate.customer_shopify_id == customer_id)
    ).scalars()
    came = session.scalars(
        select(Referral).where(
            Referral.shop_id == shop_id, Referral.friend_customer_shopify_id == customer_id
        )
    )
    rewards = session.scalars(
        select(Reward)
        .join(Advocate, Advocate.id == Reward.advocate_id)
        .where(Reward.shop_id == shop_id, Advocate.customer_shopify_id == customer_id)
    )
    events = [
        TimelineEvent(
            "referral",
            r.ordered_at,
            f"Referred a friend with code {r.code}",
            {"status": r.status, "amount": money(r.order_total), "currency": r.currency},
        )
        for r in made
    ]
    events += [
        TimelineEvent(
            "referral", r.ordered_at, f"Came through a referral (code {r.code})", {"status": r.status}
        )
        for r in came
    ]
    events += [
        TimelineEvent(
            "reward",
            w.issued_at or w.attempted_at or w.created_at,
            f"Reward {w.status}: {w.kind.replace('_', ' ')}",
            {"amount": money(w.amount), "currency": w.currency, "code": w.code},
        )
        for w in rewards
    ]
    return events


def customer_timeline(session: Session, shop_id: int, customer: Customer) -> list[dict]:
    orders = session.scalars(
        select(Order).where(Order.shop_id == shop_id, Order.customer_shopify_id == customer.shopify_id)
    ).all()
    names = {order.shopify_id: order.name for order in orders}
    refunds = (
        session.scalars(
            select(Refund).where(Refund.shop_id == shop_id, Refund.order_shopify_id.in_(list(names)))
        ).all()
        if names
        else []
    )
    checkout_owner = Checkout.customer_shopify_id == customer.shopify_id
    if customer.email:
        checkout_owner = or_(checkout_owner, func.lower(Checkout.email) == customer.email.lower())
    checkouts = session.scalars(
        select(Checkout).where(
            Checkout.shop_id == shop_id,
            checkout_owner,
            Checkout.completed_at.is_(None),
            Checkout.deleted_at.is_(None),
        )
    ).all()
    contacts = session.scalars(
        select(SupportContact).where(
            SupportContact.shop_id == shop_id, SupportContact.customer_shopify_id == customer.shopify_id
        )
    ).all()
    events = merge_timeline(
        _order_events(list(orders)),
        _refund_events(list(refunds), names),
        _checkout_events(list(checkouts)),
        _support_events(list(contacts)),
        _segment_events(session, shop_id, customer.shopify_id),
        _referral_events(session, shop_id, customer.shopify_id),
        limit=TIMELINE_LIMIT,
    )
    return [{"kind": e.kind, "at": iso(e.at), "title": e.title, "detail": e.detail} for e in events]
