"""Referral jobs: thin shells over app/referral_program.

- `run_referrals(shop_id, now=None)`: attribute orders changed since the last run, move holds
  on, issue earned rewards exactly once (one Shopify refuses is retried next run, then shown as
  failed), reverse or flag rewards whose order was refunded or charged back after issuance, and
  enrol customers who now have a paid order (a batch per run: code, discount, metafield).
  Queued per shop with a deterministic id (coalesced like the drain), after each drain and
  periodically; `now` (ISO-8601) lets tests and back-fills pass the hold clock.
- `enrol_advocate(shop_id, customer_id)`: give a customer a code, link and metafield.
- `start_ticker(app)`: the worker queues `run_all` every REFERRALS_INTERVAL_SECONDS (default
  hourly), so holds mature and rewards go out in shops that see no new orders.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timedelta

from flask import Flask, current_app
from redis.exceptions import RedisError
from rq import Retry
from sqlalchemy import select

from app import db
from app.models import Advocate, Shop, utcnow
from app.queues import queue
from app.redis_conn import redis
from app.referral_program import advocates, attribution, counts, reversal, rewards
from app.referral_program.settings import load
from app.shopify.client import AdminClient
from jobs.context import with_app_context

log = logging.getLogger(__name__)

WATERMARK = "orbit:referrals-watermark:{shop_id}"
OVERLAP = timedelta(minutes=5)  # rows committed out of order around the last run are seen again


def referral_job_id(shop_id: int) -> str:
    return f"referrals-shop-{shop_id}"


def request_referral_run(shop_id: int) -> None:
    """Queue a run for the shop (if its program is on) unless one is already waiting."""
    with db.transaction() as session:
        shop = session.get(Shop, shop_id)
        if shop is None or not load(shop.settings)["enabled"]:
            return
    job_id = referral_job_id(shop_id)
    existing = queue("sync").fetch_job(job_id)
    if existing is not None and existing.get_status(refresh=True) in ("queued", "deferred", "scheduled"):
        return
    queue("sync").enqueue(
        "jobs.referrals.run_referrals",
        shop_id,
        job_id=job_id,
        result_ttl=0,
        failure_ttl=86400,
        retry=Retry(max=3, interval=[10, 60, 300]),
    )


def _parse(moment: str | None) -> datetime:
    return datetime.fromisoformat(moment) if moment else utcnow()


@with_app_context
def run_referrals(shop_id: int, now: str | None = None) -> dict[str, int]:
    clock = _parse(now)
    with db.transaction() as session:
        shop = session.get(Shop, shop_id)
        if shop is None or not shop.is_installed or not load(shop.settings)["enabled"]:
            return {}
        domain = shop.domain
    client = AdminClient(None, domain)
    started = utcnow()
    stored = redis().get(WATERMARK.format(shop_id=shop_id))
    since = (
        datetime.fromisoformat(stored.decode()) - OVERLAP if stored else attribution.default_since(started)
    )
    summary: dict[str, int] = {}
    with db.transaction() as session:
        shop = session.get(Shop, shop_id)
        found = attribution.attribute_orders(session, shop, client, load(shop.settings), since)
        summary["attributed"] = len(found)
        summary.update(rewards.evaluate_holds(session, shop, clock))
        summary["advocates_changed"] = counts.sync_referral_counts(session, shop_id)
    redis().set(WATERMARK.format(shop_id=shop_id), started.isoformat())
    if summary["advocates_changed"]:
        from jobs.analytics import request_incremental

        # Their referral_count changed: the advocates segment (tag orbit:advocate) follows.
        request_incremental(shop_id)
    with db.transaction() as session:
        due = rewards.due_rewards(session, shop_id)
    summary.update(rewards.issue_due(due, client))
    with db.transaction() as session:
        refunded = reversal.refunded_after_issue(session, shop_id)
    summary["reversed_or_flagged"] = sum(1 for r in refunded if reversal.reverse_reward(r, client, clock))
    batch = int(current_app.config.get("REFERRALS_ENROL_BATCH", advocates.ENROL_BATCH))
    with db.transaction() as session:
        # Codes are committed before Shopify hears of them (see app/referral_program/advocates.py).
        shop = session.get(Shop, shop_id)
        summary["enrolled"] = len(advocates.enrol_eligible(session, shop, batch))
        settings = load(shop.settings)
    with db.transaction() as session:
        pending = advocates.unpublished(session, shop_id, batch)
    summary["published"] = advocates.publish_advocates(pending, client, settings)
    return summary


@with_app_context
def enrol_advocate(shop_id: int, customer_id: int) -> dict[str, str]:
    """Reserve the code (committed first), then publish it in Shopify and record that."""
    with db.transaction() as session:
        shop = session.get(Shop, shop_id)
        advocate = advocates.reserve_advocate(session, shop, customer_id)
        advocate_id, settings, domain = advocate.id, load(shop.settings), shop.domain
    advocates.publish_advocates([advocate_id], AdminClient(None, domain), settings)
    with db.transaction() as session:
        advocate = session.get(Advocate, advocate_id)
        return {
            "code": advocate.code,
            "link": advocate.link or "",
            "discount_gid": advocate.discount_gid or "",
        }


DEFAULT_INTERVAL_SECONDS = 3600


@with_app_context
def run_all() -> int:
    """Queue a run for every installed shop whose program is on (the periodic pass)."""
    with db.transaction() as session:
        shop_ids = list(session.scalars(select(Shop.id).where(Shop.state == "installed").order_by(Shop.id)))
    queued = 0
    for shop_id in shop_ids:
        before = queue("sync").count
        request_referral_run(shop_id)
        queued += int(queue("sync").count > before)
    return queued


def start_ticker(app: Flask) -> threading.Thread:
    """A daemon thread queueing `run_all` every REFERRALS_INTERVAL_SECONDS."""
    interval = float(app.config.get("REFERRALS_INTERVAL_SECONDS", DEFAULT_INTERVAL_SECONDS))

    def tick() -> None:
        while True:
            time.sleep(interval)
            try:
                with app.app_context():
                    queue("sync").enqueue("jobs.referrals.run_all", job_id="referrals-run-all", result_ttl=0)
            except (RedisError, OSError):
                log.warning("could not queue the referral pass: Redis unavailable")

    thread = threading.Thread(target=tick, name="referrals-ticker", daemon=True)
    thread.start()
    return thread
