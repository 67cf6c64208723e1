"""Analytics jobs: the incremental recompute of dirty customers (coalesced per shop, like the
drain) and the full recompute by stage with progress in job_runs, plus the nightly ticker.

The full recompute runs its stages (load, facts, fit, write, segments) in one job and one
transaction, writing each finished stage to its job_runs row in a separate transaction so the
UI sees progress; benchmarks/analytics_full_recompute.py times each stage against JOB_TIMEOUT.
(rq's CronScheduler enqueues with pickle, which Orbit's JSON workers cannot read, so the nightly
run is queued by a ticker thread in the worker, like jobs/sweeper.py and jobs/reconcile.py.)
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime

from flask import Flask
from redis.exceptions import RedisError
from sqlalchemy import select

from app import db
from app.models import JobRun, Shop, utcnow
from app.queues import queue
from app.redis_conn import redis
from app.segments.recompute import STAGES, full_recompute, incremental_recompute
from jobs.context import with_app_context
from webhooks.dirty import take_dirty

log = logging.getLogger(__name__)

PENDING_FLAG = "orbit:analytics-pending:{shop_id}"
PENDING_FLAG_TTL_SECONDS = 600
BATCH_SIZE = 500
JOB_TIMEOUT = 1800
DEFAULT_FULL_INTERVAL_SECONDS = 86400.0


def incremental_job_id(shop_id: int) -> str:
    return f"analytics-incremental-shop-{shop_id}"


def full_job_id(shop_id: int) -> str:
    return f"analytics-full-shop-{shop_id}"


def request_incremental(shop_id: int) -> bool:
    """Queue the shop's incremental recompute unless one is already waiting; never raises for Redis."""
    try:
        if not redis().set(PENDING_FLAG.format(shop_id=shop_id), 1, nx=True, ex=PENDING_FLAG_TTL_SECONDS):
            return False
        queue("analytics").enqueue(
            "jobs.analytics.recompute_dirty",
            shop_id,
            job_id=incremental_job_id(shop_id),
            result_ttl=0,
            failure_ttl=86400,
        )
        return True
    except (RedisError, OSError):
        # The dirty marks are durable; the next drain or the nightly run picks them up.
        log.warning("could not queue analytics for shop %s: Redis unavailable", shop_id)
        return False


@with_app_context
def recompute_dirty(shop_id: int, now: str | None = None) -> dict[str, int]:
    """Recompute the shop's dirty customers batch by batch; push the ones whose segments changed."""
    redis().delete(PENDING_FLAG.format(shop_id=shop_id))
    moment = datetime.fromisoformat(now) if now else utcnow()
    recomputed, changed = 0, set()
    while True:
        with db.transaction() as session:
            ids = take_dirty(session, shop_id, BATCH_SIZE)
            if ids:
                report = incremental_recompute(session, shop_id, ids, moment)
                recomputed += len(ids)
                changed.update(report.changed_customers)
        if len(ids) < BATCH_SIZE:
            break
    if changed:
        push_customers(shop_id, changed)
    return {"recomputed": recomputed, "changed": len(changed)}


def push_customers(shop_id: int, customer_ids: set[int] | None) -> None:
    """Customers whose segments changed go to the push queue (None: a full push)."""
    from jobs.push import request_push

    try:
        request_push(shop_id, None if customer_ids is None else sorted(customer_ids))
    except (RedisError, OSError):
        log.warning("could not queue the push for shop %s: Redis unavailable", shop_id)


def request_full(shop_id: int) -> str:
    """Queue a full recompute (one per shop at a time); the job_runs row id tracks it."""
    with db.transaction() as session:
        run = JobRun(shop_id=shop_id, kind="analytics_full", status="queued", progress_total=len(STAGES))
        session.add(run)
        session.flush()
        run_id = run.id
        run.rq_job_id = full_job_id(shop_id)
    queue("analytics").enqueue(
        "jobs.analytics.recompute_full", shop_id, run_id, job_id=full_job_id(shop_id), job_timeout=JOB_TIMEOUT
    )
    return str(run_id)


@with_app_context
def recompute_full(shop_id: int, run_id: int | None = None, now: str | None = None) -> dict[str, float]:
    moment = datetime.fromisoformat(now) if now else utcnow()
    _progress(run_id, status="running", started_at=utcnow(), progress_done=0)

    def on_stage(session, stage: str, done: int) -> None:
        if session.get_bind().dialect.name == "sqlite":
            # SQLite has one writer: a second transaction would wait on the recompute's own lock,
            # so progress rides in the recompute's transaction (seen when it commits).
            run = session.get(JobRun, run_id) if run_id is not None else None
            if run is not None:
                run.progress_done, run.checkpoint = done, {"stage": stage}
            return
        _progress(run_id, progress_done=done, checkpoint={"stage": stage})

    try:
        with db.transaction() as session:
            report = full_recompute(session, shop_id, moment, on_stage=on_stage)
    except Exception as exc:
        _progress(run_id, status="failed", error=f"{type(exc).__name__}: {exc}"[:2000], finished_at=utcnow())
        raise
    _progress(
        run_id,
        status="succeeded",
        finished_at=utcnow(),
        checkpoint={"stage": "done", "seconds": report.seconds, "customers": report.customers},
    )
    if any(joined or left for joined, left in report.changes.values()):
        push_customers(shop_id, None)  # membership moved in bulk: a full push diffs everything
    return report.seconds


def _progress(run_id: int | None, **values) -> None:
    if run_id is None:
        return
    with db.transaction() as session:
        run = session.get(JobRun, run_id)
        if run is not None:
            for name, value in values.items():
                setattr(run, name, value)


@with_app_context
def recompute_all() -> int:
    """Queue a full recompute for every installed shop (the nightly run)."""
    with db.transaction() as session:
        shop_ids = list(session.scalars(select(Shop.id).where(Shop.state == "installed")))
    for shop_id in shop_ids:
        request_full(shop_id)
    return len(shop_ids)


def start_ticker(app: Flask) -> threading.Thread:
    """A daemon thread queueing `recompute_all` every ANALYTICS_FULL_INTERVAL_SECONDS (first after one)."""
    interval = float(app.config.get("ANALYTICS_FULL_INTERVAL_SECONDS", DEFAULT_FULL_INTERVAL_SECONDS))

    def tick() -> None:
        while True:
            time.sleep(interval)
            try:
                with app.app_context():
                    queue("analytics").enqueue(
                        "jobs.analytics.recompute_all", job_id="analytics-recompute-all", result_ttl=0
                    )
            except (RedisError, OSError):
                log.warning("could not queue the nightly recompute: Redis unavailable")

    thread = threading.Thread(target=tick, name="analytics-ticker", daemon=True)
    thread.start()
    return thread
