"""Periodic reconciliation: re-read what changed in Shopify since the last successful run and feed
it through the webhook upserts (PLATFORM 1.5: "don't rely solely on webhooks").

A run covers `updated_at` from where the previous successful run (or the backfill) got to,
minus a small overlap (timestamps have one-second resolution and clocks differ), up to the
moment it started; it pages customers, products, orders and abandoned checkouts with
`updated_at:>` queries. Anything webhooks already delivered is simply re-applied (the upserts
are idempotent and never let an older fact win). Every worker runs a ticker that queues
`reconcile_all` every RECONCILE_INTERVAL_SECONDS under one job id, like the webhook sweeper
(rq's CronScheduler enqueues with pickle, which Orbit's JSON-serializer workers cannot read).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from datetime import datetime, timedelta

from flask import Flask
from redis.exceptions import RedisError
from sqlalchemy import select

from app import db
from app.models import JobRun, Shop, utcnow
from app.queues import queue
from app.shopify.bulk_operations import changed_since
from app.shopify.client import AdminClient
from jobs.context import with_app_context
from webhooks import graphql_records, upserts

log = logging.getLogger(__name__)

KIND = "reconcile"
OVERLAP = timedelta(minutes=5)
COMMIT_EVERY = 200
DEFAULT_INTERVAL_SECONDS = 3600
RESOURCES = ("customers", "products", "orders", "checkouts")


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


def apply_node(session, shop_id: int, resource: str, node: dict) -> bool:
    """One node through the webhook upserts; False when it was not applied."""
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
        # Lines are replaced wholesale: never store a cut-off list. Webhooks carry the full order.
        log.warning("reconcile skipped order %s: more line items than one page", node.get("id"))
        return False
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


def start_ticker(app: Flask) -> threading.Thread:
    """A daemon thread queueing `reconcile_all` every RECONCILE_INTERVAL_SECONDS (first after one)."""
    interval = float(app.config.get("RECONCILE_INTERVAL_SECONDS", DEFAULT_INTERVAL_SECONDS))

    def tick() -> None:
        while True:
            time.sleep(interval)
            try:
                with app.app_context():
                    queue("sync").enqueue(
                        "jobs.reconcile.reconcile_all", job_id="reconcile-all", result_ttl=0
                    )
            except (RedisError, OSError):
                log.warning("could not queue reconciliation: Redis unavailable")

    thread = threading.Thread(target=tick, name="reconcile-ticker", daemon=True)
    thread.start()
    return thread
