"""Fixtures for push tests: a fresh devstore shop per test (so tag changes never leak into
other tests), installed into the app through the real token exchange."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from app import db
from app.models import Customer, Shop
from devstore.store import Shop as DevShop


def make_tag_shop(domain: str, customers: int, tags: str = "newsletter, wholesale") -> DevShop:
    """Customers only, each with two tags another app or the merchant put there."""
    shop = DevShop(domain=domain, id=abs(hash(domain)) % 10**9, name="Push Test", email=f"owner@{domain}")
    for index in range(customers):
        customer_id = shop.next_id()
        shop.customers[customer_id] = {
            "id": customer_id,
            "email": f"c{index}@example.com",
            "first_name": f"C{index}",
            "last_name": "Test",
            "state": "enabled",
            "tags": tags,
            "created_at": "2026-01-01T00:00:00Z",
            "updated_at": "2026-01-01T00:00:00Z",
        }
    return shop


@dataclass
class PushShop:
    domain: str
    shop_id: int
    dev: DevShop

    @property
    def customer_ids(self) -> list[int]:
        return sorted(self.dev.customers)

    def tags(self, customer_id: int) -> list[str]:
        raw = self.dev.customers[customer_id].get("tags") or ""
        return [t.strip() for t in raw.split(",") if t.strip()]

    def mirror(self, app, customer_ids=None) -> None:
        """Put the devstore's customers into Orbit's mirror, as the webhook handlers would."""
        with app.app_context(), db.transaction() as session:
            for customer_id in customer_ids or self.customer_ids:
                exists = session.scalars(
                    select(Customer).where(
                        Customer.shop_id == self.shop_id, Customer.shopify_id == customer_id
                    )
                ).first()
                if exists is None:
                    session.add(
                        Customer(shop_id=self.shop_id, shopify_id=customer_id, tags=self.tags(customer_id))
                    )
                else:
                    exists.tags = self.tags(customer_id)


def install_shop(app, client, devstore, customers: int) -> PushShop:
    domain = f"push-{uuid.uuid4().hex[:10]}.myshopify.com"
    dev = devstore.store.add_shop(make_tag_shop(domain, customers))
    token = devstore.session_token(domain)
    response = client.get("/", query_string={"shop": domain, "id_token": token})
    assert response.status_code == 200, response.text
    with app.app_context(), db.transaction() as session:
        shop_id = session.scalars(select(Shop.id).where(Shop.domain == domain)).one()
    return PushShop(domain, shop_id, dev)


@pytest.fixture
def push_shop(app, client, devstore) -> PushShop:
    return install_shop(app, client, devstore, customers=12)
