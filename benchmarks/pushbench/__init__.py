"""Shared set-up for the push benchmarks: a devstore on a real port with a shop of plain
customers, the app on a throw-away SQLite database installed into it by token exchange, and
the throttle configured through `POST /_devstore/throttle`. Not a benchmark itself (make bench
runs only benchmarks/*.py)."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from cryptography.fernet import Fernet
from sqlalchemy import select

from app import create_app, db
from app.models import Shop
from app.push.sync import PushReport, push_tags
from app.shopify.client import AdminClient
from devstore.state import DevstoreConfig
from devstore.store import Shop as DevShop
from devstore.store import Store
from devstore.testing import DevstoreServer

CLIENT_ID = "orbit-bench-client-id"
CLIENT_SECRET = "orbit-bench-client-secret-0123456789abcdef"
SHOP = "push-bench.myshopify.com"


def plain_shop(customers: int) -> DevShop:
    shop = DevShop(domain=SHOP, id=4242, name="Push bench", email=f"owner@{SHOP}")
    for index in range(customers):
        customer_id = shop.next_id()
        shop.customers[customer_id] = {
            "id": customer_id,
            "email": f"c{index}@example.com",
            "state": "enabled",
            "tags": "newsletter, wholesale",
            "created_at": "2026-01-01T00:00:00Z",
            "updated_at": "2026-01-01T00:00:00Z",
        }
    return shop


@dataclass
class Bench:
    app: object
    devstore: DevstoreServer
    shop_id: int

    @property
    def customer_ids(self) -> list[int]:
        return sorted(self.devstore.store.get(SHOP).customers)

    def throttle(self, restore_rate: float, bucket_size: float) -> None:
        body = {"restore_rate": restore_rate, "bucket_size": bucket_size}
        httpx.post(f"{self.devstore.url}/_devstore/throttle", json=body, timeout=10).raise_for_status()

    def push(self, desired: dict[int, set[str]], **kwargs) -> tuple[PushReport, AdminClient, float]:
        with self.app.app_context():
            client = AdminClient(None, SHOP)
            started = time.monotonic()
            report = push_tags(self.shop_id, desired, client=client, **kwargs)
            return report, client, time.monotonic() - started


@contextmanager
def bench_setup(customers: int) -> Iterator[Bench]:
    store = Store()
    store.add_shop(plain_shop(customers))
    config = DevstoreConfig(
        host="127.0.0.1",
        port=0,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        app_url="http://127.0.0.1:9",
    )
    config.scopes = ("read_customers", "write_customers")
    with tempfile.TemporaryDirectory() as instance, DevstoreServer(config, store) as devstore:
        app = create_app(
            {
                "DATABASE_URL": f"sqlite:///{Path(instance) / 'bench.db'}",
                "SHOPIFY_API_KEY": CLIENT_ID,
                "SHOPIFY_API_SECRET": CLIENT_SECRET,
                "SHOPIFY_APP_URL": "http://orbit.bench",
                "SHOPIFY_DEVSTORE_URL": devstore.url,
                "ORBIT_ENCRYPTION_KEY": Fernet.generate_key().decode(),
                "ORBIT_INSTANCE_PATH": instance,
            }
        )
        token = devstore.session_token(SHOP)
        response = app.test_client().get("/", query_string={"shop": SHOP, "id_token": token})
        if response.status_code != 200:
            raise SystemExit(f"install failed: {response.status_code}")
        with app.app_context(), db.transaction() as session:
            shop_id = session.scalars(select(Shop.id).where(Shop.domain == SHOP)).one()
        yield Bench(app, devstore, shop_id)
        app.extensions["db_engine"].dispose()


def desired_tags(customer_ids: list[int], tags_per_customer: int, round_: int = 0) -> dict[int, set[str]]:
    """Every customer joins `tags_per_customer` segments (a fresh set each round)."""
    return {c: {f"r{round_}-seg{k}" for k in range(tags_per_customer)} for c in customer_ids}
