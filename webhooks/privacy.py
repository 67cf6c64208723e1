"""Privacy compliance (customers/data_request, customers/redact, shop/redact): the data work.

Where personal data lives (DESIGN 3): `customers` and `checkouts` by design, plus three places
this module also covers: `orders.email`/`browser_ip`/`note_attributes`, the raw webhook bodies in
`webhook_deliveries`, and the exports this module itself produces. Tables of other areas that
reference a customer by `customer_shopify_id` are included in exports; they hold no personal
data by the same design rule, so redaction keeps them as anonymous aggregates.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table, cast, delete, func, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.types import String

from app.models import (
    Base,
    Checkout,
    ComplianceRequest,
    Customer,
    CustomerDataExport,
    Order,
    OrderLine,
    Refund,
    Shop,
    WebhookDelivery,
)
from webhooks.dialect import dialect_insert
from webhooks.dirty import mark_dirty
from webhooks.mirror_sql import json_ready

DEADLINE = timedelta(days=30)
REDACTED_BODY = b'{"redacted":true}'
CUSTOMER_PII = dict.fromkeys(
    ("email", "first_name", "last_name", "phone", "note", "city", "zip", "latitude", "longitude")
)
# Kept tables when a shop is redacted: the log itself, and the shop row (its tokens wiped).
SHOP_REDACT_KEEPS = {"shops", "compliance_requests", "webhook_deliveries"}


def log_request(
    session: Session,
    shop: Shop,
    *,
    topic: str,
    webhook_id: str,
    received_at: datetime,
    customer_shopify_id: int | None = None,
    shopify_request_id: int | None = None,
) -> ComplianceRequest:
    """The request's log row (created once per delivery, however often it is replayed)."""
    statement = (
        dialect_insert(session)(ComplianceRequest)
        .values(
            shop_id=shop.id,
            shop_domain=shop.domain,
            topic=topic,
            webhook_id=webhook_id,
            customer_shopify_id=customer_shopify_id,
            shopify_request_id=shopify_request_id,
            received_at=received_at,
            deadline_at=received_at + DEADLINE,
            status="received",
            summary={},
        )
        .on_conflict_do_nothing(index_elements=["shop_domain", "webhook_id"])
    )
    session.execute(statement)
    return session.scalars(
        select(ComplianceRequest).where(
            ComplianceRequest.shop_domain == shop.domain, ComplianceRequest.webhook_id == webhook_id
        )
    ).one()


def find_customer_id(
    session: Session, shop_id: int, customer_id: int | None, email: str | None
) -> int | None:
    """Shopify's id of the customer; by email when the request carries only that."""
    if customer_id is not None:
        return customer_id
    if not email:
        return None
    return session.scalar(
        select(Customer.shopify_id).where(Customer.shop_id == shop_id, Customer.email == email).limit(1)
    )


def _row(model_row: Any, table: Table) -> dict[str, Any]:
    return {column.name: json_ready(getattr(model_row, column.key)) for column in table.columns}


def _customer_tables() -> list[Table]:
    """Every table holding rows about a customer by Shopify id (other areas' included)."""
    skip = {"dirty_customers", "customer_data_exports", "compliance_requests", "orders", "checkouts"}
    return [
        table
        for table in Base.metadata.sorted_tables
        if "shop_id" in table.c and "customer_shopify_id" in table.c and table.name not in skip
    ]


def export_customer(
    session: Session, shop_id: int, customer_id: int, order_ids: list[int], email: str | None
) -> dict[str, Any]:
    """Everything Orbit holds on the customer, as JSON-ready rows per table."""
    customers = session.scalars(
        select(Customer).where(Customer.shop_id == shop_id, Customer.shopify_id == customer_id)
    ).all()
    orders = session.scalars(
        select(Order).where(
            Order.shop_id == shop_id,
            or_(Order.customer_shopify_id == customer_id, Order.shopify_id.in_(order_ids)),
        )
    ).all()
    order_shopify_ids = [order.shopify_id for order in orders]
    checkout_match = Checkout.customer_shopify_id == customer_id
    if email:
        checkout_match = or_(checkout_match, Checkout.email == email)
    content: dict[str, Any] = {
        "customers": [_row(c, Customer.__table__) for c in customers],
        "orders": [_row(o, Order.__table__) for o in orders],
        "order_lines": [
            _row(line, OrderLine.__table__)
            for line in session.scalars(
                select(OrderLine).where(OrderLine.order_id.in_([o.id for o in orders]))
            )
        ],
        "refunds": [
            _row(r, Refund.__table__)
            for r in session.scalars(
                select(Refund).where(
                    Refund.shop_id == shop_id, Refund.order_shopify_id.in_(order_shopify_ids)
                )
            )
        ],
        "checkouts": [
            _row(c, Checkout.__table__)
            for c in session.scalars(select(Checkout).where(Checkout.shop_id == shop_id, checkout_match))
        ],
    }
    for table in _customer_tables():
        rows = session.execute(
            select(table).where(table.c.shop_id == shop_id, table.c.customer_shopify_id == customer_id)
        ).mappings()
        content[table.name] = [{key: json_ready(value) for key, value in row.items()} for row in rows]
    return content


