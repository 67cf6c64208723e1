"""The leaky bucket that rate-limits one app on one shop, as the GraphQL Admin API does.

Shopify's rules (https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits and
https://shopify.dev/docs/api/usage/limits): each app and store pair has a bucket whose size and
restore rate come from the store's plan (Standard 100 points/second, Advanced 200, Plus 1000,
Enterprise 2000); the quota refills continuously. Before execution the bucket must hold the
requested cost; afterwards it is refunded the difference between requested and actual cost.

A request therefore goes: `try_spend(requested)`; if refused, answer `throttled_error_body`;
otherwise execute, `refund(requested - actual)`, and put `cost_extension(...)` under the
response's `extensions.cost`. Bodies match ones captured from the live API in 2026: THROTTLED
comes with HTTP 200, `actualQueryCost: null`, and no Retry-After.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

DOCUMENTATION_URL = "https://shopify.dev/api/usage/rate-limits"


class LeakyBucket:
    """Points available to one app on one shop, restored continuously up to the maximum."""

    def __init__(
        self,
        maximum_available: float = 1000.0,
        restore_rate: float = 100.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        _check_settings(maximum_available, restore_rate)
        self._lock = threading.Lock()
        self._clock = clock
        self._maximum = float(maximum_available)
        self._rate = float(restore_rate)
        self._available = self._maximum
        self._updated = clock()

    def try_spend(self, cost: float) -> bool:
        """Take `cost` if the bucket holds that much now; otherwise take nothing."""
        if cost < 0:
            raise ValueError(f"a cost cannot be negative: {cost}")
        with self._lock:
            self._restore()
            if cost > self._available:
                return False
            self._available -= cost
            return True

    def refund(self, amount: float) -> None:
        """Give back what was requested but not used; a refund never overfills the bucket."""
        with self._lock:
            self._restore()
            # Shopify only refunds, so a negative difference spends nothing extra.
            self._available = min(self._maximum, self._available + max(amount, 0.0))

    def status(self) -> dict[str, Any]:
        """Shopify's `throttleStatus`: floats for the plan, a whole number for what is left."""
        with self._lock:
            self._restore()
            return {
                "maximumAvailable": self._maximum,
                "currentlyAvailable": int(self._available),
                "restoreRate": self._rate,
            }

    def reconfigure(self, maximum_available: float | None = None, restore_rate: float | None = None) -> None:
        """Change plan: time so far restores at the old rate, and the level fits the new size."""
        with self._lock:
            self._restore()
            maximum = self._maximum if maximum_available is None else float(maximum_available)
            rate = self._rate if restore_rate is None else float(restore_rate)
            _check_settings(maximum, rate)
            # A smaller bucket's excess spills at the next restore, which caps at the maximum.
            self._maximum, self._rate = maximum, rate

    def _restore(self) -> None:
        now = self._clock()
        elapsed = max(now - self._updated, 0.0)  # a clock that steps back restores nothing
        self._available = min(self._maximum, self._available + elapsed * self._rate)
        self._updated = now


def cost_extension(requested: int, actual: int | None, bucket: LeakyBucket) -> dict[str, Any]:
    """The value of a response's `extensions.cost`; `actual` is None when nothing ran."""
    return {
        "requestedQueryCost": requested,
        "actualQueryCost": actual,
        "throttleStatus": bucket.status(),
    }


def throttled_error_body(requested_cost: int, bucket: LeakyBucket) -> dict[str, Any]:
    """Shopify's answer (HTTP 200) when the bucket cannot cover the requested cost."""
    error = {
        "message": "Throttled",
        "extensions": {"code": "THROTTLED", "documentation": DOCUMENTATION_URL},
    }
    return {
        "errors": [error],
        "extensions": {"cost": cost_extension(requested_cost, None, bucket)},
    }


def _check_settings(maximum_available: float, restore_rate: float) -> None:
    if maximum_available <= 0 or restore_rate <= 0:
        raise ValueError(
            f"bucket size and restore rate must be positive: {maximum_available}, {restore_rate}"
        )
