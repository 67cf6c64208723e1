"""The queue on a real Redis: intake coalesces drains per shop, a worker applies them, and
/health reports database, Redis and worker state; a long-running worker starts its periodic
tickers, and `flask sync reconcile` queues one reconciliation."""

from __future__ import annotations

import threading
import time

from alembic.script import ScriptDirectory
from rq import SimpleWorker, Worker
from rq.job import Job
from rq.serializers import JSONSerializer
from sqlalchemy import select

from app import db
from app.cli import start_tickers
from app.migrate import alembic_config
from app.models import Shop, WebhookDelivery
from app.queues import all_queues, queue
from app.redis_conn import redis
from tests.conftest import DEMO_SHOP
from tests.helpers import json_body


def install(client, shopify):
    assert (
        client.get(
            "/", query_string={"shop": DEMO_SHOP, "id_token": shopify.session_token(DEMO_SHOP)}
        ).status_code
        == 200
    )


def post_scopes_update(client, shopify, n):
    body = json_body({"id": n, "previous": ["read_orders"], "current": ["read_orders", f"read_scope_{n}"]})
    headers = shopify.webhook_headers(
        "app/scopes_update", DEMO_SHOP, body, triggered_at=f"2026-11-30T12:00:{n:02d}.000000Z"
    )
    assert client.post("/webhooks/app", data=body, headers=headers).status_code == 200


def test_a_burst_of_webhooks_makes_one_drain_job_and_a_worker_applies_them_in_order(app, client, shopify):
    install(client, shopify)
    for n in range(30):
        post_scopes_update(client, shopify, n)
    with app.app_context():
        assert queue("webhooks").count == 1
        SimpleWorker(all_queues(), connection=redis(), serializer=JSONSerializer).work(burst=True)
        session = db.request_session()
        statuses = session.scalars(select(WebhookDelivery.status)).all()
        shop = session.scalars(select(Shop).where(Shop.domain == DEMO_SHOP)).one()
    assert statuses == ["processed"] * 30
    # Applied in triggered_at order: the last delivery's scopes win.
    assert shop.scopes == "read_orders,read_scope_29"


def test_a_webhook_arriving_after_the_drain_started_gets_a_new_drain(app, client, shopify):
    install(client, shopify)
    post_scopes_update(client, shopify, 1)
    with app.app_context():
        SimpleWorker(all_queues(), connection=redis(), serializer=JSONSerializer).work(burst=True)
        post_scopes_update(client, shopify, 2)
        assert queue("webhooks").count == 1


def test_health_reports_database_redis_and_workers(app, client):
    response = client.get("/health")
    assert response.status_code == 200
    body = response.json
    heads = ScriptDirectory.from_config(alembic_config(app.config["DATABASE_URL"])).get_heads()
    assert body["database"]["ok"] and body["database"]["revisions"] == sorted(heads)
    assert body["redis"]["ok"]
    assert body["worker"] == {"ok": False, "workers": 0, "states": []}

    with app.app_context():
        worker = Worker(all_queues(), connection=redis(), serializer=JSONSerializer, name="health-probe")
        worker.register_birth()
        try:
            body = client.get("/health").json
        finally:
            worker.register_death()
    assert body["worker"]["ok"] and body["worker"]["workers"] == 1


def test_health_reports_503_when_the_database_is_gone(app, client):
    from app.db import make_engine

    working = app.extensions["db_engine"]
    app.extensions["db_engine"] = make_engine("sqlite:////nonexistent-dir/orbit.db")
    try:
        response = client.get("/health")
    finally:
        app.extensions["db_engine"].dispose()
        app.extensions["db_engine"] = working
    assert response.status_code == 503
    assert response.json["database"]["ok"] is False


TICKERS = {
    "webhook-sweeper-ticker",
    "analytics-ticker",
    "recommendations-ticker",
    "referrals-ticker",
    "reconcile-ticker",
}


def test_a_long_running_worker_starts_every_periodic_ticker(app):
    """`flask worker` (without --burst) calls start_tickers: the sweeper, the nightly analytics,
    the daily recommendations, the hourly referrals and the reconciliation each get a thread."""
    for setting in (
        "SWEEP_INTERVAL_SECONDS",
        "ANALYTICS_FULL_INTERVAL_SECONDS",
        "RECOMMENDATIONS_FULL_INTERVAL_SECONDS",
        "REFERRALS_INTERVAL_SECONDS",
        "RECONCILE_INTERVAL_SECONDS",
    ):
        app.config[setting] = 86400  # the threads outlive the test: let them sleep
    threads = start_tickers(app)
    assert {thread.name for thread in threads} == TICKERS
    assert all(thread.daemon and thread.is_alive() for thread in threads)
    running = {thread.name for thread in threading.enumerate()}
    assert running >= TICKERS
    # The sweeper queues its first sweep at once, on the real Redis.
    with app.app_context():
        deadline = time.monotonic() + 10
        while "webhook-sweeper" not in queue("webhooks").job_ids and time.monotonic() < deadline:
            time.sleep(0.05)
        assert queue("webhooks").job_ids == ["webhook-sweeper"]


def test_the_sync_reconcile_command_queues_one_reconciliation_for_every_shop(app, client, shopify):
    install(client, shopify)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["sync", "reconcile"]).output == "reconciliation queued\n"
    assert runner.invoke(args=["sync", "reconcile"]).output == "a reconciliation is already waiting\n"
    with app.app_context():
        assert queue("sync").job_ids == ["reconcile-all"]
        SimpleWorker(all_queues(), connection=redis(), serializer=JSONSerializer).work(burst=True)
        shop_id = db.request_session().scalar(select(Shop.id).where(Shop.domain == DEMO_SHOP))
        reconcile = Job.fetch(f"reconcile-shop-{shop_id}", connection=redis(), serializer=JSONSerializer)
        # It ran; with no finished backfill yet there is no window to reconcile.
        assert (reconcile.get_status(), reconcile.return_value()) == ("finished", {"skipped": 1})
        assert queue("sync").count == 0
