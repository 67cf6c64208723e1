"""Backfill on install: every customer, product, order (with lines and refunds) and abandoned
checkout, through bulk queries, streamed into the same upserts as webhooks (DESIGN 4.6).

1. `run_backfill(shop_id)` (queue `sync`) opens a `job_runs` row (kind "backfill") and starts one
   bulk query per resource (Shopify runs up to five at once per shop, PLATFORM 4.3). The bulk
   operation ids go into `job_runs.checkpoint["operations"]`.
2. Each operation's `bulk_operations/finish` webhook reaches `bulk_operation_finished`, which
   queues `resume_backfill(run_id)`; the periodic sweeper also re-queues it for a run that
   stopped moving (jobs/backfill_stalls.py: a lost job, a killed worker, a lost webhook).
3. `resume_backfill` starts any operation not started yet (a run that died half-way through
   step 1), then streams each completed operation's JSONL line by line and applies it in
   chunks; each chunk's transaction also moves the checkpoint (`line`: the first line not yet
   applied, always at a parent boundary), so after a crash a rerun skips what was applied.
   One resume per run at a time (a Redis lock), and every pass that gets through touches the
   run, so `updated_at` is its heartbeat. Progress: `progress_done` counts applied top-level
   objects, `progress_total` the operations' `rootObjectCount` as they complete. On PostgreSQL
   child processes parse the JSONL while this one writes (jobs/backfill_parse.py).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from typing import Any

from flask import current_app
from redis.exceptions import LockError, LockNotOwnedError, RedisError
from redis.lock import Lock
from rq import Retry
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from rq.serializers import JSONSerializer
from sqlalchemy import select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from app import db
from app.models import JobRun, Shop, utcnow
from app.queues import queue
from app.redis_conn import redis
from app.shopify.bulk_operations import FINISHED, bulk_query_status, start_bulk_query
from app.shopify.client import AdminClient
from jobs import backfill_parse, backfill_upserts
from jobs.context import with_app_context

log = logging.getLogger(__name__)

KIND = "backfill"
RESOURCES = ("customers", "products", "orders", "checkouts")
ACTIVE = ("queued", "running")
CHUNK_OBJECTS = 10_000  # per transaction (~1 s of work); the app setting BACKFILL_CHUNK_OBJECTS overrides it
# Processes parsing a result on PostgreSQL (the app setting BACKFILL_PARSE_PROCESSES overrides it):
# the parse needs about three times the writer's and PostgreSQL's time together, so two keep a
# 2-core machine busy; more cores take more.
PARSE_PROCESSES = 2
RESUME_LOCK = "orbit:backfill-resume-lock:{run_id}"
DEFAULT_LOCK_TTL_SECONDS = 300  # extended after every chunk; BACKFILL_LOCK_TTL_SECONDS overrides it
WAITING = {JobStatus.QUEUED, JobStatus.SCHEDULED, JobStatus.DEFERRED}

# resource -> write a chunk's records (SQLite, and the small resources on PostgreSQL)
UPSERT: dict[str, Callable[[Session, int, list[Any]], int]] = {
    "customers": backfill_upserts.upsert_customers,
    "products": backfill_upserts.upsert_products,
    "orders": backfill_upserts.upsert_orders,
    "checkouts": backfill_upserts.upsert_checkouts,
}


def enqueue_backfill(shop_id: int) -> bool:
    """Queue the shop's backfill (one at a time per shop); never raises for Redis trouble."""
    try:
        queue("sync").enqueue(
            "jobs.backfill.run_backfill",
            shop_id,
            job_id=f"backfill-shop-{shop_id}",
            job_timeout=3600,
            result_ttl=86400,
            # The install's transaction may not be committed yet when the job starts.
            retry=Retry(max=5, interval=[5, 15, 60, 300, 900]),
        )
        return True
    except (RedisError, OSError):
        log.warning("could not queue the backfill for shop %s: Redis unavailable", shop_id)
        return False


def backfill_on_install(shop: Shop) -> None:
    """Hook for a new grant (app/shopify/tokens.py). Off under TESTING unless asked for, so
    tests that install shops do not start bulk operations nobody waits for."""
    enabled = current_app.config.get("ORBIT_BACKFILL_ON_INSTALL", not current_app.testing)
    if enabled and shop.id is not None:
        enqueue_backfill(shop.id)


