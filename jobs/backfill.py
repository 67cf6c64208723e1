"""Backfill on install: every customer, product, order (with lines and refunds) and abandoned
checkout, through bulk queries, streamed into the same upserts as webhooks (DESIGN 4.6).

1. `run_backfill(shop_id)` (queue `sync`) opens a `job_runs` row (kind "backfill") and starts one
   bulk query per resource (Shopify runs up to five at once per shop, PLATFORM 4.3). The bulk
   operation ids go into `job_runs.checkpoint["operations"]`.
2. Each operation's `bulk_operations/finish` webhook reaches `bulk_operation_finished`, which
   queues `resume_backfill(run_id)`; `resume_backfill` can also be run by hand or by a sweeper.
3. `resume_backfill` streams each completed operation's JSONL line by line and applies it in
   chunks; each chunk's transaction also moves the checkpoint (`line`: the first line not yet
   applied, always at a parent boundary), so after a crash a rerun skips what was applied.
   Progress: `progress_done` counts applied top-level objects, `progress_total` the operations'
   `rootObjectCount` as they complete.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from typing import Any

from flask import current_app
from redis.exceptions import RedisError
from rq import Retry
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import db
from app.models import JobRun, Shop, utcnow
from app.queues import queue
from app.shopify.bulk_operations import FINISHED, bulk_query_status, jsonl_lines, start_bulk_query
from app.shopify.client import AdminClient
from jobs import backfill_upserts
from jobs.context import with_app_context
from webhooks import graphql_records

log = logging.getLogger(__name__)

KIND = "backfill"
RESOURCES = ("customers", "products", "orders", "checkouts")
ACTIVE = ("queued", "running")
CHUNK_OBJECTS = 2000  # per transaction; the app setting BACKFILL_CHUNK_OBJECTS overrides it

Group = tuple[dict[str, Any], list[dict[str, Any]]]

# resource -> (JSONL group -> record, batch upsert)
APPLY = {
    "customers": (
        lambda root, kids: graphql_records.customer_from_graphql(root),
        backfill_upserts.upsert_customers,
    ),
    "products": (graphql_records.product_from_graphql, backfill_upserts.upsert_products),
    "orders": (graphql_records.order_from_graphql, backfill_upserts.upsert_orders),
    "checkouts": (graphql_records.checkout_from_graphql, backfill_upserts.upsert_checkouts),
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
    """Open (or continue) the shop's backfill run and start its bulk queries; the run's id."""
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
        run_id, domain = run.id, shop.domain
        started = set((run.checkpoint or {}).get("operations", {}))
    client = AdminClient(None, domain)
    for resource in RESOURCES:
        if resource in started:
            continue
        operation_id = start_bulk_query(client, resource)
        with db.transaction() as session:
            set_checkpoint(session.get(JobRun, run_id), resource, id=operation_id, line=0, done=False)
    resume_backfill(run_id)
    return run_id


@with_app_context
def resume_backfill(run_id: int) -> str:
    """Apply every completed operation from its checkpoint; the run's status afterwards."""
    with db.transaction() as session:
        run = session.get(JobRun, run_id)
        if run is None or run.status not in ACTIVE:
            return run.status if run else "missing"
        shop = session.get(Shop, run.shop_id)
        operations = dict((run.checkpoint or {}).get("operations", {}))
        shop_id, domain = shop.id, shop.domain
    client = AdminClient(None, domain)
    waiting = False
    for resource in RESOURCES:
        entry = operations.get(resource)
        if entry is None or entry.get("done"):
            waiting = waiting or entry is None
            continue
        status = bulk_query_status(client, entry["id"])
        if status is None or status["status"] not in FINISHED:
            waiting = True
            continue
        if status["status"] != "COMPLETED":
            return fail(run_id, f"{resource}: bulk operation {status['status']} ({status.get('errorCode')})")
        with db.transaction() as session:
            run = session.get(JobRun, run_id)
            if not entry.get("counted"):
                run.progress_total = (run.progress_total or 0) + int(status["rootObjectCount"])
                set_checkpoint(run, resource, counted=True)
        if status.get("url"):
            apply_result(run_id, shop_id, resource, status["url"], int(entry.get("line") or 0))
        with db.transaction() as session:
            set_checkpoint(session.get(JobRun, run_id), resource, done=True)
    if waiting:
        return "running"
    with db.transaction() as session:
        run = session.get(JobRun, run_id)
        run.status, run.finished_at = "succeeded", utcnow()
        # The next reconciliation starts from here: everything older came through the backfill.
        run.checkpoint = {**run.checkpoint, "reconciled_until": run.started_at.isoformat()}
    return "succeeded"


def fail(run_id: int, error: str) -> str:
    with db.transaction() as session:
        run = session.get(JobRun, run_id)
        run.status, run.error, run.finished_at = "failed", error[:2000], utcnow()
    log.warning("backfill run %s failed: %s", run_id, error)
    return "failed"


def groups(lines: Iterable[bytes], start_line: int) -> Iterator[tuple[int, Group]]:
    """(index of the line after the group, (parent, children)) for each top-level object, from
    `start_line` on (always a parent boundary). Children come directly below their parent."""
    parent: dict[str, Any] | None = None
    children: list[dict[str, Any]] = []
    index = -1
    for index, raw in enumerate(lines):
        if index < start_line:
            continue
        line = json.loads(raw)
        if "__parentId" in line:
            if parent is None or line["__parentId"] != parent.get("id"):
                raise ValueError(f"line {index}: child of {line['__parentId']} is not below its parent")
            children.append(line)
            continue
        if parent is not None:
            yield index, (parent, children)
        parent, children = line, []
    if parent is not None:
        yield index + 1, (parent, children)


def apply_result(run_id: int, shop_id: int, resource: str, url: str, start_line: int) -> int:
    """Stream one operation's JSONL into the upserts, a chunk per transaction; objects applied."""
    to_record, upsert_many = APPLY[resource]
    chunk = int(current_app.config.get("BACKFILL_CHUNK_OBJECTS", CHUNK_OBJECTS))
    batch: list[Any] = []
    applied = 0

    def flush(next_line: int) -> None:
        nonlocal applied
        with db.transaction() as session:
            upsert_many(session, shop_id, batch)
            run = session.get(JobRun, run_id)
            run.progress_done = (run.progress_done or 0) + len(batch)
            set_checkpoint(run, resource, line=next_line)
        applied += len(batch)
        batch.clear()

    for next_line, (parent, children) in groups(jsonl_lines(url), start_line):
        batch.append(to_record(parent, children))
        if len(batch) >= chunk:
            flush(next_line)
    if batch:
        flush(next_line)
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
            queue("sync").enqueue(
                "jobs.backfill.resume_backfill", run.id, job_id=f"backfill-resume-{run.id}", result_ttl=3600
            )
            return None
    return f"no backfill waits for {operation_id}"
