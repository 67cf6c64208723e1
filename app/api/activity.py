"""Activity: long jobs with progress and outcome, and the webhook inbox's health."""

from __future__ import annotations

from datetime import timedelta

from flask import Response, g, jsonify
from redis.exceptions import RedisError
from sqlalchemy import func, select

from app import db
from app.api import bp
from app.api.ui_json import bad_argument, int_arg, iso
from app.errors import error_response
from app.models import JobRun, WebhookDelivery, utcnow
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


@bp.get("/activity")
@session_token_required
def activity() -> Response:
    """Recent long jobs and webhook health (last 24 hours and all time), with the dead letters."""
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
