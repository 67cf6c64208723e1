"""Drain throughput: webhook deliveries applied per second by jobs.drain.drain_shop, in process,
on SQLite (and on PostgreSQL when DATABASE_URL is set). Issue 3's goal: >= 3,000/s.

The mix is what a store sends: per order created, a customer update, the order's create and
paid/updated bodies (full orders with 2 lines), and now and then a product update and a refund.
Prints deliveries/s for the whole drain (including the per-delivery savepoints, the status
bookkeeping and the dirty marks), and the outcome counts.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography.fernet import Fernet
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app, db  # noqa: E402
from app.db import normalise_database_url  # noqa: E402
from app.models import Shop  # noqa: E402
from webhooks.store import IncomingDelivery, record_delivery  # noqa: E402

ORDERS = int(os.environ.get("DRAIN_BENCH_ORDERS", "4000"))
FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "webhooks"
T0 = datetime(2026, 11, 1, tzinfo=UTC)


def bodies() -> list[tuple[str, bytes]]:
    customer = json.loads((FIXTURES / "customers_create.json").read_text())
    order = json.loads((FIXTURES / "order.json").read_text())
    product = json.loads((FIXTURES / "product.json").read_text())
    refund = json.loads((FIXTURES / "refund.json").read_text())
    out: list[tuple[str, bytes]] = []
    for n in range(ORDERS):
        customer_id, order_id = 50_000 + n % 1500, 900_000 + n
        stamp = (T0 + timedelta(seconds=n)).isoformat()
        c = dict(customer, id=customer_id, admin_graphql_api_id=None, updated_at=stamp)
        lines = [
            dict(line, id=order_id * 10 + k, admin_graphql_api_id=None)
            for k, line in enumerate(order["line_items"])
        ]
        o = dict(order, id=order_id, admin_graphql_api_id=None, updated_at=stamp, line_items=lines)
        o["customer"] = dict(order["customer"], id=customer_id, admin_graphql_api_id=None)
        out += [
            ("customers/update", c),
            ("orders/create", o),
            ("orders/paid", dict(o, financial_status="paid")),
        ]
        if n % 10 == 0:
            out.append(
                (
                    "products/update",
                    dict(product, id=70_000 + n % 50, admin_graphql_api_id=None, updated_at=stamp),
                )
            )
        if n % 8 == 0:
            out.append(
                ("refunds/create", dict(refund, id=800_000 + n, admin_graphql_api_id=None, order_id=order_id))
            )
    return [(topic, json.dumps(body).encode()) for topic, body in out]


def database() -> tuple[str, callable]:
    configured = os.environ.get("DATABASE_URL")
    if not configured:
        folder = tempfile.mkdtemp()
        return f"sqlite:///{folder}/bench.db", lambda: None
    server = make_url(normalise_database_url(configured))
    name = f"orbit_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    return server.set(database=name).render_as_string(hide_password=False), drop


def main() -> None:
    url, drop = database()
    instance = tempfile.mkdtemp()
    app = create_app(
        {
            "DATABASE_URL": url,
            "SHOPIFY_API_KEY": "bench",
            "SHOPIFY_API_SECRET": "bench-secret",
            "ORBIT_ENCRYPTION_KEY": Fernet.generate_key().decode(),
            "ORBIT_INSTANCE_PATH": instance,
            "EMBEDDED_REDIS_PATH": f"{instance}/redis.db",
        }
    )
    # A worker imports these at start (app/cli.py start_tickers); the drain's hook after the last
    # batch would otherwise pay their first import (scipy, ~0.5 s) inside the measured time.
    from jobs import analytics, recommendations  # noqa: F401
    from jobs.drain import drain_shop

    try:
        deliveries = bodies()
        with app.app_context():
            with db.transaction() as session:
                shop = Shop(domain="bench.myshopify.com", installed_at=T0)
                session.add(shop)
                session.flush()
                shop_id = shop.id
                for n, (topic, raw) in enumerate(deliveries):
                    record_delivery(
                        session,
                        IncomingDelivery(
                            shop_id, f"wh-{n}", topic, "2026-10", None, T0 + timedelta(milliseconds=n), raw
                        ),
                    )
            started, cpu_started = time.perf_counter(), time.process_time()
            totals = drain_shop(shop_id)
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        backend = make_url(url).get_backend_name()
        print(
            f"drain {backend}: {len(deliveries)} deliveries in {elapsed:.2f} s = "
            f"{len(deliveries) / elapsed:,.0f} deliveries/s wall; this process used {cpu:.2f} s CPU = "
            f"{len(deliveries) / cpu:,.0f} deliveries per CPU-second; load average {os.getloadavg()[0]:.1f}; "
            f"outcomes {totals}"
        )
    finally:
        app.extensions["db_engine"].dispose()
        drop()


if __name__ == "__main__":
    main()
