"""Asking for a drain: one queued drain job per shop at a time, however many webhooks arrive."""

from __future__ import annotations

import logging
import threading
from typing import Any

from flask import Flask, current_app
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError

from app.queues import queue
from app.redis_conn import client as redis_client
from app.redis_conn import redis

log = logging.getLogger(__name__)

# Set while a drain for the shop is queued and not yet started; the drain clears it first
# thing, so a webhook landing mid-drain queues the next one instead of being missed.
PENDING_FLAG = "orbit:drain-pending:{shop_id}"
PENDING_FLAG_TTL_SECONDS = 600


def drain_job_id(shop_id: int) -> str:
    return f"drain-shop-{shop_id}"


def request_drain(shop_id: int, app: Flask | None = None) -> bool:
    """Enqueue the shop's drain unless one is already waiting; never raises for Redis trouble.
    `app` is for callers outside an app context (the webhook intake); others use the current."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    try:
        flags = _flags(app)
        if not flags.set_pending(PENDING_FLAG.format(shop_id=shop_id)):
            return False
        queue("webhooks", flags.client).enqueue(
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
    round trip. The command's bytes are built once per key (a shop's key never changes; packing
    cost a third of the call). A request finding the connection busy (a threaded server) goes
    through the client. An error drops the connection (redis-py reconnects it on the next
    command); a connection error is tried once more on a new connection, others are raised."""

    # Packed commands kept, one per shop; past this many the oldest half is dropped.
    PACKED_KEPT = 4096

    def __init__(self, client: Any) -> None:
        self.client = client
        self._lock = threading.Lock()
        self._connection: Any = None
        self._packed: dict[str, list[bytes]] = {}

    def set_pending(self, key: str) -> bool:
        if not self._lock.acquire(blocking=False):
            return bool(self.client.set(key, 1, nx=True, ex=PENDING_FLAG_TTL_SECONDS))
        try:
            if self._connection is None:
                self._connection = self.client.connection_pool.get_connection()
            connection = self._connection
            packed = self._packed.get(key)
            if packed is None:
                if len(self._packed) >= self.PACKED_KEPT:
                    for old in list(self._packed)[: self.PACKED_KEPT // 2]:
                        del self._packed[old]
                packed = self._packed[key] = connection.pack_command(
                    "SET", key, 1, "NX", "EX", PENDING_FLAG_TTL_SECONDS
                )
            for attempt in (1, 2):
                try:
                    connection.send_packed_command(packed)
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


def _flags(app: Flask) -> _PendingFlags:
    client = redis_client(app)
    flags = app.extensions.get("orbit_drain_flags")
    if flags is None or flags.client is not client:
        with _flags_lock:
            flags = app.extensions.get("orbit_drain_flags")
            if flags is None or flags.client is not client:
                flags = app.extensions["orbit_drain_flags"] = _PendingFlags(client)
    return flags
