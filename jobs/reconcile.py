"""Periodic reconciliation: re-read what changed in Shopify since the last successful run and feed
it through the webhook upserts (PLATFORM 1.5: "don't rely solely on webhooks").

A run covers `updated_at` from where the previous successful run (or the backfill) got to,
minus a small overlap (timestamps have one-second resolution and clocks differ), up to the
moment it started; it pages customers, products, orders and abandoned checkouts with
`updated_at:>` queries. Anything webhooks already delivered is simply re-applied (the upserts
are idempotent and never let an older fact win). An order with more line items than the
query's first page gets the rest page by page before it is applied (its lines are replaced
wholesale, so a cut-off list would drop some). Every worker runs a ticker that queues
`reconcile_all` every RECONCILE_INTERVAL_SECONDS under one job id, like the webhook sweeper
(rq's CronScheduler enqueues with pickle, which Orbit's JSON-serializer workers cannot read);
`flask --app app sync reconcile` queues it by hand.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from datetime import datetime, timedelta

from flask import Flask
from redis.exceptions import RedisError
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from rq.serializers import JSONSerializer
from sqlalchemy import select

from app import db
from app.models import JobRun, Shop, utcnow
from app.queues import queue
from app.redis_conn import redis
from app.shopify.bulk_operations import changed_since, remaining_line_items
from app.shopify.client import AdminClient
from jobs.context import with_app_context
from webhooks import graphql_records, upserts

log = logging.getLogger(__name__)

KIND = "reconcile"
OVERLAP = timedelta(minutes=5)
COMMIT_EVERY = 200
DEFAULT_INTERVAL_SECONDS = 3600
RESOURCES = ("customers", "products", "orders", "checkouts")
RECONCILE_ALL_JOB_ID = "reconcile-all"
WAITING = {JobStatus.QUEUED, JobStatus.SCHEDULED, JobStatus.DEFERRED}


def window_start(session, shop_id: int) -> datetime | None:
    """Where the last success got to (a reconcile's `until`, a backfill's `reconciled_until`)."""
    statement = (
        select(JobRun)
        .where(JobRun.shop_id == shop_id, JobRun.kind.in_((KIND, "backfill")), JobRun.status == "succeeded")
        .order_by(JobRun.finished_at.desc())
    )
    for run in session.scalars(statement):
        mark = (run.checkpoint or {}).get("until") or (run.checkpoint or {}).get("reconciled_until")
        if mark:
            return datetime.fromisoformat(mark)
    return None


def with_all_line_items(client: AdminClient, node: dict) -> dict | None:
    """The order node with every line item: the pages after the first are fetched, since lines
    are replaced wholesale and a cut-off list would drop the rest. None when the order vanished
    meanwhile (deleted: nothing to mirror)."""
    connection = node.get("lineItems") or {}
    page_info = connection.get("pageInfo") or {}
    if not page_info.get("hasNextPage"):
        return node
    try:
        rest = list(remaining_line_items(client, node["id"], page_info["endCursor"]))
    except LookupError:
        log.info("reconcile: order %s was deleted while its line items were read", node["id"])
        return None
    lines = {"pageInfo": {"hasNextPage": False}, "nodes": [*connection["nodes"], *rest]}
    return {**node, "lineItems": lines}


def apply_node(session, shop_id: int, resource: str, node: dict) -> bool:
    """One complete node through the webhook upserts; False when it was not applied."""
    if resource == "customers":
        record = graphql_records.customer_from_graphql(node)
        return upserts.upsert_customer(session, shop_id, record, source="reconcile").applied
    if resource == "products":
        record = graphql_records.product_from_graphql(node)
        return upserts.upsert_product(session, shop_id, record, source="reconcile").applied
    if resource == "checkouts":
        record = graphql_records.checkout_from_graphql(node)
        return upserts.upsert_checkout(session, shop_id, record, source="reconcile").applied
    if (node.get("lineItems") or {}).get("pageInfo", {}).get("hasNextPage"):
        raise ValueError(f"order {node.get('id')}: line items cut off (use with_all_line_items)")
    record = graphql_records.order_from_graphql(node)
    return upserts.upsert_order(session, shop_id, record, source="reconcile").applied


@with_app_context
def reconcile_shop(shop_id: int) -> dict[str, int]:
    """Re-read the shop's changes since the last success; counts of nodes read and applied."""
    with db.transaction() as session:
        shop = session.get(Shop, shop_id)
        if shop is None or not shop.is_installed:
            return {}
        since = window_start(session, shop_id)
        if since is None:
            return {"skipped": 1}  # no backfill finished yet: the backfill covers everything
        until = utcnow()
        run = JobRun(shop_id=shop_id, kind=KIND, status="running", started_at=until, checkpoint={})
        session.add(run)
        session.flush()
        run_id, domain = run.id, shop.domain
    counts: Counter[str] = Counter()
    client = AdminClient(None, domain)
    start = (since - OVERLAP).strftime("%Y-%m-%dT%H:%M:%SZ")
    try:
        for resource in RESOURCES:
            nodes = changed_since(client, resource, start)
            while True:
                with db.transaction() as session:
                    taken = 0
                    for node in nodes:
                        counts[f"{resource}_read"] += 1
                        if resource == "orders":
                            node = with_all_line_items(client, node)
                        if node is not None:
                            counts[f"{resource}_applied"] += int(apply_node(session, shop_id, resource, node))
                        taken += 1
                        if taken >= COMMIT_EVERY:
                            break
                    run = session.get(JobRun, run_id)
                    run.progress_done = sum(v for k, v in counts.items() if k.endswith("_read"))
                if taken < COMMIT_EVERY:
                    break
    except Exception as exc:
        with db.transaction() as session:
            run = session.get(JobRun, run_id)
            run.status, run.error, run.finished_at = "failed", f"{type(exc).__name__}: {exc}"[:2000], utcnow()
        raise
    with db.transaction() as session:
        run = session.get(JobRun, run_id)
        run.status, run.finished_at = "succeeded", utcnow()
        run.checkpoint = {"since": start, "until": until.isoformat(), "counts": dict(counts)}
    return dict(counts)


