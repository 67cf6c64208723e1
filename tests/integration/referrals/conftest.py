"""Fixtures for referral tests: a fresh seeded devstore shop per test, installed with the
discount and store-credit scopes, the app live on a port so the devstore's webhooks reach it,
and helpers that drive the store through the devstore's change API (as Shopify would)."""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from app import db
from app.models import Shop
from app.referral_program.settings import validate
from devstore.changes import change_feed
from devstore.seed import make_demo_shop
from devstore.store import Shop as DevShop
from jobs.drain import drain_shop

REFERRAL_SCOPES = (
    "read_customers,write_customers,read_orders,read_products,write_discounts,"
    "read_store_credit_accounts,write_store_credit_account_transactions"
)


@pytest.fixture
def live_app(app, devstore):
    """The app under test on a real port, and the devstore delivering webhooks to it."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    previous = (devstore.config.app_url, devstore.config.webhook_retry_delays)
    devstore.config.app_url = f"http://127.0.0.1:{server.server_port}"
    devstore.config.webhook_retry_delays = (0.05, 0.1)
    try:
        yield devstore.config.app_url
    finally:
        devstore.config.app_url, devstore.config.webhook_retry_delays = previous
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@dataclass
class ReferralShop:
    app: Any
    devstore: Any
    domain: str
    shop_id: int
    dev: DevShop

    def change(self, **change: Any) -> dict[str, Any]:
        response = httpx.post(
            f"{self.devstore.url}/_devstore/shops/{self.domain}/changes", json=change, timeout=10
        )
        assert response.status_code == 200, response.text
        return response.json()["record"]

    def refused_change(self, **change: Any) -> str:
        response = httpx.post(
            f"{self.devstore.url}/_devstore/shops/{self.domain}/changes", json=change, timeout=10
        )
        assert response.status_code == 400, response.text
        return response.json()["errors"]

    def sync(self) -> None:
        """Every webhook delivered and applied, as a worker would."""
        assert change_feed(self.devstore.state).wait_delivered(20)
        with self.app.app_context():
            drain_shop(self.shop_id)

    def settings(self, **overrides: Any) -> None:
        document = validate({"enabled": True, **overrides})
        with self.app.app_context(), db.transaction() as session:
            shop = session.get(Shop, self.shop_id)
            shop.settings = {**(shop.settings or {}), "referrals": document}

    def run(self, now: datetime | None = None) -> dict[str, int]:
        from jobs.referrals import run_referrals

        with self.app.app_context():
            return run_referrals(self.shop_id, now.isoformat() if now else None)

    def enrol(self, customer_id: int) -> dict[str, str]:
        from jobs.referrals import enrol_advocate

        with self.app.app_context():
            return enrol_advocate(self.shop_id, customer_id)

    def lines(self) -> list[dict[str, int]]:
        product = self.dev.products[min(self.dev.products)]
        return [{"variant_id": product["variants"][0]["id"], "quantity": 2}]

    def buyer(self) -> int:
        """A seeded customer with orders, given a fresh paid order through the change API."""
        customer_id = min(
            c
            for c in self.dev.customers
            if any((o.get("customer") or {}).get("id") == c for o in self.dev.orders.values())
        )
        self.change(kind="order.create", customer_id=customer_id, lines=self.lines())
        return customer_id

    def new_customer(self, email: str, first_name: str = "Friend") -> int:
        return self.change(kind="customer.create", first_name=first_name, last_name="Test", email=email)["id"]


def install_referral_shop(app, client, devstore) -> ReferralShop:
    domain = f"ref-{uuid.uuid4().hex[:10]}.myshopify.com"
    dev = devstore.store.add_shop(make_demo_shop(domain, customers=25, seed=11))
    # The merchant approved the discount and store-credit scopes when installing.
    devstore.state.credentials.install(domain, tuple(REFERRAL_SCOPES.split(",")))
    response = client.get("/", query_string={"shop": domain, "id_token": devstore.session_token(domain)})
    assert response.status_code == 200, response.text
    with app.app_context(), db.transaction() as session:
        shop_id = session.scalars(select(Shop.id).where(Shop.domain == domain)).one()
    return ReferralShop(app, devstore, domain, shop_id, dev)


@pytest.fixture
def referral_shop(app, client, devstore, live_app) -> ReferralShop:
    return install_referral_shop(app, client, devstore)
