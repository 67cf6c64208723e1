"""The shop's webhook inbox at a glance, and retrying a dead letter."""

from __future__ import annotations

from datetime import UTC

from flask import Response, g, jsonify
from sqlalchemy import func, select

from app import db
from app.api import bp
from app.errors import error_response
from app.models import WebhookDelivery, utcnow
from app.security import session_token_required


@bp.get("/webhooks/health")
@session_token_required
def webhooks_health() -> Response:
    """Deliveries per status, the age of the oldest pending one, and the dead letters."""
    session = db.request_session()
    shop_rows = WebhookDelivery.shop_id == g.shop.id
    counts = dict(
        session.execute(
            select(WebhookDelivery.status, func.count()).where(shop_rows).group_by(WebhookDelivery.status)
        ).all()
    )
    oldest = session.scalar(
        select(func.min(WebhookDelivery.received_at)).where(shop_rows, WebhookDelivery.status == "pending")
    )
    if oldest is not None and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=UTC)  # stored as UTC; an aggregate may come back naive
    dead = session.execute(
        select(
            WebhookDelivery.id,
            WebhookDelivery.topic,
            WebhookDelivery.attempts,
            WebhookDelivery.last_error,
            WebhookDelivery.received_at,
        )
        .where(shop_rows, WebhookDelivery.status == "dead")
        .order_by(WebhookDelivery.id.desc())
        .limit(100)
    )
    return jsonify(
        counts=counts,
        oldest_pending_seconds=None if oldest is None else round((utcnow() - oldest).total_seconds(), 1),
        dead_letters=[
            {
                "id": row.id,
                "topic": row.topic,
                "attempts": row.attempts,
                "error": row.last_error,
                "received_at": row.received_at.isoformat() if row.received_at else None,
            }
            for row in dead
        ],
    )


@bp.post("/webhooks/dead/<int:delivery_id>/retry")
@session_token_required
def retry_dead_delivery(delivery_id: int) -> Response:
    """Put a dead (or failed) delivery of this shop back in line and ask for a drain."""
    from jobs.drain import retry_dead_letter
    from webhooks.drain_queue import request_drain

    session = db.request_session()
    if retry_dead_letter(session, delivery_id, shop_id=g.shop.id) is None:
        session.rollback()
        return error_response(404, "no dead or failed delivery with that id")
    session.commit()
    request_drain(g.shop.id)
    return jsonify(id=delivery_id, status="pending")
