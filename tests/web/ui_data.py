"""Mirrored rows for the UI API tests, written through the models into the run's real database
(the pipeline that fills them in production is tested on its own)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from app import db
from app.models import Checkout, Customer, Order, OrderLine, Refund, Shop
from tests.conftest import DEMO_SHOP


def install(client, shopify, shop: str = DEMO_SHOP) -> dict[str, str]:
    """Install the shop through the API (token exchange) and return its request headers."""
    headers = shopify.bearer(shopify.session_token(shop))
    assert client.get("/api/settings", headers=headers).status_code == 200
    return headers


def shop_id(app, domain: str = DEMO_SHOP) -> int:
    with app.app_context():
        return db.request_session().scalars(select(Shop.id).where(Shop.domain == domain)).one()


NOW = datetime.now(UTC)


def add_customer(session, shop: int, shopify_id: int, first: str, last: str, email: str, tags=()):
    session.add(
        Customer(
            shop_id=shop,
            shopify_id=shopify_id,
            first_name=first,
            last_name=last,
            email=email,
            tags=list(tags),
            shopify_created_at=NOW - timedelta(days=200),
        )
    )


def add_order(session, shop: int, shopify_id: int, customer: int | None, days_ago: int, total: str, **extra):
    order = Order(
        shop_id=shop,
        shopify_id=shopify_id,
        customer_shopify_id=customer,
        name=f"#{shopify_id}",
        currency="USD",
        financial_status="paid",
        subtotal_price=Decimal(total),
        total_discounts=Decimal(0),
        total_tax=Decimal(0),
        total_price=Decimal(total),
        processed_at=NOW - timedelta(days=days_ago),
        **extra,
    )
    order.lines.append(
        OrderLine(
            shop_id=shop, shopify_id=shopify_id * 10, title="Beard oil", quantity=1, price=Decimal(total),
            total_discount=Decimal(0),
        )
    )  # fmt: skip
    session.add(order)


def seed_small_store(app, shop: int) -> None:
    """Three customers: Anna buys twice via Google ads (one refund), Ben once via Instagram,
    Cleo never (an abandoned checkout); plus a stranger's abandoned checkout."""
    with app.app_context():
        session = db.request_session()
        add_customer(session, shop, 101, "Anna", "Berg", "anna@example.com", ["vip", "wholesale"])
        add_customer(session, shop, 102, "Ben", "Cole", "ben@example.com")
        add_customer(session, shop, 103, "Cleo", "Dunn", "cleo@example.com", ["newsletter"])
        google = "/?utm_source=google&utm_medium=cpc&utm_campaign=x"
        add_order(session, shop, 9001, 101, 40, "100.00", landing_site=google)
        add_order(session, shop, 9002, 101, 10, "50.00", source_name="web")
        add_order(session, shop, 9003, 102, 5, "30.00", referring_site="https://l.instagram.com/")
        add_order(session, shop, 9004, 102, 4, "999.00", test=True)
        session.add(
            Refund(shop_id=shop, shopify_id=7001, order_shopify_id=9001, amount=Decimal("20.00"),
                   processed_at=NOW - timedelta(days=39))
        )  # fmt: skip
        for shopify_id, email, customer in ((5001, "cleo@example.com", 103), (5002, "zed@example.com", None)):
            session.add(
                Checkout(shop_id=shop, shopify_id=shopify_id, email=email, customer_shopify_id=customer,
                         currency="USD", total_price=Decimal("45.00"), line_items=[{"title": "Razor"}],
                         referring_site="https://www.google.com/", shopify_created_at=NOW - timedelta(days=2))
            )  # fmt: skip
        session.commit()
