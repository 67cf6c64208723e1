"""customers/data_request, customers/redact, shop/redact: logged with their 30-day deadline and
carried out at once (webhooks/privacy.py does the data work)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from app.models import CustomerDataExport, Shop, WebhookDelivery, utcnow
from webhooks import privacy
from webhooks.handlers import Outcome, ignored
from webhooks.handlers.results import happened_at
from webhooks.rest_fields import optional_id


def apply(session: Session, shop: Shop, delivery: WebhookDelivery, payload: dict[str, Any]) -> Outcome:
    if delivery.topic not in ("customers/data_request", "customers/redact", "shop/redact"):
        return ignored(f"no handler for {delivery.topic}")
    customer = payload.get("customer") if isinstance(payload.get("customer"), dict) else {}
    email = customer.get("email") or None
    customer_id = privacy.find_customer_id(session, shop.id, optional_id(customer.get("id")), email)
    request = privacy.log_request(
        session,
        shop,
        topic=delivery.topic,
        webhook_id=delivery.webhook_id,
        received_at=happened_at(delivery),
        customer_shopify_id=customer_id,
        shopify_request_id=optional_id((payload.get("data_request") or {}).get("id")),
    )
    if delivery.topic == "shop/redact":
        summary = privacy.redact_shop(session, shop, delivery.id)
    elif customer_id is None:
        summary = {"note": "no customer id or known email: Orbit holds nothing to act on"}
    elif delivery.topic == "customers/data_request":
        order_ids = _ids(payload.get("orders_requested"))
        content = privacy.export_customer(session, shop.id, customer_id, order_ids, email)
        session.add(
            CustomerDataExport(
                shop_id=shop.id,
                compliance_request_id=request.id,
                customer_shopify_id=customer_id,
                content=content,
            )
        )
        summary = {name: len(rows) for name, rows in content.items() if rows}
    else:
        order_ids = _ids(payload.get("orders_to_redact"))
        summary = privacy.redact_customer(session, shop.id, customer_id, order_ids, email, utcnow())
        delivery.payload = privacy.REDACTED_BODY  # the request itself names the customer
    request.status = "completed"
    request.completed_at = utcnow()
    request.summary = summary
    customers = (
        frozenset({customer_id})
        if customer_id is not None and delivery.topic != "shop/redact"
        else frozenset()
    )
    return Outcome("processed", None, customers)


def _ids(values: Any) -> list[int]:
    return [number for number in (optional_id(v) for v in values or []) if number is not None]
