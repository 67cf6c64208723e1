"""Asking for a drain: one queued drain job per shop at a time, however many webhooks arrive."""

from __future__ import annotations

import logging
import threading
from typing import Any

from flask import current_app
from redis.exceptions import ConnectionError as RedisConnectionError
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
        if not _flags().set_pending(PENDING_FLAG.format(shop_id=shop_id)):
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


class _PendingFlags:
    """SET key 1 NX EX ttl, the intake's one Redis command per new delivery, sent on a
    connection of the app's Redis pool that this process keeps for it: the client's per-command
    path (pool checkout and release, retry wrapper, timing hooks) costs as much CPU as the
    round trip. A request finding it busy (a threaded server) goes through the client. An error
    drops the connection (redis-py reconnects it on the next command); a connection error is
    tried once more on a new connection, others are raised."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self._lock = threading.Lock()
        self._connection: Any = None

    def set_pending(self, key: str) -> bool:
        if not self._lock.acquire(blocking=False):
            return bool(self.client.set(key, 1, nx=True, ex=PENDING_FLAG_TTL_SECONDS))
        try:
            if self._connection is None:
                self._connection = self.client.connection_pool.get_connection()
            connection = self._connection
            for attempt in (1, 2):
                try:
                    connection.send_command("SET", key, 1, "NX", "EX", PENDING_FLAG_TTL_SECONDS)
                    return connection.read_response() is not None
                except RedisConnectionError:
                    # A connection Redis closed (a restart): tried once more on a new one, as
                    # the client's own retry would.
                    connection.disconnect()
                    if attempt == 2:
                        raise
                except BaseException:
                    connection.disconnect()
                    raise
            raise AssertionError("unreachable")
        finally:
            self._lock.release()


_flags_lock = threading.Lock()


def _flags() -> _PendingFlags:
    client = redis()
    flags = current_app.extensions.get("orbit_drain_flags")
    if flags is None or flags.client is not client:
        with _flags_lock:
            flags = current_app.extensions.get("orbit_drain_flags")
            if flags is None or flags.client is not client:
                flags = current_app.extensions["orbit_drain_flags"] = _PendingFlags(client)
    return flags
