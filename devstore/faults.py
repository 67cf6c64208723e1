"""Webhook faults as Shopify's delivery shows them (PLATFORM 1.4-1.5), switched on per devstore.

Between a data change and `WebhookSender.deliver`, each delivery may be:
- duplicated: sent again with the same X-Shopify-Webhook-Id (at-least-once delivery);
- reordered: held in a window of `reorder_window` deliveries that leave shuffled;
- delayed: held back up to `max_delay` seconds;
- dropped: its first attempt is lost, so only Shopify-style retries deliver it.
Deliveries go out from a small pool of threads (as Shopify's fleet sends them concurrently), so
even with no fault switched on the app sees no promised order. Draws come from one seeded
random stream, so a scenario is repeatable up to thread timing.
"""

from __future__ import annotations

import heapq
import itertools
import random
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass
from typing import Any

from devstore.webhooks import WebhookSender

SEND_THREADS = 6


@dataclass(frozen=True)
class FaultSettings:
    duplicate_rate: float = 0.0
    reorder_window: int = 0
    delay_rate: float = 0.0
    max_delay: float = 0.0
    drop_rate: float = 0.0
    seed: int = 0

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> FaultSettings:
        unknown = set(body) - set(cls.__dataclass_fields__)
        if unknown:
            raise ValueError(f"unknown fault settings: {sorted(unknown)}")
        settings = cls(
            duplicate_rate=float(body.get("duplicate_rate", 0.0)),
            reorder_window=int(body.get("reorder_window", 0)),
            delay_rate=float(body.get("delay_rate", 0.0)),
            max_delay=float(body.get("max_delay", 0.0)),
            drop_rate=float(body.get("drop_rate", 0.0)),
            seed=int(body.get("seed", 0)),
        )
        rates = (settings.duplicate_rate, settings.delay_rate, settings.drop_rate)
        if any(not 0.0 <= rate <= 1.0 for rate in rates):
            raise ValueError("rates must be between 0 and 1")
        if settings.reorder_window < 0 or settings.max_delay < 0:
            raise ValueError("reorder_window and max_delay must not be negative")
        return settings

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Outgoing:
    """One webhook as the change made it; its ids stay the same on every copy and retry."""

    shop: str
    topic: str
    body: dict[str, Any]
    webhook_id: str
    event_id: str
    triggered_at: str


class FaultyDelivery:
    def __init__(self, sender: WebhookSender, settings: FaultSettings | None = None) -> None:
        self.sender = sender
        self.settings = settings or FaultSettings()
        self.rng = random.Random(self.settings.seed)
        # Re-entrant: a future that is already done runs its callback (which locks) at once.
        self.lock = threading.RLock()
        self.window: list[Outgoing] = []
        self.delayed: list[tuple[float, int, Outgoing]] = []
        self.sequence = itertools.count()
        self.pool = ThreadPoolExecutor(SEND_THREADS, thread_name_prefix="devstore-webhook-send")
        self.futures: set[Future] = set()
        self.counts = {"sent": 0, "duplicated": 0, "dropped": 0, "delayed": 0}
        self._timer: threading.Thread | None = None

    def configure(self, settings: FaultSettings) -> None:
        self.flush()
        with self.lock:
            self.settings = settings
            self.rng = random.Random(settings.seed)

    def send(self, outgoing: Outgoing) -> None:
        with self.lock:
            window = self.settings.reorder_window
            if window <= 1:
                ready = [outgoing]
            else:
                self.window.append(outgoing)
                if len(self.window) < window:
                    return
                ready, self.window = self.window, []
                self.rng.shuffle(ready)
        for item in ready:
            self._dispatch(item)

    def flush(self) -> int:
        """Send everything held back now and wait until it was attempted; how many were held."""
        with self.lock:
            held = self.window + [item for _, _, item in self.delayed]
            self.window, self.delayed = [], []
        for item in held:
            self._submit(item, self._lost())
        self.wait_sent()
        return len(held)

    def wait_sent(self, timeout: float = 60.0) -> bool:
        deadline = time.monotonic() + timeout
        while True:
            with self.lock:
                pending = [f for f in self.futures if not f.done()]
                waiting = bool(self.delayed or self.window)
            if not pending and not waiting:
                return True
            if time.monotonic() > deadline:
                return False
            time.sleep(0.02)

    # Internals ----------------------------------------------------------------------------

    def _lost(self) -> bool:
        with self.lock:
            return self.rng.random() < self.settings.drop_rate

    def _dispatch(self, item: Outgoing) -> None:
        with self.lock:
            delay = (
                self.rng.random() * self.settings.max_delay
                if self.rng.random() < self.settings.delay_rate
                else 0
            )
            if delay > 0:
                heapq.heappush(self.delayed, (time.monotonic() + delay, next(self.sequence), item))
                self.counts["delayed"] += 1
                self._ensure_timer()
                return
        self._submit(item, self._lost())

    def _submit(self, item: Outgoing, lost: bool) -> None:
        with self.lock:
            duplicate = self.rng.random() < self.settings.duplicate_rate
            self.counts["sent"] += 1
            self.counts["dropped"] += int(lost)
            self.counts["duplicated"] += int(duplicate)
            future = self.pool.submit(self._deliver, item, lost, duplicate)
            self.futures.add(future)
            future.add_done_callback(self._forget)

    def _forget(self, future: Future) -> None:
        with self.lock:
            self.futures.discard(future)

    def _deliver(self, item: Outgoing, lost: bool, duplicate: bool) -> None:
        ids = {"webhook_id": item.webhook_id, "event_id": item.event_id, "triggered_at": item.triggered_at}
        self.sender.deliver(item.shop, item.topic, item.body, lost=lost, **ids)
        if duplicate:
            self.sender.deliver(item.shop, item.topic, item.body, **ids)

    def _ensure_timer(self) -> None:
        if self._timer is None:
            self._timer = threading.Thread(
                target=self._release_delayed, name="devstore-webhook-delay", daemon=True
            )
            self._timer.start()

    def _release_delayed(self) -> None:
        while True:
            with self.lock:
                if not self.delayed:
                    self._timer = None
                    return
                due, _, item = self.delayed[0]
                if due <= time.monotonic():
                    heapq.heappop(self.delayed)
                else:
                    item = None
            if item is None:
                time.sleep(0.01)
            else:
                self._submit(item, self._lost())
