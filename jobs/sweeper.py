"""The periodic sweeper: queue a drain for every shop with due deliveries that no drain will reach.

Deliveries are stored before Redis is asked for anything, so a Redis outage (or a lost job, or
a worker killed mid-drain) leaves rows pending with no job to apply them. A backfill can stall
the same way; the sweep also queues resumes for those (jobs/backfill_stalls.py). Every worker process
(`flask --app app worker`) runs a small ticker thread that queues this job every
SWEEP_INTERVAL_SECONDS under one job id (so N workers do not make N sweeps); `flask --app app
webhooks sweep` runs it once by hand. (rq 3.0's CronScheduler enqueues with the pickle
serializer, which Orbit's JSON-serializer workers cannot read, hence the ticker.)
"""

from __future__ import annotations

import logging
import threading
import time

from flask import Flask
from redis.exceptions import RedisError
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from rq.serializers import JSONSerializer
from sqlalchemy import select

from app import db
from app.models import WebhookDelivery, utcnow
from app.queues import queue
from app.redis_conn import redis
from jobs.backfill_stalls import resume_stalled_backfills
from jobs.context import with_app_context
from jobs.drain import DRAIN_LOCK, due_condition
from webhooks.drain_queue import clear_pending_flag, drain_job_id, request_drain

log = logging.getLogger(__name__)

DEFAULT_SWEEP_INTERVAL_SECONDS = 60
WAITING = {JobStatus.QUEUED, JobStatus.SCHEDULED, JobStatus.DEFERRED}
SWEEP_JOB_ID = "webhook-sweeper"


def shops_with_due_deliveries() -> list[int]:
    with db.transaction() as session:
        statement = select(WebhookDelivery.shop_id).where(due_condition(utcnow())).distinct()
        return sorted(session.scalars(statement))


def drain_is_on_its_way(shop_id: int) -> bool:
    """A drain job waiting in the queue, or a drain running right now (it holds the shop's lock)."""
    connection = redis()
    if connection.exists(DRAIN_LOCK.format(shop_id=shop_id)):
        return True
    try:
        job = Job.fetch(drain_job_id(shop_id), connection=connection, serializer=JSONSerializer)
    except NoSuchJobError:
        return False
    return job.get_status(refresh=False) in WAITING


@with_app_context
def sweep() -> dict[str, int]:
    """Queue drains where needed, and resumes for stalled backfills (jobs/backfill_stalls.py);
    returns how many shops had due rows, how many got a drain, and the backfill counts."""
    shop_ids = shops_with_due_deliveries()
    queued = 0
    for shop_id in shop_ids:
        if drain_is_on_its_way(shop_id):
            continue
        # A flag left by a drain that never ran (lost job, killed worker) would block the request.
        clear_pending_flag(shop_id)
        queued += int(request_drain(shop_id))
    if queued:
        log.info("sweeper queued drains for %s of %s shops with due deliveries", queued, len(shop_ids))
    return {"shops_due": len(shop_ids), "drains_queued": queued, **resume_stalled_backfills()}


def queue_sweep() -> bool:
    """Queue one sweep unless one is already waiting; never raises for Redis trouble."""
    try:
        try:
            job = Job.fetch(SWEEP_JOB_ID, connection=redis(), serializer=JSONSerializer)
            if job.get_status(refresh=False) in WAITING:
                return False
        except NoSuchJobError:
            pass
        queue("webhooks").enqueue("jobs.sweeper.sweep", job_id=SWEEP_JOB_ID, result_ttl=0, failure_ttl=3600)
        return True
    except (RedisError, OSError):
        log.warning("could not queue the webhook sweeper: Redis unavailable")
        return False


def start_ticker(app: Flask) -> threading.Thread:
    """A daemon thread queueing a sweep now and every SWEEP_INTERVAL_SECONDS."""
    interval = float(app.config.get("SWEEP_INTERVAL_SECONDS", DEFAULT_SWEEP_INTERVAL_SECONDS))

    def tick() -> None:
        while True:
            with app.app_context():
                queue_sweep()
            time.sleep(interval)

    thread = threading.Thread(target=tick, name="webhook-sweeper-ticker", daemon=True)
    thread.start()
    return thread
