"""RQ queues, in priority order, all with the JSON serializer (jobs take ids, never objects)."""

from __future__ import annotations

from redis import Redis
from rq import Queue
from rq.serializers import JSONSerializer

from app.redis_conn import redis

# A worker listens to all of them in this order: fresh webhooks first, pushes last.
QUEUE_NAMES = ("webhooks", "sync", "analytics", "push")


def queue(name: str, connection: Redis | None = None) -> Queue:
    """The named queue on `connection`, or on the current app's Redis."""
    if name not in QUEUE_NAMES:
        raise ValueError(f"unknown queue {name!r}")
    return Queue(name, connection=connection or redis(), serializer=JSONSerializer)


def all_queues() -> list[Queue]:
    return [queue(name) for name in QUEUE_NAMES]
