"""POST /webhooks/...: verify the HMAC, store the delivery, answer. Nothing else happens in
the request: the drain job applies deliveries later, in order (DESIGN 4)."""

from __future__ import annotations

import json
import logging
import threading
from datetime import UTC, datetime

from flask import Blueprint, Response, current_app, request

from app import db
from app.errors import error_response
from app.shopify import clients
from webhooks import drain_queue
from webhooks.store import DeliveryNotStored, DeliveryWriter, IncomingDelivery, parse_triggered_at
from webhooks.topics import COMPLIANCE_TOPICS

log = logging.getLogger(__name__)
bp = Blueprint("webhooks", __name__, url_prefix="/webhooks")

_writer_lock = threading.Lock()

REQUIRED_HEADERS = (
    "X-Shopify-Topic",
    "X-Shopify-Shop-Domain",
    "X-Shopify-API-Version",
    "X-Shopify-Webhook-Id",
)


# What shopifyapp's webhook check reads: the signature and the shop (under either spelling it
# accepts). Handing it only these spares a copy and redaction of every header per delivery.
VERIFIED_HEADERS = (
    "X-Shopify-Hmac-Sha256",
    "Shopify-Hmac-Sha256",
    "X-Shopify-Shop-Domain",
    "Shopify-Shop-Domain",
)


def _verify(raw_body: str) -> tuple[bool, int]:
    headers = request.headers
    result = clients.shopify_app().verify_webhook_req(
        {
            "method": request.method,
            # Only logged (redacted) by shopifyapp, never verified: the path, not the rebuilt URL.
            "url": request.path,
            "headers": {name: value for name in VERIFIED_HEADERS if (value := headers.get(name)) is not None},
            "body": raw_body,
        }
    )
    # A missing signature is as untrusted as a wrong one: 401 (compliance reviews check it).
    status = 401 if result.log.code in ("invalid_hmac", "missing_hmac_header") else result.response.status
    return result.ok, status


def _parse_json_object(raw: bytes) -> str | None:
    """None when the body is a JSON object; else why it is not."""
    try:
        body = json.loads(raw)
    except ValueError:
        return "body is not valid JSON"
    return None if isinstance(body, dict) else "body is not a JSON object"


def _writer() -> DeliveryWriter:
    """The app's delivery writer, on the app's current engine."""
    engine = db.engine()
    writer = current_app.extensions.get("orbit_delivery_writer")
    if writer is None or writer.engine is not engine:
        with _writer_lock:
            writer = current_app.extensions.get("orbit_delivery_writer")
            if writer is None or writer.engine is not engine:
                if writer is not None:
                    writer.close()
                writer = current_app.extensions["orbit_delivery_writer"] = DeliveryWriter(engine)
    return writer


def triggered_at_or_now(header: str | None) -> datetime:
    """When Shopify says the event happened. Shopify sends X-Shopify-Triggered-At on every
    current API version, but a delivery without a readable one is still kept (refusing it
    would lose the event): it is ordered as of its arrival, and the drain never sees a NULL."""
    triggered_at = parse_triggered_at(header)
    if triggered_at is None:
        log.warning("webhook without a readable X-Shopify-Triggered-At: ordered by its arrival")
        return datetime.now(UTC)
    return triggered_at


@bp.post("")
@bp.post("/<path:subscription_path>")
def receive(subscription_path: str = "") -> Response:
    """Verify, persist, answer; 200 only once the delivery is durably stored."""
    if (request.content_length or 0) > current_app.config["WEBHOOK_MAX_BODY_BYTES"]:
        log.warning("webhook refused: body of %s bytes is over the limit", request.content_length)
        return error_response(413, "webhook body too large")
    raw = request.get_data()
    if len(raw) > current_app.config["WEBHOOK_MAX_BODY_BYTES"]:
        return error_response(413, "webhook body too large")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        log.warning("webhook refused: body is not UTF-8")
        return error_response(400, "webhook body is not UTF-8 JSON")
    verified, status = _verify(text)
    if not verified:
        log.warning("webhook refused: signature check failed (%s)", status)
        return error_response(status, "webhook signature could not be verified")

    missing = [name for name in REQUIRED_HEADERS if not request.headers.get(name)]
    if missing:
        log.warning("webhook refused: missing headers %s", missing)
        return error_response(400, f"missing headers: {', '.join(missing)}")
    topic = request.headers["X-Shopify-Topic"]
    domain = request.headers["X-Shopify-Shop-Domain"].lower()

    malformed = _parse_json_object(raw)
    delivery = IncomingDelivery(
        shop_id=None,  # found by its domain in the statement that stores the delivery
        webhook_id=request.headers["X-Shopify-Webhook-Id"],
        topic=topic,
        api_version=request.headers.get("X-Shopify-API-Version"),
        event_id=request.headers.get("X-Shopify-Event-Id"),
        triggered_at=triggered_at_or_now(request.headers.get("X-Shopify-Triggered-At")),
        payload=raw,
        # A signed but unreadable body is kept as a dead letter for a person to look at.
        status="dead" if malformed else "pending",
        last_error=malformed,
    )
    try:
        # One statement in autocommit: the row is durable when it returns.
        shop_id, is_new = _writer().record_for_domain(domain, delivery)
    except DeliveryNotStored:
        log.exception("webhook not stored: database unavailable")
        return error_response(503, "temporarily unable to store the webhook")
    if shop_id is None:
        if topic in COMPLIANCE_TOPICS:
            # Nothing is held for a shop Orbit never knew: the request is honoured as is.
            log.info("compliance webhook %s for unknown shop %s: nothing stored", topic, domain)
            return Response(status=200)
        log.warning("webhook %s refused: unknown shop %s", topic, domain)
        return error_response(404, "unknown shop")
    if malformed:
        log.warning("webhook %s from %s recorded as dead letter: %s", topic, domain, malformed)
        return error_response(400, malformed)
    if is_new:
        drain_queue.request_drain(shop_id)
    return Response(status=200)
