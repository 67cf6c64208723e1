"""The throttle-aware Admin GraphQL client for background work (pushes, bulk operations).

One client per shop and job; HTTP goes through one `requests.Session` per worker process, so
connections are reused across jobs. The client paces itself from the `throttleStatus` every
response carries (never from a plan table): before sending a request whose cost would not fit
the bucket as it stands now, it waits until it does. A THROTTLED answer, HTTP 429 and 5xx are
retried with backoff; a 401 refreshes the offline token once. Errors come back typed.
"""

from __future__ import annotations

import json
import logging
import os
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import requests
from sqlalchemy.orm import Session

from app import db
from app.shopify import API_VERSION, clients, tokens

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
BACKOFF_BASE = 0.5  # seconds; doubled per attempt, capped, with jitter
BACKOFF_CAP = 30.0
REQUEST_TIMEOUT = 60.0

# The cheapest request there is (1 point): its answer tells the bucket's size and level.
THROTTLE_PROBE = "query OrbitThrottleProbe { shop { id } }"


class ShopifyError(Exception):
    """Base of everything the client raises about an answer from Shopify."""


class GraphQLErrors(ShopifyError):
    """Top-level `errors` Shopify returned (bad document, access denied, MAX_COST_EXCEEDED)."""

    def __init__(self, errors: list[dict[str, Any]], data: dict[str, Any] | None = None) -> None:
        super().__init__("; ".join(str(e.get("message")) for e in errors))
        self.errors = errors
        self.data = data  # what did run, when only part of the document failed

    @property
    def codes(self) -> set[str]:
        return {str((e.get("extensions") or {}).get("code")) for e in self.errors}


class UserErrors(ShopifyError):
    """A mutation's payload carried `userErrors`: the input was refused, nothing to retry."""

    def __init__(self, field: str, errors: list[dict[str, Any]]) -> None:
        super().__init__(f"{field}: " + "; ".join(str(e.get("message")) for e in errors))
        self.field = field
        self.errors = errors


class ThrottledError(ShopifyError):
    """Still throttled (THROTTLED or 429) after every retry; pacing should make this rare."""


class HttpError(ShopifyError):
    def __init__(self, status: int, body: str) -> None:
        super().__init__(f"HTTP {status}: {body[:200]}")
        self.status = status


@dataclass
class ThrottleState:
    """The bucket as Shopify last reported it, and when (monotonic seconds)."""

    maximum: float
    available: float
    restore_rate: float
    observed_at: float

    def available_at(self, now: float) -> float:
        return min(self.maximum, self.available + max(now - self.observed_at, 0.0) * self.restore_rate)

    def wait_for(self, cost: float, now: float) -> float:
        """Seconds until `cost` points fit; costs above the bucket wait for a full bucket."""
        needed = min(cost, self.maximum) - self.available_at(now)
        return max(needed, 0.0) / self.restore_rate


@dataclass
class CallStats:
    """What a client did, for job progress and benchmarks."""

    requests: int = 0
    points_spent: int = 0
    throttled: int = 0
    retried: int = 0
    waited_seconds: float = 0.0
    first_sent_at: float | None = None  # clock() of the first request, for rates over the run
    last_answered_at: float | None = None


_sessions: dict[tuple[int, int, str | None], requests.Session] = {}
_sessions_lock = threading.Lock()


def worker_http_session() -> requests.Session:
    """One requests.Session per worker process (and thread): keeps connections alive across jobs."""
    key = (os.getpid(), threading.get_ident(), clients.devstore_url())
    with _sessions_lock:
        session = _sessions.get(key)
        if session is None:
            session = clients.requests_session()
            _sessions[key] = session
        return session