def redact_customer(
    session: Session, shop_id: int, customer_id: int, order_ids: list[int], email: str | None, at: datetime
) -> dict[str, int]:
    """Erase the customer's personal data; orders, lines and refunds stay as anonymous figures."""
    summary: dict[str, int] = {}
    result = session.execute(
        update(Customer)
        .where(Customer.shop_id == shop_id, Customer.shopify_id == customer_id)
        .values(**CUSTOMER_PII, redacted_at=at)
    )
    summary["customers"] = result.rowcount
    result = session.execute(
        update(Order)
        .where(
            Order.shop_id == shop_id,
            or_(Order.customer_shopify_id == customer_id, Order.shopify_id.in_(order_ids)),
        )
        .values(email=None, browser_ip=None, note_attributes=[])
    )
    summary["orders"] = result.rowcount
    checkout_match = Checkout.customer_shopify_id == customer_id
    if email:
        checkout_match = or_(checkout_match, Checkout.email == email)
    # A tombstone as well: a late checkouts/update must not bring the email back.
    result = session.execute(
        update(Checkout)
        .where(Checkout.shop_id == shop_id, checkout_match)
        .values(email=None, abandoned_checkout_url=None, deleted_at=at)
    )
    summary["checkouts"] = result.rowcount
    result = session.execute(
        delete(CustomerDataExport).where(
            CustomerDataExport.shop_id == shop_id, CustomerDataExport.customer_shopify_id == customer_id
        )
    )
    summary["exports"] = result.rowcount
    summary["webhook_bodies"] = _scrub_bodies(session, shop_id, [str(customer_id), email])
    mark_dirty(session, shop_id, [customer_id])
    return summary


def _scrub_bodies(session: Session, shop_id: int, needles: list[str | None]) -> int:
    """Replace applied webhook bodies that mention the customer (pending ones still need applying)."""
    if session.get_bind().dialect.name == "postgresql":
        body = func.convert_from(WebhookDelivery.payload, "UTF8")
    else:
        body = cast(WebhookDelivery.payload, String)
    mentions = [body.contains(needle, autoescape=True) for needle in needles if needle]
    if not mentions:
        return 0
    result = session.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.shop_id == shop_id,
            WebhookDelivery.status.in_(("processed", "ignored", "dead")),
            or_(*mentions),
        )
        .values(payload=REDACTED_BODY)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def redact_shop(session: Session, shop: Shop, keep_delivery_id: int) -> dict[str, int]:
    """Delete every row of the shop; keep the compliance log, this delivery and a token-less shop row."""
    summary: dict[str, int] = {}
    for table in reversed(Base.metadata.sorted_tables):
        if "shop_id" not in table.c or table.name in SHOP_REDACT_KEEPS:
            continue
        summary[table.name] = session.execute(delete(table).where(table.c.shop_id == shop.id)).rowcount
    summary["webhook_deliveries"] = session.execute(
        delete(WebhookDelivery)
        .where(WebhookDelivery.shop_id == shop.id, WebhookDelivery.id != keep_delivery_id)
        .execution_options(synchronize_session=False)
    ).rowcount
    shop.access_token_enc = shop.refresh_token_enc = None
    shop.access_token_expires_at = shop.refresh_token_expires_at = None
    shop.name = None
    shop.settings = {}
    shop.state = "uninstalled"
    return {name: count for name, count in summary.items() if count}