@with_app_context
def reconcile_all() -> int:
    """Queue a reconciliation for every installed shop; how many were queued."""
    with db.transaction() as session:
        shop_ids = list(session.scalars(select(Shop.id).where(Shop.state == "installed")))
    for shop_id in shop_ids:
        queue("sync").enqueue(
            "jobs.reconcile.reconcile_shop", shop_id, job_id=f"reconcile-shop-{shop_id}", job_timeout=3600
        )
    return len(shop_ids)


def queue_reconcile_all() -> bool:
    """Queue `reconcile_all` under one job id unless it is already waiting (N workers' tickers
    and the CLI make one run); False when it was waiting. Redis errors propagate."""
    try:
        job = Job.fetch(RECONCILE_ALL_JOB_ID, connection=redis(), serializer=JSONSerializer)
        if job.get_status(refresh=False) in WAITING:
            return False
    except NoSuchJobError:
        pass
    queue("sync").enqueue("jobs.reconcile.reconcile_all", job_id=RECONCILE_ALL_JOB_ID, result_ttl=0)
    return True


def start_ticker(app: Flask) -> threading.Thread:
    """A daemon thread queueing `reconcile_all` every RECONCILE_INTERVAL_SECONDS (first after one)."""
    interval = float(app.config.get("RECONCILE_INTERVAL_SECONDS", DEFAULT_INTERVAL_SECONDS))

    def tick() -> None:
        while True:
            time.sleep(interval)
            try:
                with app.app_context():
                    queue_reconcile_all()
            except (RedisError, OSError):
                log.warning("could not queue reconciliation: Redis unavailable")

    thread = threading.Thread(target=tick, name="reconcile-ticker", daemon=True)
    thread.start()
    return thread
