"""Random draws shared across the seeder; every one comes from the run's single `random.Random`."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from devstore.seeding.context import HISTORY_DAYS, Seeding

MONTH_WEIGHT = (0.8, 0.85, 0.95, 0.95, 1.0, 1.2, 0.9, 0.9, 0.95, 1.0, 1.5, 1.7)  # Jan..Dec


def hex_token(rng: random.Random, bits: int = 128) -> str:
    return f"{rng.getrandbits(bits):0{bits // 4}x}"


def pick(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def random_moment(ctx: Seeding, start: datetime, end: datetime) -> datetime:
    """A moment in [start, end] weighted by store growth and the retail calendar."""
    span = (end - start).total_seconds()
    if span <= 0:
        return start
    opened, history = ctx.opened_at, HISTORY_DAYS * 86400
    while True:
        moment = start + timedelta(seconds=int(ctx.rng.random() * span))
        # Growth: a store twice as busy at the end of its history as at the start.
        growth = 0.45 + 0.55 * (moment - opened).total_seconds() / history
        weight = max(growth, 0.45) * MONTH_WEIGHT[moment.month - 1] / 1.7
        if ctx.rng.random() < weight:
            return moment
