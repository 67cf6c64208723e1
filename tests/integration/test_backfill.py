"""Backfill over real HTTP: bulk queries on the devstore, JSONL streamed into the upserts, rows
equal to the devstore's records field by field, progress in job_runs, and a worker killed in
the middle of the apply resumes from its checkpoint without losing or double-counting a row;
the sweeper resumes a stalled run (and fails one that cannot resume); reconciliation brings in
what no webhook reported, orders with more line items than one page included."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
from rq import SimpleWorker
from rq.serializers import JSONSerializer
from sqlalchemy import func, select, update

from app import db
from app.models import Checkout, Customer, JobRun, Order, OrderLine, Product, Refund, Shop, utcnow
from app.queues import all_queues, queue
from app.redis_conn import redis
from devstore.bulk import bulk_operations
from devstore.changes import change_feed
from devstore.seed import make_demo_shop
from devstore.state import DevstoreConfig
from devstore.store import Store
from devstore.testing import DevstoreServer
from jobs.backfill import RESOURCES, resume_backfill, run_backfill
from jobs.reconcile import reconcile_shop
from jobs.sweeper import sweep
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


def mirrored_versions(app) -> dict[str, dict[int, tuple]]:
    """Per mirrored table, each row's Shopify id -> (when Orbit last wrote it, Shopify's
    updated_at, and what the changes below alter)."""
    with app.app_context():
        session = db.request_session()
        lines = dict(
            session.execute(
                select(Order.shopify_id, func.count(OrderLine.id))
                .join(OrderLine, OrderLine.order_id == Order.id)
                .group_by(Order.shopify_id)
            ).all()
        )
        versions = {
            "customers": {
                c.shopify_id: (c.updated_at, c.shopify_updated_at, c.note)
                for c in session.scalars(select(Customer))
            },
            "orders": {
                o.shopify_id: (
                    o.updated_at,
                    o.shopify_updated_at,
                    o.fulfillment_status,
                    lines.get(o.shopify_id),
                )
                for o in session.scalars(select(Order))
            },
            "products": {
                p.shopify_id: (p.updated_at, p.shopify_updated_at, p.title)
                for p in session.scalars(select(Product))
            },
            "checkouts": {
                c.shopify_id: (c.updated_at, c.shopify_updated_at) for c in session.scalars(select(Checkout))
            },
        }
        session.close()
    return versions


def written_rows(before: dict, after: dict) -> dict[str, set[int]]:
    """The Shopify ids of the rows written (or created) between two `mirrored_versions`."""
    return {
        kind: {shopify_id for shopify_id, version in rows.items() if before[kind].get(shopify_id) != version}
        for kind, rows in after.items()
    }


def without_write_times(versions: dict) -> dict:
    return {kind: {key: version[1:] for key, version in rows.items()} for kind, rows in versions.items()}


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
    # The killed work horse keeps the run's resume lock until it expires.
    app.config["BACKFILL_LOCK_TTL_SECONDS"] = 2
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
    before = mirrored_versions(app)

    with app.app_context():
        counts = reconcile_shop(shop_id)
    # Exactly the changed rows were read and applied, nothing else: the window starts at the backfill.
    assert counts == {
        "customers_read": 1,
        "customers_applied": 1,
        "orders_read": 2,
        "orders_applied": 2,
        "products_read": 1,
        "products_applied": 1,
    }
    after = mirrored_versions(app)
    product_id = next(iter(shop.products))
    assert written_rows(before, after) == {
        "customers": {customer["id"]},
        "orders": {order["id"], open_order["id"]},
        "products": {product_id},
        "checkouts": set(),
    }
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
    # Its overlap re-reads the same changes (and nothing older); applying them again changes no row.
    assert {k: v for k, v in again.items() if k.endswith("_read")} == {
        "customers_read": 1,
        "orders_read": 2,
        "products_read": 1,
    }
    assert without_write_times(mirrored_versions(app)) == without_write_times(after)


def age(app, run_id: int, minutes: int) -> None:
    """Make the run look untouched for `minutes` (its worker died; nothing touched it since)."""
    with app.app_context(), db.transaction() as session:
        session.execute(
            update(JobRun).where(JobRun.id == run_id).values(updated_at=utcnow() - timedelta(minutes=minutes))
        )


def work(app) -> None:
    with app.app_context():
        SimpleWorker(all_queues(), connection=redis(), serializer=JSONSerializer).work(burst=True)


def wait_for_operations(devstore) -> None:
    registry = bulk_operations(devstore.state)
    deadline = time.monotonic() + 30
    while not all(op.finished for op in registry.operations.values()):
        assert time.monotonic() < deadline, "bulk operations did not finish"
        time.sleep(0.05)


def test_the_sweeper_resumes_a_stalled_backfill_and_leaves_a_live_one_alone(app, client, shopify, devstore):
    shop_id = install(app, client, shopify)
    settings = f"{devstore.url}/_devstore/bulk/settings"
    httpx.post(settings, json={"line_delay": 0.002}, timeout=5)
    try:
        with app.app_context():
            run_id = run_backfill(shop_id)  # starts the operations; nothing will resume it
    finally:
        httpx.post(settings, json={"line_delay": 0}, timeout=5)
    wait_for_operations(devstore)  # their finish webhooks go nowhere: the resume job is lost
    with app.app_context():
        assert db.request_session().get(JobRun, run_id).status == "running"
        assert sweep()["backfills_resumed"] == 0  # touched a moment ago: someone may be at it
        assert queue("sync").count == 0

    age(app, run_id, minutes=20)
    with app.app_context():
        assert sweep()["backfills_resumed"] == 1
        assert queue("sync").job_ids == [f"backfill-resume-{run_id}"]
        assert sweep()["backfills_resumed"] == 0  # the try touched the run: no second job
    age(app, run_id, minutes=20)
    with app.app_context():
        assert sweep()["backfills_resumed"] == 1
        assert queue("sync").job_ids == [f"backfill-resume-{run_id}"]  # still one job
    work(app)

    store_shop = devstore.store.get(DEMO_SHOP)
    total = sum(len(store_shop.resource(r)) for r in ("customers", "orders", "products", "checkouts"))
    with app.app_context():
        session = db.request_session()
        run = session.get(JobRun, run_id)
        assert (run.status, run.progress_done, run.error) == ("succeeded", total, None)
        assert run.checkpoint["resume_attempts"] == 0
        assert compare_customers(session, shop_id, store_shop) == []
        assert compare_orders(session, shop_id, store_shop, detailed_ids=set()) == []
    age(app, run_id, minutes=20)
    with app.app_context():
        assert sweep()["backfills_resumed"] == 0  # finished runs are never touched again


def test_a_backfill_that_cannot_resume_fails_with_the_reason_after_its_tries(app, client, shopify, devstore):
    app.config["BACKFILL_MAX_RESUME_ATTEMPTS"] = 2
    shop_id = install(app, client, shopify)
    with app.app_context(), db.transaction() as session:
        # A run whose operation Shopify cannot look up: every resume raises.
        operations = {r: {"id": f"gid://shopify/BulkOperation/{r}", "line": 0} for r in RESOURCES}
        run = JobRun(
            shop_id=shop_id,
            kind="backfill",
            status="running",
            started_at=utcnow(),
            checkpoint={"operations": operations},
        )
        session.add(run)
        session.flush()
        run_id = run.id
    for attempt in (1, 2):
        age(app, run_id, minutes=20)
        with app.app_context():
            assert sweep()["backfills_resumed"] == 1
        work(app)  # the resume job fails
        with app.app_context():
            run = db.request_session().get(JobRun, run_id)
            assert (run.status, run.checkpoint["resume_attempts"]) == ("running", attempt)
            assert run.checkpoint["last_error"]
            db.request_session().close()
    age(app, run_id, minutes=20)
    with app.app_context():
        assert sweep() == {"shops_due": 0, "drains_queued": 0, "backfills_resumed": 0, "backfills_failed": 1}
        run = db.request_session().get(JobRun, run_id)
        assert run.status == "failed" and run.finished_at is not None
        assert run.error.startswith("backfill stalled: 2 resumes made no progress; last error: ")
        assert "BulkOperation" in run.error


def test_reconciliation_reads_every_page_of_a_large_orders_line_items(app, client, shopify, devstore):
    """The paged orders query carries 48 line items an order; a bigger order's other lines come
    page by page before it is applied, and the window still moves past it."""
    shop_id = install(app, client, shopify)
    with app.app_context():
        run_id = run_backfill(shop_id)
    assert finish(app, run_id) == "succeeded"
    shop = devstore.store.get(DEMO_SHOP)
    variants = [v["id"] for product in shop.products.values() for v in product["variants"]]
    lines = [{"variant_id": variants[n % len(variants)], "quantity": 1 + n % 3} for n in range(160)]
    order = change_feed(devstore.state).apply(shop, {"kind": "order.create", "lines": lines})
    assert len(order["line_items"]) == 160  # 48 in the order's page, then 100, then 12

    with app.app_context():
        counts = reconcile_shop(shop_id)
    # (The window's overlap may re-read orders the test above changed: each is applied too.)
    assert counts["orders_read"] == counts["orders_applied"] >= 1
    with app.app_context():
        session = db.request_session()
        stored = session.scalars(
            select(OrderLine)
            .join(Order, Order.id == OrderLine.order_id)
            .where(Order.shopify_id == order["id"])
            .order_by(OrderLine.id)
        ).all()
        assert [(line.shopify_id, line.quantity) for line in stored] == [
            (line["id"], line["quantity"]) for line in order["line_items"]
        ]
        assert compare_orders(session, shop_id, shop, detailed_ids=set()) == []
        run = session.scalars(select(JobRun).where(JobRun.kind == "reconcile")).one()
        assert run.status == "succeeded" and run.checkpoint["until"]
