"""GET /api/leads: people who have not bought yet (subscribers, account holders, cart
abandoners), ranked by the lead score the analytics computed, with its reasons in words."""

from __future__ import annotations

from flask import Response, g, jsonify
from sqlalchemy import func, select

from app import db
from app.api import bp
from app.api.support import display_name
from app.api.ui_json import bad_argument, int_arg, iso, money
from app.models import Customer, CustomerFacts
from app.security import session_token_required


@bp.get("/leads")
@session_token_required
def list_leads() -> Response:
    """A page of leads, highest projected value first."""
    try:
        limit = int_arg("limit", 50, 1, 200)
        offset = int_arg("offset", 0, 0, 10_000_000)
    except ValueError as exc:
        return bad_argument(exc)
    session = db.request_session()
    is_lead = (
        CustomerFacts.shop_id == g.shop.id,
        CustomerFacts.lead_score.is_not(None),
        CustomerFacts.number_of_orders == 0,
    )
    total = session.scalar(select(func.count()).select_from(CustomerFacts).where(*is_lead))
    rows = session.execute(
        select(CustomerFacts, Customer.first_name, Customer.last_name, Customer.email)
        .outerjoin(
            Customer,
            (Customer.shop_id == CustomerFacts.shop_id)
            & (Customer.shopify_id == CustomerFacts.customer_shopify_id),
        )
        .where(*is_lead)
        .order_by(CustomerFacts.lead_score.desc(), CustomerFacts.customer_shopify_id)
        .limit(limit)
        .offset(offset)
    ).all()
    return jsonify(
        total=total,
        currency=g.shop.currency,
        leads=[
            {
                "customer_id": facts.customer_shopify_id,
                "name": display_name(first, last, email),
                "email": email,
                "lead_score": money(facts.lead_score),
                "percentile": facts.lead_score_percentile,
                "reasons": list(facts.lead_reasons or []),
                "email_subscription_status": facts.email_subscription_status,
                "abandoned_checkout_at": iso(facts.abandoned_checkout_at),
                "abandoned_checkout_value": money(facts.abandoned_checkout_value),
                "acquisition_source": facts.acquisition_source,
            }
            for facts, first, last, email in rows
        ],
    )
