"""Support contacts: log one against a customer, list them, and the KPIs over time."""

from __future__ import annotations

from datetime import timedelta

from flask import Response, g, jsonify, request
from sqlalchemy import func, select

from app import db
from app.api import bp
from app.api.ui_json import bad_argument, field_errors, int_arg, iso, plain
from app.dashboards import support_kpis
from app.models import Customer, Order, SupportContact, utcnow
from app.security import session_token_required


def customer_names(session, shop_id: int, shopify_ids: set[int]) -> dict[int, str]:
    if not shopify_ids:
        return {}
    rows = session.execute(
        select(Customer.shopify_id, Customer.first_name, Customer.last_name, Customer.email).where(
            Customer.shop_id == shop_id, Customer.shopify_id.in_(shopify_ids)
        )
    )
    return {row.shopify_id: display_name(row.first_name, row.last_name, row.email) for row in rows}


def display_name(first: str | None, last: str | None, email: str | None) -> str:
    name = " ".join(part for part in (first, last) if part)
    return name or email or "Unnamed customer"


def contact_json(contact: SupportContact, names: dict[int, str]) -> dict:
    return {
        "id": contact.id,
        "customer_id": contact.customer_shopify_id,
        "customer_name": names.get(contact.customer_shopify_id, "Customer not yet imported"),
        "channel": contact.channel,
        "reason": contact.reason,
        "resolved_first_contact": contact.resolved_first_contact,
        "csat": contact.csat,
        "effort": contact.effort,
        "note": contact.note,
        "contacted_at": iso(contact.contacted_at),
    }


@bp.get("/support/contacts")
@session_token_required
def list_contacts() -> Response:
    """The latest contacts, optionally of one customer."""
    try:
        limit = int_arg("limit", 50, 1, 200)
        customer_id = int_arg("customer_id", 0, 0, 2**63 - 1)
    except ValueError as exc:
        return bad_argument(exc)
    session = db.request_session()
    query = select(SupportContact).where(SupportContact.shop_id == g.shop.id)
    if customer_id:
        query = query.where(SupportContact.customer_shopify_id == customer_id)
    contacts = session.scalars(
        query.order_by(SupportContact.contacted_at.desc(), SupportContact.id.desc()).limit(limit)
    ).all()
    names = customer_names(session, g.shop.id, {c.customer_shopify_id for c in contacts})
    return jsonify(contacts=[contact_json(contact, names) for contact in contacts])


@bp.post("/support/contacts")
@session_token_required
def log_contact() -> Response:
    """Log a contact; 422 with an error per field when something must be corrected."""
    try:
        parsed = support_kpis.parse_contact(request.get_json(silent=True))
    except support_kpis.ContactInvalid as exc:
        return field_errors(exc.errors)
    session = db.request_session()
    contact = SupportContact(
        shop_id=g.shop.id,
        customer_shopify_id=parsed.customer_shopify_id,
        channel=parsed.channel,
        reason=parsed.reason,
        resolved_first_contact=parsed.resolved_first_contact,
        csat=parsed.csat,
        effort=parsed.effort,
        note=parsed.note,
        contacted_at=utcnow(),
    )
    session.add(contact)
    session.commit()
    names = customer_names(session, g.shop.id, {contact.customer_shopify_id})
    return jsonify(contact=contact_json(contact, names)), 201


def orders_between(session, shop_id: int, start, end) -> int:
    return session.scalar(
        select(func.count(Order.id)).where(
            Order.shop_id == shop_id,
            Order.processed_at >= start,
            Order.processed_at < end,
            Order.test.is_(False),
            Order.cancelled_at.is_(None),
            Order.deleted_at.is_(None),
        )
    )


@bp.get("/support/kpis")
@session_token_required
def support_kpi_series() -> Response:
    """KPIs for the last 30 days and for each of the last `weeks` weeks."""
    try:
        weeks = int_arg("weeks", 12, 1, 104)
    except ValueError as exc:
        return bad_argument(exc)
    session = db.request_session()
    now = utcnow()
    first_week = support_kpis.week_start(now) - timedelta(weeks=weeks - 1)
    since = min(first_week, now - timedelta(days=30))
    rows = session.execute(
        select(
            SupportContact.contacted_at,
            SupportContact.resolved_first_contact,
            SupportContact.csat,
            SupportContact.effort,
        ).where(SupportContact.shop_id == g.shop.id, SupportContact.contacted_at >= since)
    )
    contacts = [support_kpis.ContactFigures(*row) for row in rows]
    orders_by_week = {
        first_week + timedelta(weeks=n): orders_between(
            session, g.shop.id, first_week + timedelta(weeks=n), first_week + timedelta(weeks=n + 1)
        )
        for n in range(weeks)
    }
    last_30 = [c for c in contacts if c.contacted_at >= now - timedelta(days=30)]
    current = support_kpis.kpis(last_30, orders_between(session, g.shop.id, now - timedelta(days=30), now))
    series = support_kpis.weekly_kpis(contacts, orders_by_week, now, weeks)
    return jsonify(plain({"last_30_days": current, "weekly": series, "channels": support_kpis.CHANNELS}))
