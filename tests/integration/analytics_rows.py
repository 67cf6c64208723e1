"""Real rows for analytics tests: a devstore-seeded store written into the app's tables with
SQLAlchemy (what the webhook upserts would store), plus small builders for hand-made events."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from app.models import Checkout, Customer, Order, OrderLine, Product, Refund, Shop


def when(text: str | None) -> datetime | None:
    return None if not text else datetime.fromisoformat(text.replace("Z", "+00:00"))


def tag_list(value: Any) -> list[str]:
    if isinstance(value, list):
        return value
    return [tag.strip() for tag in (value or "").split(",") if tag.strip()]


def add_shop(session: Session, domain: str, settings: dict | None = None) -> Shop:
    shop = Shop(domain=domain, scopes="", settings=settings or {}, iana_timezone="UTC")
    session.add(shop)
    session.flush()
    return shop


def load_devstore_shop(session: Session, shop_id: int, store_shop) -> None:
    customers = []
    for c in store_shop.customers.values():
        address = c.get("default_address") or {}
        consent = (c.get("email_marketing_consent") or {}).get("state")
        customers.append(
            dict(
                shop_id=shop_id, shopify_id=c["id"], email=c.get("email"), tags=tag_list(c.get("tags")),
                email_marketing_state=consent.upper() if consent else None,
                country_code=address.get("country_code"), latitude=address.get("latitude"),
                longitude=address.get("longitude"), shopify_created_at=when(c.get("created_at")),
            )
        )  # fmt: skip
    session.execute(insert(Customer), customers)
    products = [
        dict(shop_id=shop_id, shopify_id=p["id"], title=p["title"], product_type=p.get("product_type"),
             tags=tag_list(p.get("tags")), status="active")
        for p in store_shop.products.values()
    ]  # fmt: skip
    session.execute(insert(Product), products)
    for o in store_shop.orders.values():
        add_order(session, shop_id, o)
    checkouts = [
        dict(shop_id=shop_id, shopify_id=k["id"], customer_shopify_id=(k.get("customer") or {}).get("id"),
             total_price=Decimal(k["total_price"]), completed_at=when(k.get("completed_at")),
             shopify_created_at=when(k.get("created_at")))
        for k in store_shop.checkouts.values()
    ]  # fmt: skip
    if checkouts:
        session.execute(insert(Checkout), checkouts)


def add_order(session: Session, shop_id: int, o: dict[str, Any]) -> int:
    order = Order(
        shop_id=shop_id, shopify_id=o["id"], customer_shopify_id=(o.get("customer") or {}).get("id"),
        financial_status=o.get("financial_status"), subtotal_price=Decimal(o["subtotal_price"]),
        total_discounts=Decimal(o["total_discounts"]), total_tax=Decimal(o.get("total_tax") or 0),
        total_price=Decimal(o["total_price"]), source_name=o.get("source_name"), test=bool(o.get("test")),
        cancelled_at=when(o.get("cancelled_at")), processed_at=when(o.get("processed_at")),
        shopify_created_at=when(o.get("created_at")), discount_codes=o.get("discount_codes") or [],
    )  # fmt: skip
    session.add(order)
    session.flush()
    lines = [
        dict(shop_id=shop_id, order_id=order.id, shopify_id=line["id"],
             product_shopify_id=line.get("product_id"), title=line.get("title"),
             quantity=line["quantity"], price=Decimal(line["price"]),
             total_discount=Decimal(line.get("total_discount") or 0))
        for line in o.get("line_items") or []
    ]  # fmt: skip
    if lines:
        session.execute(insert(OrderLine), lines)
    refunds = [
        dict(shop_id=shop_id, shopify_id=r["id"], order_shopify_id=o["id"], amount=refund_amount(r),
             processed_at=when(r.get("processed_at") or r.get("created_at")))
        for r in o.get("refunds") or []
    ]  # fmt: skip
    if refunds:
        session.execute(insert(Refund), refunds)
    return order.id


def refund_amount(refund: dict[str, Any]) -> Decimal:
    total = sum(
        (Decimal(t["amount"]) for t in refund.get("transactions") or [] if t.get("kind") == "refund"),
        Decimal(0),
    )
    return total
