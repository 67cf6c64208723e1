"""One module per resource; each exposes `apply(session, shop, delivery, payload) -> Outcome`."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Outcome:
    status: str  # processed | ignored
    reason: str | None = None


PROCESSED = Outcome("processed")


def ignored(reason: str) -> Outcome:
    return Outcome("ignored", reason)
