"""Asking for a drain: one queued drain job per shop at a time, however many webhooks arrive."""

from __future__ import annotations

import logging

from redis.exceptions import RedisError

from app.queues import queue
from app.redis_conn import redis

log = logging.getLogger(__name__)

# Set while a drain for the shop is queued and not yet started; the drain clears it first
# thing, so a webhook landing mid-drain queues the next one instead of being missed.
PENDING_FLAG = "orbit:drain-pending:{shop_id}"
PENDING_FLAG_TTL_SECONDS = 600


def drain_job_id(shop_id: int) -> str:
    return f"drain-shop-{shop_id}"


def request_drain(shop_id: int) -> bool:
    """Enqueue the shop's drain unless one is already waiting; never raises for Redis trouble."""
    try:
        connection = redis()
        if not connection.set(PENDING_FLAG.format(shop_id=shop_id), 1, nx=True, ex=PENDING_FLAG_TTL_SECONDS):
            return False
        queue("webhooks").enqueue(
            "jobs.drain.drain_shop", shop_id, job_id=drain_job_id(shop_id), result_ttl=0, failure_ttl=86400
        )
        return True
    except (RedisError, OSError):
        # The row is safely stored; the periodic sweeper will queue its drain later.
        log.warning("could not queue the drain for shop %s: Redis unavailable", shop_id)
        return False


def clear_pending_flag(shop_id: int) -> None:
    redis().delete(PENDING_FLAG.format(shop_id=shop_id))
