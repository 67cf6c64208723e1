"""Recommendation jobs: the scheduled full build, the incremental update as orders arrive, and the
metafield push that follows each. Thin: load, call app.recs, store, send.

`request_update(shop_id, customer_ids)` is the cheap path for new orders (coalesced per shop like
drains: customers gather in a Redis set, one job takes them all). `build_all` is queued by the
worker's ticker (`start_ticker`, as for analytics) and rebuilds every installed shop.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable

from flask import Flask, current_app
from redis.exceptions import RedisError
from rq import Retry
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import db
from app.models import Shop, utcnow
from app.models.recommendations import CUSTOMER, PRODUCT
from app.queues import queue
from app.recs import build, metafields, storage
from app.redis_conn import redis
from app.shopify.client import AdminClient
from jobs.context import with_app_context

log = logging.getLogger(__name__)

CUSTOMERS_KEY = "orbit:recs-customers:{shop_id}"
PENDING_FLAG = "orbit:recs-pending:{shop_id}"
DEFAULT_FULL_INTERVAL_SECONDS = 24 * 3600


@with_app_context
def build_shop(shop_id: int, push: bool = True) -> dict[str, int]:
    """Full build for one shop, then push what changed."""
    with db.transaction() as session:
        summary = build.full_build(session, shop_id, utcnow())
    log.info("recommendations built for shop %s: %s", shop_id, summary)
    result = dict(vars(summary))
    if push:
        result.update(push_shop(shop_id))
    return result


@with_app_context
def update_customers(
    shop_id: int, customer_ids: list[int] | None = None, push: bool = True
) -> dict[str, int]:
    """Incremental: recompute the given customers (or those queued by request_update) and push them."""
    ids = set(customer_ids) if customer_ids is not None else _take_requested(shop_id)
    with db.transaction() as session:
        rows = build.update_customers(session, shop_id, ids, utcnow())
    result = {"customers": len(ids), "customer_rows": rows}
    if push and ids:
        result.update(push_shop(shop_id, customer_ids=ids, products=False))
    return result


@with_app_context
def push_shop(
    shop_id: int, customer_ids: Iterable[int] | None = None, products: bool = True
) -> dict[str, int]:
    """Write changed lists to metafields: products (unless products=False), then customers."""
    session = db.session_factory()()
    try:
        shop = session.get(Shop, shop_id)
        if shop is None or not shop.is_installed:
            return {}
        client = AdminClient(session, shop.domain)
        sent: dict[str, int] = {}
        if products:
            wanted = _values(storage.lists_for(session, shop_id, PRODUCT))
            outcome = metafields.push_values(session, client, shop_id, PRODUCT, wanted, session.commit)
            sent["products_sent"], sent["products_unchanged"] = outcome.sent, outcome.unchanged
        # Created on install (create_definitions); asked for here only when not on record.
        if metafields.ensure_customer_definition(session, client, shop_id):
            session.commit()
        subset = set(customer_ids) if customer_ids is not None else None
        wanted = _values(storage.lists_for(session, shop_id, CUSTOMER, subset))
        outcome = metafields.push_values(session, client, shop_id, CUSTOMER, wanted, session.commit)
        sent["customers_sent"], sent["customers_unchanged"] = outcome.sent, outcome.unchanged
        session.commit()
        return sent
    finally:
        session.close()


@with_app_context
def create_definitions(shop_id: int) -> bool:
    """Install time: the app-owned customer metafield definition; False when not installed."""
    session = db.session_factory()()
    try:
        shop = session.get(Shop, shop_id)
        if shop is None:
            raise LookupError(f"shop {shop_id} not found (yet)")  # the install may not be committed
        if not shop.is_installed:
            return False
        metafields.create_customer_definition(session, AdminClient(session, shop.domain), shop_id)
        session.commit()
        return True
    finally:
        session.close()


def definitions_on_install(session: Session, shop: Shop) -> None:
    """Hook for a new grant (app/shopify/tokens.py): forget an earlier installation's definitions
    and queue their creation. Off under TESTING unless asked for, like the backfill, so tests
    that install shops do not queue work nobody runs; never raises for Redis trouble."""
    metafields.forget_definitions(session, shop.id)
    if not current_app.config.get("ORBIT_DEFINITIONS_ON_INSTALL", not current_app.testing):
        return
    try:
        queue("push").enqueue(
            "jobs.recommendations.create_definitions",
            shop.id,
            job_id=f"recs-definitions-{shop.id}",
            result_ttl=0,
            failure_ttl=86400,
            # The install's transaction may not be committed yet when the job starts.
            retry=Retry(max=5, interval=[5, 15, 60, 300, 900]),
        )
    except (RedisError, OSError):
        # The first recommendations push creates it instead (nothing on record for the shop).
        log.warning("could not queue the metafield definitions for shop %s: Redis unavailable", shop.id)


def _values(lists: dict[int, list]) -> dict[int, str]:
    return {
        subject: metafields.metafield_value(r.product_shopify_id for r in rows)
        for subject, rows in lists.items()
    }


def request_update(shop_id: int, customer_ids: Iterable[int]) -> bool:
    """Queue an incremental update for these customers; True when a new job was queued."""
    ids = [int(c) for c in customer_ids]
    if not ids:
        return False
    try:
        connection = redis()
        connection.sadd(CUSTOMERS_KEY.format(shop_id=shop_id), *ids)
        if not connection.set(PENDING_FLAG.format(shop_id=shop_id), 1, nx=True, ex=3600):
            return False
        # The push queue: this job's work ends in metafield writes, like the tag push (DESIGN 4.5).
        queue("push").enqueue(
            "jobs.recommendations.update_customers", shop_id, job_id=f"recs-update-{shop_id}", result_ttl=0
        )
        return True
    except (RedisError, OSError):
        # Called from the drain, which must not fail for this: the scheduled full build covers them.
        log.warning("could not queue the recommendations update for shop %s: Redis unavailable", shop_id)
        return False


def _take_requested(shop_id: int) -> set[int]:
    with redis().pipeline() as pipe:
        pipe.delete(PENDING_FLAG.format(shop_id=shop_id))
        pipe.smembers(CUSTOMERS_KEY.format(shop_id=shop_id))
        pipe.delete(CUSTOMERS_KEY.format(shop_id=shop_id))
        _, members, _ = pipe.execute()
    return {int(m) for m in members}


@with_app_context
def build_all() -> int:
    """Queue a full build for every installed shop (the scheduled run)."""
    with db.transaction() as session:
        shop_ids = list(session.scalars(select(Shop.id).where(Shop.state == "installed")))
    for shop_id in shop_ids:
        queue("analytics").enqueue(
            "jobs.recommendations.build_shop", shop_id, job_id=f"recs-build-{shop_id}", result_ttl=0
        )
    return len(shop_ids)


def start_ticker(app: Flask) -> threading.Thread:
    """A daemon thread queueing `build_all` every RECOMMENDATIONS_FULL_INTERVAL_SECONDS (default daily)."""
    interval = float(app.config.get("RECOMMENDATIONS_FULL_INTERVAL_SECONDS", DEFAULT_FULL_INTERVAL_SECONDS))

    def tick() -> None:
        while True:
            time.sleep(interval)
            try:
                with app.app_context():
                    queue("analytics").enqueue(
                        "jobs.recommendations.build_all", job_id="recs-build-all", result_ttl=0
                    )
            except (RedisError, OSError):
                log.warning("could not queue the recommendations build: Redis unavailable")

    thread = threading.Thread(target=tick, name="recommendations-ticker", daemon=True)
    thread.start()
    return thread
