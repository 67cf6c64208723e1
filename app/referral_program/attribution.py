"""Attribution of stored orders: find the referral code an order carries, check the referral
for fraud (app/referrals/fraud.py) and record it once per order.

Only orders not yet recorded are looked at. A friend's first order only: an order whose
customer had earlier orders is recorded as rejected (`not_first_order`), so the merchant sees
why the code earned nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Advocate, Order, OrderDispute, Referral, Refund, Shop
from app.referral_program import shopify_reads
from app.referral_program.settings import fraud_settings
from app.referrals.attribution import Attribution, OrderSignals, attribute
from app.referrals.fraud import RecentReferral, ReferredOrder, Verdict, address_hashes, check_referral
from app.referrals.identity import network_of
from app.shopify.client import AdminClient

STATUS_OF_DECISION = {"approved": "pending", "review": "review", "rejected": "rejected"}


def signals(order: Order) -> OrderSignals:
    codes = [str(d.get("code")) for d in order.discount_codes or [] if isinstance(d, dict) and d.get("code")]
    attributes = [
        (str(a.get("name")), str(a.get("value"))) for a in order.note_attributes or [] if isinstance(a, dict)
    ]
    return OrderSignals(discount_codes=codes, note_attributes=attributes, landing_site=order.landing_site)


def candidates(session: Session, shop_id: int, since: datetime) -> list[Order]:
    """Orders changed since `since` that carry no referral record yet."""
    recorded = select(Referral.order_shopify_id).where(Referral.shop_id == shop_id)
    statement = (
        select(Order)
        .where(
            Order.shop_id == shop_id,
            Order.updated_at >= since,
            Order.deleted_at.is_(None),
            Order.shopify_id.not_in(recorded),
        )
        .order_by(Order.processed_at, Order.id)
    )
    return list(session.scalars(statement))


def prior_orders(session: Session, order: Order) -> int:
    if order.customer_shopify_id is None:
        return 0
    placed = order.processed_at or order.shopify_created_at
    statement = select(func.count(Order.id)).where(
        Order.shop_id == order.shop_id,
        Order.customer_shopify_id == order.customer_shopify_id,
        Order.deleted_at.is_(None),
        Order.shopify_id != order.shopify_id,
        Order.processed_at < placed,
    )
    return int(session.scalar(statement) or 0)


def refunded_amount(session: Session, shop_id: int, order_shopify_id: int) -> Decimal:
    total = session.scalar(
        select(func.sum(Refund.amount)).where(
            Refund.shop_id == shop_id, Refund.order_shopify_id == order_shopify_id
        )
    )
    return Decimal(total or 0)


def refunded_total(session: Session, order: Order) -> Decimal:
    """Money refunded; an order Shopify calls `refunded` counts as refunded in full (refunding
    every line leaves shipping unrefunded, yet nothing was bought)."""
    if order.financial_status == "refunded":
        return Decimal(order.total_price)
    return refunded_amount(session, order.shop_id, order.shopify_id)


def charged_back(session: Session, shop_id: int, order_shopify_id: int) -> bool:
    """Whether a chargeback (not a mere inquiry) was opened on the order; what became of it later
    does not matter: a referral whose payment was disputed in the hold earns nothing."""
    statement = select(OrderDispute.id).where(
        OrderDispute.shop_id == shop_id,
        OrderDispute.order_shopify_id == order_shopify_id,
        OrderDispute.kind == "chargeback",
    )
    return session.scalar(statement.limit(1)) is not None


def advocate_browser_ip(session: Session, shop_id: int, customer_id: int) -> str | None:
    statement = (
        select(Order.browser_ip)
        .where(
            Order.shop_id == shop_id, Order.customer_shopify_id == customer_id, Order.browser_ip.is_not(None)
        )
        .order_by(Order.processed_at.desc())
    )
    return session.scalar(statement.limit(1))


def recent_referrals(session: Session, shop_id: int, since: datetime) -> list[RecentReferral]:
    rows = session.scalars(select(Referral).where(Referral.shop_id == shop_id, Referral.ordered_at >= since))
    return [
        RecentReferral(
            order_id=row.order_shopify_id,
            created_at=row.ordered_at,
            # The stored network ("2001:db8:1:2::/64" or an IPv4 address): its first address
            # lies in the same network, which is all the velocity rule compares.
            browser_ip=row.network.split("/", 1)[0] if row.network else None,
            address_hashes=frozenset(row.address_hashes or []),
        )
        for row in rows
    ]


def record_referral(
    session: Session,
    shop: Shop,
    order: Order,
    found: Attribution,
    client: AdminClient,
    settings: dict[str, Any],
    shop_country: str | None = None,
) -> Referral:
    advocate = session.get(Advocate, found.advocate_id)
    placed = order.processed_at or order.shopify_created_at or order.created_at
    friend = shopify_reads.friend_of_order(client, order.shopify_id, order.customer_shopify_id)
    advocate_person = shopify_reads.advocate_person(
        client,
        advocate.customer_shopify_id,
        advocate_browser_ip(session, shop.id, advocate.customer_shopify_id),
    )
    rules = fraud_settings(settings, shop_country=shop_country)
    referred = ReferredOrder(
        order_id=order.shopify_id,
        created_at=placed,
        friend=friend,
        friend_prior_orders=prior_orders(session, order),
        total=Decimal(order.total_price),
        refunded=refunded_total(session, order),
        cancelled=order.cancelled_at is not None,
        chargeback=charged_back(session, shop.id, order.shopify_id),
    )
    recent = recent_referrals(session, shop.id, placed - rules.velocity_window)
    verdict = check_referral(advocate_person, referred, recent, rules)
    referral = Referral(
        shop_id=shop.id,
        advocate_id=advocate.id,
        order_shopify_id=order.shopify_id,
        friend_customer_shopify_id=order.customer_shopify_id,
        code=found.code,
        via=found.via,
        order_total=Decimal(order.total_price),
        currency=order.currency,
        ordered_at=placed,
        network=network_of(friend.browser_ip),
        address_hashes=sorted(address_hashes(friend.addresses)),
        status=STATUS_OF_DECISION[verdict.decision],
        findings=findings_json(verdict),
        decided_by="rules" if verdict.decision == "rejected" else None,
        decided_at=placed if verdict.decision == "rejected" else None,
    )
    session.add(referral)
    session.flush()
    return referral


def findings_json(verdict: Verdict) -> list[dict[str, str]]:
    return [{"rule": f.rule, "action": f.action, "reason": f.reason} for f in verdict.findings]


def attribute_orders(
    session: Session, shop: Shop, client: AdminClient, settings: dict[str, Any], since: datetime
) -> list[Referral]:
    """Record a referral for each newly changed order that carries a known code."""
    codes = dict(session.execute(select(Advocate.code, Advocate.id).where(Advocate.shop_id == shop.id)).all())
    if not codes:
        return []
    matches = [
        (order, found)
        for order in candidates(session, shop.id, since)
        if (found := attribute(signals(order), codes))
    ]
    if not matches:
        return []
    country = shopify_reads.shop_country(client)
    recorded = []
    for order, found in matches:
        with session.begin_nested():
            recorded.append(record_referral(session, shop, order, found, client, settings, country))
    return recorded


def default_since(now: datetime) -> datetime:
    return now - timedelta(days=60)
