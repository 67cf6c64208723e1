"""A real worker process killed with SIGKILL in the middle of a drain loses nothing and applies
nothing twice: the rerun leaves every delivery processed exactly once with its effects."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

from rq import SimpleWorker
from rq.serializers import JSONSerializer
from sqlalchemy import func, select

from app import db
from app.models import Order, OrderLine, Shop, WebhookDelivery
from app.queues import all_queues
from app.redis_conn import redis
from jobs.drain import BATCH_SIZE, DRAIN_LOCK
from jobs.sweeper import sweep
from tests.conftest import CLIENT_ID, CLIENT_SECRET
from tests.integration.pipeline_helpers import fixture
from webhooks.drain_queue import request_drain
from webhooks.store import IncomingDelivery, record_delivery

DELIVERIES = 6 * BATCH_SIZE
# A worker process of its own, as `flask --app app worker` builds it, but an RQ SimpleWorker: the
# drain runs in this very process (a forking worker's horse leaves the process group on fork).
WORKER_PROCESS = """
from rq import SimpleWorker
from rq.serializers import JSONSerializer
from app import create_app
from app.queues import all_queues
from app.redis_conn import redis
from jobs.context import set_worker_app

app = create_app({"RUN_MIGRATIONS_ON_START": False})
set_worker_app(app)
with app.app_context():
    SimpleWorker(all_queues(), connection=redis(), serializer=JSONSerializer).work(burst=True)
"""
T0 = datetime(2026, 11, 30, 12, tzinfo=UTC)


def order_body(template: dict, n: int) -> bytes:
    order_id = 10_000 + n
    body = dict(template, id=order_id, admin_graphql_api_id=f"gid://shopify/Order/{order_id}", name=f"#{n}")
    body["line_items"] = [
        dict(line, id=order_id * 10 + k, admin_graphql_api_id=None)
        for k, line in enumerate(template["line_items"])
    ]
    return json.dumps(body).encode()


def counts(app) -> dict[str, int]:
    with app.app_context(), db.transaction() as session:
        rows = session.execute(select(WebhookDelivery.status, func.count()).group_by(WebhookDelivery.status))
        return dict(rows.all())


def test_a_worker_killed_mid_drain_loses_nothing_and_applies_nothing_twice(
    app, database_url, redis_url, tmp_path
):
    template = fixture("order.json")
    with app.app_context(), db.transaction() as session:
        shop = Shop(domain="kill-test.myshopify.com", installed_at=T0)
        session.add(shop)
        session.flush()
        shop_id = shop.id
        for n in range(DELIVERIES):
            delivery = IncomingDelivery(
                shop_id,
                f"wh-{n}",
                "orders/create",
                "2026-10",
                None,
                T0 + timedelta(seconds=n),
                order_body(template, n),
            )
            record_delivery(session, delivery)
    with app.app_context():
        assert request_drain(shop_id)

    env = dict(
        os.environ,
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        SHOPIFY_API_KEY=CLIENT_ID,
        SHOPIFY_API_SECRET=CLIENT_SECRET,
        ORBIT_INSTANCE_PATH=str(tmp_path),
    )
    worker = subprocess.Popen(
        [sys.executable, "-c", WORKER_PROCESS],
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while counts(app).get("processed", 0) < BATCH_SIZE:  # at least one batch committed
            assert worker.poll() is None, "the worker finished before it could be killed"
            assert time.monotonic() < deadline, "the worker never committed a batch"
            time.sleep(0.02)
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=30)

    killed = counts(app)
    assert 0 < killed.get("processed", 0) < DELIVERIES, killed
    assert set(killed) <= {"processed", "pending"}  # the batch in flight rolled back whole
    with app.app_context(), db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Order)) == killed["processed"]

    with app.app_context():
        # The dead worker's lock would expire after its TTL; the sweeper then finds the rows.
        redis().delete(DRAIN_LOCK.format(shop_id=shop_id))
        assert sweep()["drains_queued"] == 1
        SimpleWorker(all_queues(), connection=redis(), serializer=JSONSerializer).work(burst=True)

    assert counts(app) == {"processed": DELIVERIES}
    with app.app_context(), db.transaction() as session:
        attempts = session.scalars(select(WebhookDelivery.attempts).distinct()).all()
        assert attempts == [1]  # every delivery applied once in committed state
        assert session.scalar(select(func.count()).select_from(Order)) == DELIVERIES
        lines = session.scalar(select(func.count()).select_from(OrderLine))
        assert lines == DELIVERIES * len(fixture("order.json")["line_items"])
