"""The push job: one queued push per shop at a time, carrying the customers to re-push.

`request_push(shop_id, customer_ids)` adds the customers to the shop's Redis set (no ids means
a full push) and queues the job unless one is already waiting, like the webhook drain. The job
takes the whole set first thing, so customers added while it runs queue the next push. The
desired tags come from the analytics segments (`app.segments.tags.desired_orbit_tags`); the push
itself (`app.push.sync`) is crash-safe, so RQ's retry of a failed push resumes it.

Every push also brings the Shopify segments in line (`app.push.segment_sync`): that is a diff
against what Orbit recorded, so it sends nothing when nothing changed, and a segment renamed,
deleted or stopped in the API (`request_push(shop_id, [], segments=True)`) follows at once.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from rq import Retry

from app import db
from app.models import JobRun, Shop, utcnow
from app.push.segment_sync import sync_segments, wanted_segments
from app.push.sync import push_tags
from app.queues import queue
from app.redis_conn import redis
from app.shopify.client import AdminClient
from jobs.context import with_app_context

log = logging.getLogger(__name__)

PENDING_FLAG = "orbit:push-pending:{shop_id}"
CUSTOMERS_KEY = "orbit:push-customers:{shop_id}"
FULL_KEY = "orbit:push-full:{shop_id}"
PENDING_TTL_SECONDS = 3600


def push_job_id(shop_id: int) -> str:
    return f"push-shop-{shop_id}"


def request_push(shop_id: int, customer_ids: Iterable[int] | None = None, *, segments: bool = False) -> bool:
    """Ask for a push of these customers (None: all); True when a new job was queued.
    `segments`: queue a push even without customers, for the Shopify segments to follow."""
    connection = redis()
    ids = [int(c) for c in customer_ids] if customer_ids is not None else None
    if ids is None:
        connection.set(FULL_KEY.format(shop_id=shop_id), 1)
    elif ids:
        connection.sadd(CUSTOMERS_KEY.format(shop_id=shop_id), *ids)
    elif not segments:
        return False
    if not connection.set(PENDING_FLAG.format(shop_id=shop_id), 1, nx=True, ex=PENDING_TTL_SECONDS):
        return False
    queue("push").enqueue(
        "jobs.push.push_shop",
        shop_id,
        job_id=push_job_id(shop_id),
        result_ttl=0,
        failure_ttl=86400,
        retry=Retry(max=3, interval=[10, 60, 300]),
    )
    return True


def take_requested(shop_id: int) -> list[int] | None:
    """The customers asked for since the last push (None: everyone), atomically emptied."""
    connection = redis()
    with connection.pipeline() as pipe:
        pipe.delete(PENDING_FLAG.format(shop_id=shop_id))
        pipe.getdel(FULL_KEY.format(shop_id=shop_id))
        pipe.smembers(CUSTOMERS_KEY.format(shop_id=shop_id))
        pipe.delete(CUSTOMERS_KEY.format(shop_id=shop_id))
        _, full, members, _ = pipe.execute()
    if full:
        return None
    return sorted(int(m) for m in members)


def desired_tags(shop_id: int, customer_ids: list[int] | None) -> dict[int, set[str]]:
    from app.segments.tags import desired_orbit_tags  # analytics area (issue 4)

    with db.transaction() as session:
        return desired_orbit_tags(session, shop_id, customer_ids)


@with_app_context
def push_shop(shop_id: int) -> dict[str, int]:
    customer_ids = take_requested(shop_id)
    with db.transaction() as session:
        shop = session.get(Shop, shop_id)
        if shop is None or not shop.is_installed:  # uninstall stops pushes
            return {}
        domain = shop.domain
        run = JobRun(shop_id=shop_id, kind="push", status="running", started_at=utcnow())
        session.add(run)
        session.flush()
        run_id = run.id
    try:
        client = AdminClient(None, domain)
        report = push_tags(
            shop_id, desired_tags(shop_id, customer_ids), customer_ids=customer_ids, client=client
        )
        segments = sync_segments(shop_id, wanted_segments(shop_id), client)
    except Exception as exc:
        if customer_ids:  # give the customers back, so the retry (or the next push) covers them
            redis().sadd(CUSTOMERS_KEY.format(shop_id=shop_id), *customer_ids)
        elif customer_ids is None:
            redis().set(FULL_KEY.format(shop_id=shop_id), 1)
        with db.transaction() as session:
            failed = session.get(JobRun, run_id)
            failed.status, failed.error, failed.finished_at = (
                "failed",
                f"{type(exc).__name__}: {exc}",
                utcnow(),
            )
        raise
    summary = {
        "tag_changes": report.tag_changes,
        "requests": report.requests,
        "refused": len(report.refusals),
        "missing_customers": len(report.missing_customers),
        "resolved_in_doubt": report.resolved_in_doubt,
        "bulk": int(report.used_bulk),
        **{f"segments_{name}": count for name, count in segments.items()},
    }
    with db.transaction() as session:
        done = session.get(JobRun, run_id)
        done.status, done.finished_at, done.checkpoint = "succeeded", utcnow(), summary
        done.progress_done = done.progress_total = report.tag_changes
    return summary
