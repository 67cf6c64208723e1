"""Activity: long jobs with progress and outcome, the webhook inbox's health, and the tags the
push could not write (Shopify's 250 tags per customer, 255 characters per tag)."""

from __future__ import annotations

from datetime import timedelta

from flask import Response, g, jsonify
from redis.exceptions import RedisError
from sqlalchemy import func, select

from app import db
from app.api import bp
from app.api.ui_json import bad_argument, int_arg, iso
from app.errors import error_response
from app.models import Customer, JobRun, TagSync, WebhookDelivery, utcnow
from app.security import session_token_required

DEAD_STATUSES = ("failed", "dead")


def job_json(run: JobRun) -> dict:
    percent = None
    if run.progress_total:
        percent = min(100, round(100 * run.progress_done / run.progress_total))
    elif run.status == "succeeded":
        percent = 100
    return {
        "id": run.id,
        "kind": run.kind,
        "status": run.status,
        "progress_done": run.progress_done,
        "progress_total": run.progress_total,
        "percent": percent,
        "error": run.error,
        # A push's summary (tag changes, refused, requests, ...); other kinds keep resume points there.
        "outcome": dict(run.checkpoint or {}) if run.kind == "push" and run.status == "succeeded" else None,
        "started_at": iso(run.started_at),
        "finished_at": iso(run.finished_at),
        "created_at": iso(run.created_at),
    }


def status_counts(session, shop_id: int, since=None) -> dict[str, int]:
    query = select(WebhookDelivery.status, func.count(WebhookDelivery.id)).where(
        WebhookDelivery.shop_id == shop_id
    )
    if since is not None:
        query = query.where(WebhookDelivery.received_at >= since)
    counts = dict(session.execute(query.group_by(WebhookDelivery.status)).all())
    return {
        "received": sum(counts.values()),
        "processed": counts.get("processed", 0),
        "ignored": counts.get("ignored", 0),
        "pending": counts.get("pending", 0),
        "failed": counts.get("failed", 0),
        "dead": counts.get("dead", 0),
    }


REFUSALS_SHOWN = 50


def tag_refusals(session, shop_id: int) -> dict:
    """Tags the last pushes could not write, per customer, as recorded in tag_sync.refused."""
    length = (
        func.jsonb_array_length if session.get_bind().dialect.name == "postgresql" else func.json_array_length
    )
    has_refusals = (TagSync.shop_id == shop_id, length(TagSync.refused) > 0)
    customers, tags = session.execute(
        select(func.count(TagSync.id), func.coalesce(func.sum(length(TagSync.refused)), 0)).where(
            *has_refusals
        )
    ).one()
    rows = session.execute(
        select(
            TagSync.customer_shopify_id,
            TagSync.refused,
            TagSync.updated_at,
            Customer.first_name,
            Customer.last_name,
        )
        .outerjoin(
            Customer,
            (Customer.shop_id == TagSync.shop_id) & (Customer.shopify_id == TagSync.customer_shopify_id),
        )
        .where(*has_refusals)
        .order_by(TagSync.updated_at.desc(), TagSync.id.desc())
        .limit(REFUSALS_SHOWN)
    ).all()
    return {
        "customers": customers,
        "tags": int(tags),
        "recent": [
            {
                "customer_id": customer_id,
                "customer_name": " ".join(p for p in (first, last) if p) or None,
                "tag": item.get("tag"),
                "reason": item.get("reason"),
                "recorded_at": iso(recorded_at),
            }
            for customer_id, refused, recorded_at, first, last in rows
            for item in refused
        ],
    }


@bp.get("/activity")
@session_token_required
def activity() -> Response:
    """Recent long jobs, webhook health (last 24 hours and all time) with the dead letters, and
    the tags Shopify's limits kept the push from writing."""
    try:
        limit = int_arg("limit", 30, 1, 200)
    except ValueError as exc:
        return bad_argument(exc)
    session = db.request_session()
    runs = session.scalars(
        select(JobRun)
        .where(JobRun.shop_id == g.shop.id)
        .order_by(JobRun.created_at.desc(), JobRun.id.desc())
        .limit(limit)
    ).all()
    dead_letters = session.scalars(
        select(WebhookDelivery)
        .where(WebhookDelivery.shop_id == g.shop.id, WebhookDelivery.status.in_(DEAD_STATUSES))
        .order_by(WebhookDelivery.received_at.desc())
        .limit(50)
    ).all()
    last_received = session.scalar(
        select(func.max(WebhookDelivery.received_at)).where(WebhookDelivery.shop_id == g.shop.id)
    )
    return jsonify(
        jobs=[job_json(run) for run in runs],
        tag_refusals=tag_refusals(session, g.shop.id),
        webhooks={
            "last_24_hours": status_counts(session, g.shop.id, utcnow() - timedelta(hours=24)),
            "all_time": status_counts(session, g.shop.id),
            "last_received_at": iso(last_received),
        },
        dead_letters=[
            {
                "id": delivery.id,
                "topic": delivery.topic,
                "status": delivery.status,
                "attempts": delivery.attempts,
                "last_error": delivery.last_error,
                "received_at": iso(delivery.received_at),
                "triggered_at": iso(delivery.triggered_at),
            }
            for delivery in dead_letters
        ],
    )


@bp.post("/activity/dead-letters/<int:delivery_id>/retry")
@session_token_required
def retry_dead_letter(delivery_id: int) -> Response:
    """Put one of the shop's dead (or failed) deliveries back in line and ask for a drain."""
    from jobs.drain import retry_dead_letter as put_back
    from webhooks.drain_queue import request_drain

    session = db.request_session()
    if put_back(session, delivery_id, shop_id=g.shop.id) is None:
        session.rollback()
        return error_response(404, "no such dead letter in this store")
    session.commit()
    # Without Redis the sweeper picks the row up later; the answer says which happened.
    return jsonify(retried=delivery_id, drain_queued=request_drain(g.shop.id))


@bp.post("/activity/recompute")
@session_token_required
def recompute_analytics() -> Response:
    """Queue a full analytics recompute (facts, scores, segments); its progress shows under jobs."""
    from jobs.analytics import request_full

    try:
        run_id = request_full(g.shop.id)
    except (RedisError, OSError):
        return error_response(503, "the job queue is not reachable; try again in a moment")
    return jsonify(job_run_id=int(run_id)), 202
