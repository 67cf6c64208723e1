"""GET /api/home: the CRM cycle at a glance, from the mirrored tables."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from flask import Response, g, jsonify
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import db
from app.api import bp
from app.api.customer_timeline import valid_orders
from app.api.ui_json import iso
from app.dashboards import funnel, settings_rules
from app.models import (
    Advocate,
    Checkout,
    Customer,
    JobRun,
    Order,
    Referral,
    Refund,
    SupportContact,
    WebhookDelivery,
)
from app.security import session_token_required

RECONCILE_KINDS = ("reconcile", "reconciliation")
BACKFILL_KINDS = ("backfill",)


def _last_job(session: Session, shop_id: int, kinds: tuple[str, ...]) -> JobRun | None:
    return session.scalars(
        select(JobRun)
        .where(JobRun.shop_id == shop_id, JobRun.kind.in_(kinds))
        .order_by(JobRun.created_at.desc(), JobRun.id.desc())
        .limit(1)
    ).first()


def _buyers(session: Session, shop_id: int) -> list[funnel.CustomerOrders]:
    orders = session.execute(
        select(
            Order.customer_shopify_id,
            Order.processed_at,
            Order.landing_site,
            Order.referring_site,
            Order.source_name,
            Order.total_price,
        ).where(Order.shop_id == shop_id, Order.customer_shopify_id.is_not(None), *valid_orders())
    ).all()
    refunds = dict(
        session.execute(
            select(Order.customer_shopify_id, func.sum(Refund.amount))
            .join(Order, (Order.shop_id == Refund.shop_id) & (Order.shopify_id == Refund.order_shopify_id))
            .where(Refund.shop_id == shop_id, Order.customer_shopify_id.is_not(None), *valid_orders())
            .group_by(Order.customer_shopify_id)
        ).all()
    )
    sources = funnel.first_order_sources([tuple(row[:5]) for row in orders])
    counts = Counter(row[0] for row in orders)
    revenue: dict[int, Decimal] = {}
    for row in orders:
        revenue[row[0]] = revenue.get(row[0], Decimal(0)) + Decimal(row[5])
    return [
        funnel.CustomerOrders(
            sources[customer], counts[customer], revenue[customer] - Decimal(refunds.get(customer) or 0)
        )
        for customer in counts
    ]


def _abandoned(session: Session, shop_id: int):
    return session.execute(
        select(Checkout.email, Checkout.landing_site, Checkout.referring_site, Checkout.source_name).where(
            Checkout.shop_id == shop_id, Checkout.completed_at.is_(None), Checkout.deleted_at.is_(None)
        )
    ).all()


def _advocates(session: Session, shop_id: int) -> int:
    """Customers with at least one referred order that was not rejected or voided."""
    return session.scalar(
        select(func.count(func.distinct(Advocate.customer_shopify_id)))
        .join(Referral, Referral.advocate_id == Advocate.id)
        .where(Advocate.shop_id == shop_id, Referral.status.not_in(("rejected", "void")))
    )


def _freshness(session: Session, shop_id: int) -> dict:
    last_webhook = session.scalar(
        select(func.max(WebhookDelivery.received_at)).where(WebhookDelivery.shop_id == shop_id)
    )
    backlog = session.scalar(
        select(func.count(WebhookDelivery.id)).where(
            WebhookDelivery.shop_id == shop_id, WebhookDelivery.status.in_(("pending", "failed"))
        )
    )
    reconcile = _last_job(session, shop_id, RECONCILE_KINDS)
    backfill = _last_job(session, shop_id, BACKFILL_KINDS)
    return {
        "last_webhook_at": iso(last_webhook),
        "last_reconciliation_at": iso(reconcile.finished_at) if reconcile else None,
        "last_reconciliation_status": reconcile.status if reconcile else None,
        "backfill_status": backfill.status if backfill else None,
        "backlog": backlog,
    }


@bp.get("/home")
@session_token_required
def home() -> Response:
    """Funnel, sources, freshness and the set-up checklist."""
    session = db.request_session()
    shop_id = g.shop.id
    buyers = _buyers(session, shop_id)
    abandoned = _abandoned(session, shop_id)
    customer_emails = {
        email.lower()
        for email in session.scalars(
            select(Customer.email).where(Customer.shop_id == shop_id, Customer.deleted_at.is_(None))
        )
        if email
    }
    customers = session.scalar(
        select(func.count(Customer.id)).where(Customer.shop_id == shop_id, Customer.deleted_at.is_(None))
    )
    unmatched_emails = {row.email.lower() for row in abandoned if row.email} - customer_emails
    orders = session.execute(
        select(Order.landing_site, Order.referring_site, Order.source_name).where(
            Order.shop_id == shop_id, *valid_orders()
        )
    ).all()
    visits = Counter(funnel.visit_source(*row) for row in [*orders, *(tuple(r[1:]) for r in abandoned)])
    stages = funnel.funnel(
        visits=sum(visits.values()),
        known_people=customers + len(unmatched_emails),
        buyers=len(buyers),
        repeat_buyers=sum(1 for buyer in buyers if buyer.orders >= 2),
        advocates=_advocates(session, shop_id),
    )
    freshness = _freshness(session, shop_id)
    settings = settings_rules.effective_settings(g.shop.settings)
    has_contacts = session.scalar(select(SupportContact.id).where(SupportContact.shop_id == shop_id).limit(1))
    checklist = [
        {"key": "import", "label": "Import your store's customers and orders",
         "done": freshness["backfill_status"] == "succeeded" or customers > 0, "url": "/activity"},
        {"key": "webhooks", "label": "Receive live updates from Shopify",
         "done": freshness["last_webhook_at"] is not None, "url": "/activity"},
        {"key": "locations", "label": "Add your store locations for local-customer segments",
         "done": bool(settings["store_locations"]), "url": "/settings"},
        {"key": "support", "label": "Log your first support contact",
         "done": has_contacts is not None, "url": "/support"},
    ]  # fmt: skip
    return jsonify(
        currency=g.shop.currency,
        funnel=stages,
        visits_by_source=[{"source": s, "visits": n} for s, n in visits.most_common()],
        sources=funnel.sources_table(buyers),
        freshness=freshness,
        checklist=checklist,
    )
