"""Webhook delivery to the app, signed and headed as Shopify sends it (PLATFORM 1.1-1.4).

`WebhookSender.deliver` makes the first attempt at once and returns its outcome; a failed
delivery (non-2xx, 3xx included, or no connection) is retried from a background thread after
each of `config.webhook_retry_delays` in turn, with the same webhook id, event id, body and
signature, as Shopify retries. Every attempt is logged. Fault injection (duplicates, reordering,
drops, delays) will slot in between building a `Delivery` and attempting it.
"""

from __future__ import annotations

import base64
import hashlib
import heapq
import hmac
import itertools
import json
import threading
import time
import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpx

from devstore.store import Shop

if TYPE_CHECKING:
    from devstore.state import DevstoreConfig


def hmac_signature(body: bytes, secret: str) -> str:
    """base64 HMAC-SHA256 of the raw body, keyed by the app's client secret."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def triggered_at_header(moment: datetime | None = None) -> str:
    """Shopify's format, e.g. 2025-07-10T16:15:47.000000Z."""
    return (moment or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def shop_webhook_body(shop: Shop) -> dict[str, Any]:
    """The REST shop resource, as `app/uninstalled` and `shop/update` carry it."""
    return {
        "id": shop.id,
        "name": shop.name,
        "email": shop.email,
        "domain": shop.domain,
        "myshopify_domain": shop.domain,
        "customer_email": shop.email,
        "currency": shop.currency,
        "iana_timezone": shop.iana_timezone,
        "plan_name": shop.plan_name,
        "plan_display_name": shop.plan_name.replace("_", " ").title(),
        "created_at": shop.created_at,
        "updated_at": shop.created_at,
    }


@dataclass
class Delivery:
    """One webhook as Shopify keeps it across attempts."""

    shop: str
    topic: str
    url: str
    body: bytes
    headers: dict[str, str]
    webhook_id: str
    event_id: str
    attempts: int = 0


@dataclass
class DeliveryAttempt:
    webhook_id: str
    event_id: str
    shop: str
    topic: str
    url: str
    attempt: int
    status_code: int | None
    error: str | None
    delivered: bool
    at: str


@dataclass
class DeliveryResult:
    webhook_id: str
    event_id: str
    shop: str
    topic: str
    url: str | None
    delivered: bool
    status_code: int | None = None
    error: str | None = None
    will_retry: bool = False

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(order=True)
class _Scheduled:
    due: float
    sequence: int
    delivery: Delivery = field(compare=False)


class WebhookSender:
    def __init__(self, config: DevstoreConfig) -> None:
        self.config = config  # read at each delivery: tests may point app_url elsewhere
        self._log: list[DeliveryAttempt] = []
        self._queue: list[_Scheduled] = []
        self._sequence = itertools.count()
        self._condition = threading.Condition()
        self._worker: threading.Thread | None = None
        self._in_flight = 0
        self._closed = False
        self._clients = threading.local()

    def subscription_url(self, topic: str) -> str | None:
        """The app's endpoint for a topic: its toml `uri`, joined to the app's base URL."""
        uri = self.config.webhook_subscriptions.get(topic)
        if not uri:
            return None
        parts = urlsplit(uri)
        if parts.scheme in ("http", "https"):  # a production URL in the toml: keep its path
            uri = parts.path + (f"?{parts.query}" if parts.query else "")
        return self.config.app_url.rstrip("/") + "/" + uri.lstrip("/")

    def deliver(
        self,
        shop: Shop | str,
        topic: str,
        body: dict[str, Any],
        *,
        webhook_id: str | None = None,
        event_id: str | None = None,
        triggered_at: str | None = None,
        lost: bool = False,
    ) -> DeliveryResult:
        """Deliver now (retrying later on failure); `lost` fakes a first attempt that never
        reached the app, so only Shopify's retries deliver it (fault injection)."""
        domain = shop if isinstance(shop, str) else shop.domain
        webhook_id = webhook_id or str(uuid.uuid4())
        event_id = event_id or str(uuid.uuid4())
        url = self.subscription_url(topic)
        if url is None:
            return DeliveryResult(webhook_id, event_id, domain, topic, None, False, error="no subscription")
        raw = json.dumps(body, separators=(",", ":"), default=str).encode()
        headers = {
            "Content-Type": "application/json",
            "X-Shopify-Topic": topic,
            "X-Shopify-Hmac-Sha256": hmac_signature(raw, self.config.client_secret),
            "X-Shopify-Shop-Domain": domain,
            "X-Shopify-API-Version": self.config.webhook_api_version,
            "X-Shopify-Webhook-Id": webhook_id,
            "X-Shopify-Triggered-At": triggered_at or triggered_at_header(),
            "X-Shopify-Event-Id": event_id,
        }
        delivery = Delivery(domain, topic, url, raw, headers, webhook_id, event_id)
        attempt = self._lost(delivery) if lost else self._attempt(delivery)
        will_retry = not attempt.delivered and self._schedule_retry(delivery)
        return DeliveryResult(
            webhook_id,
            event_id,
            domain,
            topic,
            url,
            attempt.delivered,
            attempt.status_code,
            attempt.error,
            will_retry,
        )

    def log(self, shop: str | None = None, topic: str | None = None) -> list[DeliveryAttempt]:
        with self._condition:
            return [
                a
                for a in self._log
                if (shop is None or a.shop == shop) and (topic is None or a.topic == topic)
            ]

    def pending(self) -> int:
        with self._condition:
            return len(self._queue) + self._in_flight

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until no retry is scheduled or running (for tests); False on timeout."""
        deadline = time.monotonic() + timeout
        with self._condition:
            while self._queue or self._in_flight:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._condition.wait(remaining)
            return True

    def drop_retries(self) -> int:
        """Forget every scheduled retry (for tests: one test's undeliverable webhooks must not
        keep a later test's wait_idle waiting); how many there were. A retry already running
        finishes."""
        with self._condition:
            dropped = len(self._queue)
            self._queue.clear()
            self._condition.notify_all()
            return dropped

    def close(self) -> None:
        with self._condition:
            self._closed = True
            self._queue.clear()
            self._condition.notify_all()
        if self._worker is not None:
            self._worker.join(timeout=10)

    # Internals ----------------------------------------------------------------------------

    def _client(self) -> httpx.Client:
        """One client per thread (attempts run on request, retry and fault-sender threads):
        building a client costs an SSL context, far more than the delivery itself."""
        client = getattr(self._clients, "client", None)
        if client is None:
            client = httpx.Client(follow_redirects=False)
            self._clients.client = client
        return client

    def _attempt(self, delivery: Delivery) -> DeliveryAttempt:
        delivery.attempts += 1
        status_code: int | None = None
        error: str | None = None
        try:
            response = self._client().post(
                delivery.url,
                content=delivery.body,
                headers=delivery.headers,
                timeout=self.config.webhook_timeout,
            )
            status_code = response.status_code
            if not 200 <= status_code < 300:
                error = f"HTTP {status_code}"
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"
        attempt = DeliveryAttempt(
            webhook_id=delivery.webhook_id,
            event_id=delivery.event_id,
            shop=delivery.shop,
            topic=delivery.topic,
            url=delivery.url,
            attempt=delivery.attempts,
            status_code=status_code,
            error=error,
            delivered=error is None,
            at=triggered_at_header(),
        )
        with self._condition:
            self._log.append(attempt)
        return attempt

    def _lost(self, delivery: Delivery) -> DeliveryAttempt:
        delivery.attempts += 1
        attempt = DeliveryAttempt(
            webhook_id=delivery.webhook_id,
            event_id=delivery.event_id,
            shop=delivery.shop,
            topic=delivery.topic,
            url=delivery.url,
            attempt=delivery.attempts,
            status_code=None,
            error="lost in transit (fault injection)",
            delivered=False,
            at=triggered_at_header(),
        )
        with self._condition:
            self._log.append(attempt)
        return attempt

    def _schedule_retry(self, delivery: Delivery) -> bool:
        delays = self.config.webhook_retry_delays
        if delivery.attempts > len(delays):
            return False  # Shopify gives up after its last retry
        with self._condition:
            if self._closed:
                return False
            due = time.monotonic() + delays[delivery.attempts - 1]
            heapq.heappush(self._queue, _Scheduled(due, next(self._sequence), delivery))
            if self._worker is None:
                self._worker = threading.Thread(
                    target=self._run_retries, name="devstore-webhook-retries", daemon=True
                )
                self._worker.start()
            self._condition.notify_all()
        return True

    def _run_retries(self) -> None:
        while True:
            with self._condition:
                while not self._closed and (not self._queue or self._queue[0].due > time.monotonic()):
                    timeout = self._queue[0].due - time.monotonic() if self._queue else None
                    self._condition.wait(timeout)
                if self._closed:
                    return
                delivery = heapq.heappop(self._queue).delivery
                self._in_flight += 1
            try:
                attempt = self._attempt(delivery)
                if not attempt.delivered:
                    self._schedule_retry(delivery)
            finally:
                with self._condition:
                    self._in_flight -= 1
                    self._condition.notify_all()
