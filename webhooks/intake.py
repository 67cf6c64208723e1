"""POST /webhooks/...: verify the HMAC, store the delivery, answer. Nothing else happens in
the request: the drain job applies deliveries later, in order (DESIGN 4).

The intake is WSGI middleware in front of Flask rather than a blueprint: a delivery needs
none of Flask's request handling (routing, the request and response objects, the context-local
proxies, the after-request hooks), and on this path that handling cost as much CPU as the
verification and the insert together. It holds the app and takes the engine, the Redis client
and shopifyapp's verifier from it, as the rest of the app does from its context. Every
/webhooks path is answered here; everything else goes on to Flask. The answers keep the app's
JSON error shape."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any

import orjson
from flask import Flask
from werkzeug.wsgi import get_input_stream

from app import db
from app.shopify import clients
from webhooks import drain_queue
from webhooks.store import DeliveryNotStored, DeliveryWriter, IncomingDelivery, parse_triggered_at
from webhooks.topics import COMPLIANCE_TOPICS

log = logging.getLogger(__name__)

PATH_PREFIX = "/webhooks"

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


def _environ_key(header: str) -> str:
    return "HTTP_" + header.upper().replace("-", "_")


_ENVIRON_KEYS = {
    header: _environ_key(header)
    for header in (*REQUIRED_HEADERS, *VERIFIED_HEADERS, "X-Shopify-Event-Id", "X-Shopify-Triggered-At")
}

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


@dataclass(frozen=True, slots=True)
class IntakeAnswer:
    """What the intake answers: a status, and for a refusal the message of the JSON error."""

    status: int
    message: str | None = None


ACCEPTED = IntakeAnswer(200)


class WebhookIntake:
    """WSGI middleware answering /webhooks itself and passing every other request on to the
    Flask app it wraps."""

    def __init__(self, app: Flask, wrapped: WsgiApp) -> None:
        self.app = app
        self.wrapped = wrapped

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path != PATH_PREFIX and not path.startswith(PATH_PREFIX + "/"):
            return self.wrapped(environ, start_response)
        if environ.get("REQUEST_METHOD") != "POST":
            return _respond(start_response, IntakeAnswer(405, "webhooks are POSTed"), [("Allow", "POST")])
        try:
            answer = receive(self.app, environ)
        except Exception:
            # Never a traceback to the caller; Shopify retries a 500 as it does a timeout.
            log.exception("unhandled error in the webhook intake")
            answer = IntakeAnswer(500, "internal error")
        return _respond(start_response, answer)


def init_app(app: Flask) -> None:
    app.wsgi_app = WebhookIntake(app, app.wsgi_app)  # type: ignore[method-assign]
    # Built with the app, not by its first delivery: compiling the writer's statements configures
    # every ORM mapper (~25 ms of CPU), which a gunicorn worker then pays before it takes
    # requests, and gunicorn.conf.py freezes out of the GC with the rest of the app.
    _writer(app)


def _respond(
    start_response: StartResponse, answer: IntakeAnswer, extra_headers: list[tuple[str, str]] | None = None
) -> list[bytes]:
    status_line = f"{answer.status} {HTTPStatus(answer.status).phrase}"
    if answer.message is None:
        start_response(status_line, [("Content-Length", "0"), *(extra_headers or ())])
        return []
    # The app's error shape (app.errors.error_response): {"error": {"message", "status"}}.
    body = orjson.dumps({"error": {"message": answer.message, "status": answer.status}}) + b"\n"
    headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    start_response(status_line, [*headers, *(extra_headers or ())])
    return [body]


def receive(app: Flask, environ: dict[str, Any]) -> IntakeAnswer:
    """Verify, persist, answer; 200 only once the delivery is durably stored."""
    limit = app.config["WEBHOOK_MAX_BODY_BYTES"]
    declared = _content_length(environ)
    if declared is not None and declared > limit:
        log.warning("webhook refused: body of %s bytes is over the limit", declared)
        return IntakeAnswer(413, "webhook body too large")
    if declared is not None and not environ.get("wsgi.input_terminated"):
        # WSGI's own bound: read exactly the declared length (werkzeug's wrapper costs more).
        raw = environ["wsgi.input"].read(declared) if declared else b""
    else:
        raw = get_input_stream(environ).read(limit + 1)
    if len(raw) > limit:
        log.warning("webhook refused: body over the limit of %s bytes", limit)
        return IntakeAnswer(413, "webhook body too large")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        log.warning("webhook refused: body is not UTF-8")
        return IntakeAnswer(400, "webhook body is not UTF-8 JSON")
    headers = {name: environ.get(key) for name, key in _ENVIRON_KEYS.items()}
    verified, status = _verify(app, environ, headers, text)
    if not verified:
        log.warning("webhook refused: signature check failed (%s)", status)
        return IntakeAnswer(status, "webhook signature could not be verified")

    missing = [name for name in REQUIRED_HEADERS if not headers[name]]
    if missing:
        log.warning("webhook refused: missing headers %s", missing)
        return IntakeAnswer(400, f"missing headers: {', '.join(missing)}")
    topic = headers["X-Shopify-Topic"]
    domain = headers["X-Shopify-Shop-Domain"].lower()

    malformed = _parse_json_object(raw)
    delivery = IncomingDelivery(
        shop_id=None,  # found by its domain in the statement that stores the delivery
        webhook_id=headers["X-Shopify-Webhook-Id"],
        topic=topic,
        api_version=headers["X-Shopify-API-Version"],
        event_id=headers["X-Shopify-Event-Id"],
        triggered_at=triggered_at_or_now(headers["X-Shopify-Triggered-At"]),
        payload=raw,
        # A signed but unreadable body is kept as a dead letter for a person to look at.
        status="dead" if malformed else "pending",
        last_error=malformed,
    )
    try:
        # One statement in autocommit: the row is durable when it returns.
        shop_id, is_new = _writer(app).record_for_domain(domain, delivery)
    except DeliveryNotStored:
        log.exception("webhook not stored: database unavailable")
        return IntakeAnswer(503, "temporarily unable to store the webhook")
    if shop_id is None:
        if topic in COMPLIANCE_TOPICS:
            # Nothing is held for a shop Orbit never knew: the request is honoured as is.
            log.info("compliance webhook %s for unknown shop %s: nothing stored", topic, domain)
            return ACCEPTED
        log.warning("webhook %s refused: unknown shop %s", topic, domain)
        return IntakeAnswer(404, "unknown shop")
    if malformed:
        log.warning("webhook %s from %s recorded as dead letter: %s", topic, domain, malformed)
        return IntakeAnswer(400, malformed)
    if is_new:
        drain_queue.request_drain(shop_id, app)
    return ACCEPTED


def _content_length(environ: dict[str, Any]) -> int | None:
    """The declared body length; None when there is none (chunked) or it is unreadable."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or "")
    except ValueError:
        return None
    return length if length >= 0 else None


