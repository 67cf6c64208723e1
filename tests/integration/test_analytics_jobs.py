"""Analytics jobs on a real Redis: the drain hook queues one coalesced incremental job per shop, a
worker runs it over the dirty customers, and the full recompute records its stages in job_runs."""

from __future__ import annotations

from datetime import UTC, datetime

from rq import SimpleWorker
from rq.serializers import JSONSerializer
from sqlalchemy import func, select

from app import db
from app.models import CustomerFacts, JobRun
from app.queues import queue
from app.redis_conn import redis
from devstore.seeding import make_demo_shop
from jobs.analytics import incremental_job_id, recompute_full, request_full
from jobs.drain_hooks import after_drain
from tests.integration.analytics_rows import add_shop, load_devstore_shop
from webhooks.dirty import count_dirty, mark_dirty

NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)
STORE = make_demo_shop("jobs.myshopify.com", customers=30, seed=3, now=NOW)


def seeded_shop(app) -> int:
    with app.app_context(), db.transaction() as session:
        shop = add_shop(session, "jobs.myshopify.com")
        load_devstore_shop(session, shop.id, STORE)
        return shop.id


def test_drains_queue_one_incremental_job_per_shop_and_a_worker_recomputes_the_dirty_customers(app):
    shop_id = seeded_shop(app)
    customers = sorted(STORE.customers)[:5]
    with app.app_context():
        with db.transaction() as session:
            mark_dirty(session, shop_id, customers)
        for _ in range(3):
            after_drain(shop_id, set(customers))
        analytics = queue("analytics")
        assert analytics.job_ids == [incremental_job_id(shop_id)]
        SimpleWorker([analytics], connection=redis(), serializer=JSONSerializer).work(burst=True)
        assert analytics.count == 0
        with db.transaction() as session:
            assert count_dirty(session, shop_id) == 0
            # No fitted model yet, so the first run was a full recompute of the shop.
            facts = session.scalar(
                select(func.count()).select_from(CustomerFacts).where(CustomerFacts.shop_id == shop_id)
            )
            assert facts == len(STORE.customers)


def test_a_drain_that_touched_no_customer_queues_nothing(app):
    with app.app_context():
        after_drain(1, set())
        assert queue("analytics").count == 0


def test_the_full_recompute_records_each_stage_in_job_runs(app):
    shop_id = seeded_shop(app)
    with app.app_context():
        run_id = int(request_full(shop_id))
        seconds = recompute_full(shop_id, run_id, NOW.isoformat())
        with db.transaction() as session:
            run = session.get(JobRun, run_id)
            assert run.status == "succeeded" and run.progress_done == run.progress_total == 5
            assert run.checkpoint["stage"] == "done" and set(run.checkpoint["seconds"]) == set(seconds)
