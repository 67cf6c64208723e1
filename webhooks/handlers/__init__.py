"""One module per resource; each exposes `apply(session, shop, delivery, payload) -> Outcome`."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Outcome:
    status: str  # processed | ignored
    reason: str | None = None
    # Customers whose data the delivery changed (jobs/drain.py hands them to after_drain).
    customer_ids: frozenset[int] = frozenset()


PROCESSED = Outcome("processed")


def ignored(reason: str) -> Outcome:
    return Outcome("ignored", reason)