class AdminClient:
    """Admin GraphQL for one shop, paced by the shop's bucket."""

    def __init__(
        self,
        db_session: Session | None,
        shop_domain: str,
        *,
        http: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        max_attempts: int = MAX_ATTEMPTS,
    ) -> None:
        self.db_session = db_session
        self.shop_domain = shop_domain
        self.http = http or worker_http_session()
        self.sleep = sleep
        self.clock = clock
        self.max_attempts = max_attempts
        self.throttle: ThrottleState | None = None
        self.stats = CallStats()
        # Requested cost last seen per operation name: the estimate for the next call.
        self._known_costs: dict[str, int] = {}
        self._token: str | None = None

    @property
    def url(self) -> str:
        return f"https://{self.shop_domain}/admin/api/{API_VERSION}/graphql.json"

    def execute(
        self,
        document: str,
        variables: dict[str, Any] | None = None,
        *,
        operation_name: str | None = None,
        cost: int | None = None,
    ) -> dict[str, Any]:
        """Send one document and return its `data`; `cost` is the expected requested cost."""
        expected = cost if cost is not None else self._known_costs.get(operation_name or document, 0)
        body = {"query": document, "variables": variables or {}}
        if operation_name:
            body["operationName"] = operation_name
        payload = json.dumps(body)
        refreshed = False
        last_problem: ShopifyError = ThrottledError(f"still throttled on {self.shop_domain}")
        for attempt in range(1, self.max_attempts + 1):
            self._pace(expected)
            response = self._post(payload)
            if response is None:  # connection failure: back off and try again
                last_problem = HttpError(0, "connection failed")
                self._backoff(attempt)
                continue
            if response.status_code == 401 and not refreshed:
                refreshed = True
                self._token = self._access_token(force_refresh=True)
                continue
            if response.status_code == 429:
                last_problem = ThrottledError(f"HTTP 429 from {self.shop_domain}")
                self.stats.throttled += 1
                self.stats.retried += 1
                self._wait(_retry_after(response) or self._backoff_delay(attempt))
                continue
            if response.status_code >= 500:
                last_problem = HttpError(response.status_code, response.text)
                self._backoff(attempt)
                continue
            if response.status_code != 200:
                raise HttpError(response.status_code, response.text)
            result = response.json()
            cost_info = (result.get("extensions") or {}).get("cost") or {}
            self._observe(cost_info)
            requested = cost_info.get("requestedQueryCost")
            if isinstance(requested, int | float):
                expected = int(requested)
                self._known_costs[operation_name or document] = expected
            errors = result.get("errors") or []
            if any((e.get("extensions") or {}).get("code") == "THROTTLED" for e in errors):
                last_problem = ThrottledError(f"THROTTLED by {self.shop_domain}")
                self.stats.throttled += 1
                self.stats.retried += 1
                continue  # _pace waits for the requested cost before the next attempt
            self.stats.points_spent += int(cost_info.get("actualQueryCost") or 0)
            if errors:
                raise GraphQLErrors(errors, result.get("data"))
            return result["data"]
        raise last_problem

    def probe_throttle(self) -> ThrottleState | None:
        """Learn the shop's bucket (size, level, restore rate) before planning a large push."""
        self.execute(THROTTLE_PROBE, operation_name="OrbitThrottleProbe", cost=1)
        return self.throttle

    def _post(self, payload: str) -> requests.Response | None:
        if self._token is None:
            self._token = self._access_token(force_refresh=False)
        headers = {"Content-Type": "application/json", "X-Shopify-Access-Token": self._token}
        self.stats.requests += 1
        if self.stats.first_sent_at is None:
            self.stats.first_sent_at = self.clock()
        try:
            return self.http.post(self.url, data=payload, headers=headers, timeout=REQUEST_TIMEOUT)
        except requests.ConnectionError as exc:
            log.warning("Admin API connection error for %s: %s", self.shop_domain, exc)
            return None
        finally:
            self.stats.last_answered_at = self.clock()

    def _access_token(self, *, force_refresh: bool) -> str:
        """From the caller's session, or from a short transaction of our own (so a refreshed
        token is committed at once, whatever the caller's transaction does later)."""
        if self.db_session is not None:
            return tokens.offline_access_token(self.db_session, self.shop_domain, force_refresh=force_refresh)
        with db.transaction() as session:
            return tokens.offline_access_token(session, self.shop_domain, force_refresh=force_refresh)

    def _observe(self, cost_info: dict[str, Any]) -> None:
        status = cost_info.get("throttleStatus")
        if not status:
            return
        self.throttle = ThrottleState(
            maximum=float(status["maximumAvailable"]),
            available=float(status["currentlyAvailable"]),
            restore_rate=float(status["restoreRate"]),
            observed_at=self.clock(),
        )

    def _pace(self, cost: int) -> None:
        if self.throttle is None or cost <= 0:
            return
        self._wait(self.throttle.wait_for(cost, self.clock()))

    def _wait(self, seconds: float) -> None:
        if seconds > 0:
            self.stats.waited_seconds += seconds
            self.sleep(seconds)

    def _backoff_delay(self, attempt: int) -> float:
        return min(BACKOFF_CAP, BACKOFF_BASE * 2 ** (attempt - 1)) * (0.5 + random.random() / 2)

    def _backoff(self, attempt: int) -> None:
        self.stats.retried += 1
        self._wait(self._backoff_delay(attempt))


def _retry_after(response: requests.Response) -> float | None:
    try:
        return float(response.headers.get("Retry-After", ""))
    except ValueError:
        return None


def payload_of(data: dict[str, Any], field: str) -> dict[str, Any]:
    """A mutation's payload; its userErrors raise UserErrors."""
    payload = data.get(field) or {}
    user_errors = payload.get("userErrors") or []
    if user_errors:
        raise UserErrors(field, user_errors)
    return payload