def _verify(
    app: Flask, environ: dict[str, Any], headers: dict[str, str | None], raw_body: str
) -> tuple[bool, int]:
    result = clients.shopify_app(app).verify_webhook_req(
        {
            # No "url": shopifyapp only copies it (redacted, by three regular expressions) into
            # the log it returns, which the intake does not use; that was a sixth of the check.
            "method": environ["REQUEST_METHOD"],
            "headers": {name: headers[name] for name in VERIFIED_HEADERS if headers[name] is not None},
            "body": raw_body,
        }
    )
    # A missing signature is as untrusted as a wrong one: 401 (compliance reviews check it).
    status = 401 if result.log.code in ("invalid_hmac", "missing_hmac_header") else result.response.status
    return result.ok, status


def _parse_json_object(raw: bytes) -> str | None:
    """None when the body is a JSON object; else why it is not. Read as the drain reads it
    (orjson), so a body the drain could not parse is a dead letter from the start."""
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return "body is not valid JSON"
    return None if isinstance(body, dict) else "body is not a JSON object"


_writer_lock = threading.Lock()


def _writer(app: Flask) -> DeliveryWriter:
    """The app's delivery writer, on the app's current engine."""
    engine = db.engine(app)
    writer = app.extensions.get("orbit_delivery_writer")
    if writer is None or writer.engine is not engine:
        with _writer_lock:
            writer = app.extensions.get("orbit_delivery_writer")
            if writer is None or writer.engine is not engine:
                if writer is not None:
                    writer.close()
                writer = app.extensions["orbit_delivery_writer"] = DeliveryWriter(engine)
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