def active_run(session: Session, shop_id: int) -> JobRun | None:
    statement = (
        select(JobRun)
        .where(JobRun.shop_id == shop_id, JobRun.kind == KIND, JobRun.status.in_(ACTIVE))
        .order_by(JobRun.id.desc())
    )
    return session.scalars(statement).first()


def set_checkpoint(run: JobRun, resource: str, **changes: Any) -> None:
    """JSON columns change only by assignment: build a new dict."""
    operations = {name: dict(entry) for name, entry in (run.checkpoint or {}).get("operations", {}).items()}
    operations[resource] = {**operations.get(resource, {}), **changes}
    run.checkpoint = {**(run.checkpoint or {}), "operations": operations}


@with_app_context
def run_backfill(shop_id: int) -> int | None:
    """Open (or continue) the shop's backfill run, start its bulk queries and apply what is
    ready; the run's id."""
    with db.transaction() as session:
        shop = session.get(Shop, shop_id)
        if shop is None:
            raise LookupError(f"shop {shop_id} not found (yet)")
        if not shop.is_installed:
            log.info("backfill skipped: shop %s is not installed", shop_id)
            return None
        run = active_run(session, shop_id)
        if run is None:
            run = JobRun(shop_id=shop_id, kind=KIND, status="running", started_at=utcnow(), checkpoint={})
            session.add(run)
            session.flush()
        run_id = run.id
    resume_backfill(run_id)
    return run_id


def locked_run(session: Session, run_id: int) -> JobRun:
    """The run row, locked until the transaction ends: the resume and the stall sweeper both
    rewrite its JSON checkpoint, and neither may lose the other's change (PostgreSQL)."""
    return session.get(JobRun, run_id, with_for_update=True)


@with_app_context
def resume_backfill(run_id: int) -> str:
    """Start what is not started, apply every completed operation from its checkpoint; the
    run's status afterwards ("running" also when another resume holds the run)."""
    ttl = int(current_app.config.get("BACKFILL_LOCK_TTL_SECONDS", DEFAULT_LOCK_TTL_SECONDS))
    lock = redis().lock(RESUME_LOCK.format(run_id=run_id), timeout=ttl)
    if not lock.acquire(blocking=False):
        return "running"
    try:
        return _resume(run_id, lambda: keep_lock(lock, ttl, run_id))
    except Exception as exc:
        # Kept on the run for the stall sweeper's final error; RQ keeps the traceback.
        error = f"{type(exc).__name__}: {exc}"[:500]
        with contextlib.suppress(SQLAlchemyError), db.transaction() as session:
            run = locked_run(session, run_id)
            if run is not None:
                run.checkpoint = {**(run.checkpoint or {}), "last_error": error}
        raise
    finally:
        try:
            lock.release()
        except LockError:
            log.warning("backfill lock of run %s expired before release", run_id)


def keep_lock(lock: Lock, ttl: int, run_id: int) -> None:
    """Extend the run's lock after a chunk; a chunk slower than the TTL let it lapse, which is
    fine unless another resume took it meanwhile (then this one stops: its checkpoint is
    consistent, and two appliers would count progress twice)."""
    try:
        lock.extend(ttl, replace_ttl=True)
    except LockNotOwnedError:
        if not lock.acquire(blocking=False):
            raise LockNotOwnedError(f"another resume took over backfill run {run_id}") from None


def _resume(run_id: int, keep_lock_alive: Callable[[], None]) -> str:
    with db.transaction() as session:
        run = session.get(JobRun, run_id)
        if run is None or run.status not in ACTIVE:
            return run.status if run else "missing"
        shop = session.get(Shop, run.shop_id)
        operations = dict((run.checkpoint or {}).get("operations", {}))
        shop_id, domain = shop.id, shop.domain
    client = AdminClient(None, domain)
    for resource in RESOURCES:
        if resource not in operations:
            operation_id = start_bulk_query(client, resource)
            operations[resource] = {"id": operation_id, "line": 0, "done": False}
            with db.transaction() as session:
                set_checkpoint(locked_run(session, run_id), resource, **operations[resource])
    waiting = False
    for resource in RESOURCES:
        entry = operations[resource]
        if entry.get("done"):
            continue
        status = bulk_query_status(client, entry["id"])
        if status is None or status["status"] not in FINISHED:
            waiting = True
            continue
        if status["status"] != "COMPLETED":
            return fail(run_id, f"{resource}: bulk operation {status['status']} ({status.get('errorCode')})")
        with db.transaction() as session:
            run = locked_run(session, run_id)
            if not entry.get("counted"):
                run.progress_total = (run.progress_total or 0) + int(status["rootObjectCount"])
                set_checkpoint(run, resource, counted=True)
        if status.get("url"):
            apply_result(
                run_id, shop_id, resource, status["url"], int(entry.get("line") or 0), keep_lock_alive
            )
        with db.transaction() as session:
            set_checkpoint(locked_run(session, run_id), resource, done=True)
    with db.transaction() as session:
        run = locked_run(session, run_id)
        # The pass got through: the run is alive (heartbeat), however long Shopify still takes.
        checkpoint = {**run.checkpoint, "resume_attempts": 0, "polled_at": utcnow().isoformat()}
        checkpoint.pop("last_error", None)
        if waiting:
            run.checkpoint = checkpoint
            return "running"
        run.status, run.finished_at = "succeeded", utcnow()
        # The next reconciliation starts from here: everything older came through the backfill.
        run.checkpoint = {**checkpoint, "reconciled_until": run.started_at.isoformat()}
    return "succeeded"


