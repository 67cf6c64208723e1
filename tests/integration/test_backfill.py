"""Backfill over real HTTP: bulk queries on the devstore, JSONL streamed into the upserts, rows
equal to the devstore's records field by field, progress in job_runs, and a worker killed in
the middle of the apply resumes from its checkpoint without losing or double-counting a row."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import func, select

from app import db
from app.models import Checkout, Customer, JobRun, Order, OrderLine, Refund, Shop
from devstore.bulk import bulk_operations
from devstore.changes import change_feed
from devstore.seed import make_demo_shop
from devstore.state import DevstoreConfig
from devstore.store import Store
from devstore.testing import DevstoreServer
from jobs.backfill import resume_backfill, run_backfill
from jobs.reconcile import reconcile_shop
from tests.conftest import APP_URL, CLIENT_ID, CLIENT_SECRET, DEMO_SHOP
from tests.integration.pipeline_compare import compare_customers, compare_orders, compare_products


@pytest.fixture(scope="module")
def devstore_store() -> Store:
    store = Store()
    store.add_shop(make_demo_shop(DEMO_SHOP, customers=80, seed=21))
    return store


@pytest.fixture(scope="module")
def devstore(devstore_store: Store) -> Iterator[DevstoreServer]:
    """A devstore of this module's own: its bulk operations touch no other test's shop."""
    config = DevstoreConfig(
        port=0,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        app_url=APP_URL,
        scopes="read_customers,write_customers,read_orders,read_products",
        restore_rate=10_000,
        webhook_subscriptions={},  # the tests resume the backfill themselves
    )
    with DevstoreServer(config, devstore_store) as server:
        yield server


def install(app, client, shopify) -> int:
    response = client.get("/", query_string={"shop": DEMO_SHOP, "id_token": shopify.session_token(DEMO_SHOP)})
    assert response.status_code == 200
    with app.app_context():
        return db.request_session().scalar(select(Shop.id).where(Shop.domain == DEMO_SHOP))


def finish(app, run_id: int, timeout: float = 30) -> str:
    deadline = time.monotonic() + timeout
    with app.app_context():
        while time.monotonic() < deadline:
            status = resume_backfill(run_id)
            if status != "running":
                return status
            time.sleep(0.1)
    raise AssertionError("backfill did not finish")


def count(app, model) -> int:
    with app.app_context():
        return db.request_session().scalar(select(func.count()).select_from(model))


def test_backfill_mirrors_the_store_field_by_field(app, client, shopify, devstore):
    shop_id = install(app, client, shopify)
    with app.app_context():
        run_id = run_backfill(shop_id)
    assert finish(app, run_id) == "succeeded"

    store_shop = devstore.store.get(DEMO_SHOP)
    with app.app_context():
        session = db.request_session()
        assert compare_customers(session, shop_id, store_shop) == []
        # A bulk order carries no discount amounts, line discounts or refund lines (GraphQL's limits).
        assert compare_orders(session, shop_id, store_shop, detailed_ids=set()) == []
        assert compare_products(session, shop_id, store_shop) == []
        run = session.get(JobRun, run_id)
        objects = sum(len(store_shop.resource(r)) for r in ("customers", "orders", "products", "checkouts"))
        assert (run.status, run.progress_done, run.progress_total) == ("succeeded", objects, objects)
        assert run.finished_at is not None and run.checkpoint["reconciled_until"]
    assert count(app, Checkout) == len(store_shop.checkouts)
    assert count(app, OrderLine) == sum(len(o["line_items"]) for o in store_shop.orders.values())
    assert count(app, Refund) == sum(len(o["refunds"]) for o in store_shop.orders.values())

    # Running it again changes nothing: same rows, same values.
    with app.app_context():
        again = run_backfill(shop_id)
    assert again != run_id and finish(app, again) == "succeeded"
    assert count(app, Customer) == len(store_shop.customers)
    assert count(app, Order) == len(store_shop.orders)
    with app.app_context():
        assert compare_orders(db.request_session(), shop_id, store_shop, detailed_ids=set()) == []


def apply_in_child(app, run_id: int) -> None:
    """The work horse: resume the backfill in a forked process (killed by the test)."""
    app.extensions["db_engine"].dispose(close=False)
    with app.app_context():
        resume_backfill(run_id)
    os._exit(0)


def test_a_worker_killed_mid_apply_resumes_without_loss_or_double_count(app, client, shopify, devstore):
    shop_id = install(app, client, shopify)
    app.config["BACKFILL_CHUNK_OBJECTS"] = 10
    settings = f"{devstore.url}/_devstore/bulk/settings"
    httpx.post(settings, json={"line_delay": 0.005}, timeout=5)
    try:
        with app.app_context():
            run_id = run_backfill(shop_id)  # starts the operations, still running when it returns
        httpx.post(settings, json={"line_delay": 0, "serve_delay": 0.01}, timeout=5)
        registry = bulk_operations(devstore.state)
        while not all(op.finished for op in registry.operations.values()):
            time.sleep(0.05)
        child = multiprocessing.get_context("fork").Process(target=apply_in_child, args=(app, run_id))
        child.start()
        deadline = time.monotonic() + 20
        done = 0
        while time.monotonic() < deadline and done < 30:
            with app.app_context():
                done = db.request_session().get(JobRun, run_id).progress_done or 0
                db.request_session().close()
            time.sleep(0.02)
        os.kill(child.pid, signal.SIGKILL)
        child.join(5)
    finally:
        httpx.post(settings, json={"line_delay": 0, "serve_delay": 0}, timeout=5)
    store_shop = devstore.store.get(DEMO_SHOP)
    total = sum(len(store_shop.resource(r)) for r in ("customers", "orders", "products", "checkouts"))
    with app.app_context():
        killed_at = db.request_session().get(JobRun, run_id)
        assert killed_at.status == "running"
        assert 30 <= killed_at.progress_done < total  # it really died in the middle

    assert finish(app, run_id) == "succeeded"
    with app.app_context():
        session = db.request_session()
        run = session.get(JobRun, run_id)
        assert run.progress_done == run.progress_total == total
        assert compare_customers(session, shop_id, store_shop) == []
        assert compare_orders(session, shop_id, store_shop, detailed_ids=set()) == []
        assert compare_products(session, shop_id, store_shop) == []
    assert count(app, OrderLine) == sum(len(o["line_items"]) for o in store_shop.orders.values())


def test_reconciliation_catches_up_with_changes_no_webhook_reported(app, client, shopify, devstore):
    """This module's devstore subscribes the app to nothing: every change below is a webhook
    Orbit never got, and only reconciliation (updated_at since the backfill) brings it in."""
    shop_id = install(app, client, shopify)
    with app.app_context():
        run_id = run_backfill(shop_id)
    assert finish(app, run_id) == "succeeded"
    shop = devstore.store.get(DEMO_SHOP)
    feed = change_feed(devstore.state)
    variant = next(iter(shop.products.values()))["variants"][0]["id"]
    customer = feed.apply(
        shop, {"kind": "customer.create", "first_name": "Ann", "last_name": "Lee", "email": "a@x.io"}
    )
    feed.apply(shop, {"kind": "customer.update", "id": customer["id"], "note": "VIP", "state": "enabled"})
    order = feed.apply(
        shop, {"kind": "order.create", "customer_id": customer["id"], "lines": [{"variant_id": variant}]}
    )
    feed.apply(shop, {"kind": "order.refund", "id": order["id"]})
    open_order = next(
        o for o in shop.orders.values() if not o["cancelled_at"] and not o["fulfillment_status"]
    )
    feed.apply(shop, {"kind": "order.fulfil", "id": open_order["id"]})
    feed.apply(
        shop,
        {"kind": "product.update", "id": next(iter(shop.products)), "price": "99.00", "title": "Renamed"},
    )
    with app.app_context():
        session = db.request_session()
        assert compare_customers(session, shop_id, shop) != []  # Orbit is behind

    with app.app_context():
        counts = reconcile_shop(shop_id)
    assert (
        counts["customers_applied"] >= 1 and counts["orders_applied"] >= 2 and counts["products_applied"] >= 1
    )
    with app.app_context():
        session = db.request_session()
        assert compare_customers(session, shop_id, shop) == []
        assert compare_orders(session, shop_id, shop, detailed_ids=set()) == []
        assert compare_products(session, shop_id, shop) == []
        refund = session.scalars(select(Refund).where(Refund.order_shopify_id == order["id"])).one()
        # The paged query (unlike a bulk one) carries the refund's lines.
        assert [line["line_item_shopify_id"] for line in refund.line_items] == [order["line_items"][0]["id"]]
        run = session.scalars(select(JobRun).where(JobRun.kind == "reconcile")).one()
        assert run.status == "succeeded" and run.checkpoint["until"]
    with app.app_context():
        again = reconcile_shop(shop_id)  # the next window starts where this one ended
    assert again.get("customers_applied", 0) <= counts["customers_applied"]