def fail(run_id: int, error: str) -> str:
    with db.transaction() as session:
        run = session.get(JobRun, run_id)
        run.status, run.error, run.finished_at = "failed", error[:2000], utcnow()
    log.warning("backfill run %s failed: %s", run_id, error)
    return "failed"


def apply_result(
    run_id: int, shop_id: int, resource: str, url: str, start_line: int, keep_lock_alive: Callable[[], None]
) -> int:
    """Stream one operation's JSONL into the upserts, a chunk per transaction; objects applied.
    On PostgreSQL child processes parse the next chunks while this one writes
    (jobs/backfill_parse.py); the chunks still commit one after another, in order."""
    size = int(current_app.config.get("BACKFILL_CHUNK_OBJECTS", CHUNK_OBJECTS))
    postgresql = db.engine().dialect.name == "postgresql"
    prepared = backfill_parse.PREPARED.get(resource) if postgresql else None
    write = prepared[1] if prepared else UPSERT[resource]  # the batch the parse prepared, or records
    if postgresql:
        processes = int(current_app.config.get("BACKFILL_PARSE_PROCESSES", PARSE_PROCESSES))
        parsed = backfill_parse.chunks_from_children(resource, url, start_line, size, True, processes)
    else:
        parsed = backfill_parse.chunks(resource, url, start_line, size, False)
    applied = 0
    with backfill_parse.fewer_collections():
        for batch, count, next_line in parsed:
            with db.transaction() as session:
                if postgresql:
                    # The chunk and its checkpoint commit together: a commit lost in a server
                    # crash loses both, and the resume replays the chunk (idempotent upserts).
                    # No need to wait for the WAL flush of every chunk.
                    session.execute(text("SET LOCAL synchronous_commit = off"))
                write(session, shop_id, batch)
                run = locked_run(session, run_id)
                run.progress_done = (run.progress_done or 0) + count
                set_checkpoint(run, resource, line=next_line)
                run.checkpoint = {**run.checkpoint, "resume_attempts": 0}  # progress: not stalled
            applied += count
            keep_lock_alive()
    return applied


def bulk_operation_finished(session: Session, shop: Shop, payload: dict[str, Any]) -> str | None:
    """bulk_operations/finish: queue the run waiting for this operation (the drain's handler
    calls this inside its transaction); the reason when no run waits for it."""
    operation_id = payload.get("admin_graphql_api_id")
    runs = session.scalars(
        select(JobRun).where(JobRun.shop_id == shop.id, JobRun.kind == KIND, JobRun.status.in_(ACTIVE))
    )
    for run in runs:
        entries = (run.checkpoint or {}).get("operations", {}).values()
        if any(entry.get("id") == operation_id for entry in entries):
            queue_resume(run.id)
            return None
    return f"no backfill waits for {operation_id}"


def resume_job_id(run_id: int) -> str:
    return f"backfill-resume-{run_id}"


def queue_resume(run_id: int) -> bool:
    """Queue the run's resume under its one job id unless it is already waiting (four finish
    webhooks and the stall sweeper make one job); False when it was. Redis errors propagate."""
    try:
        job = Job.fetch(resume_job_id(run_id), connection=redis(), serializer=JSONSerializer)
        if job.get_status(refresh=False) in WAITING:
            return False
    except NoSuchJobError:
        pass
    queue("sync").enqueue(
        "jobs.backfill.resume_backfill",
        run_id,
        job_id=resume_job_id(run_id),
        result_ttl=3600,
        job_timeout=3600,
    )
    return True
