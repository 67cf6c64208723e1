"""Seconds to fit a shop's lifetime-value model (MBG/NBD + Gamma-Gamma, posterior mode under the
default priors) on 1M customers and to score all of them, plus the one-customer incremental score.
Customer histories are simulated from an MBG/NBD process at day resolution over three years."""

from __future__ import annotations

import time

import numpy as np

from app.analytics.clv_scores import ClvInputs, fit_shop, score_customers

CUSTOMERS = 1_000_000


def simulated_inputs(rng: np.random.Generator) -> ClvInputs:
    """MBG/NBD process (weeks): rate ~ Gamma(r=0.6, alpha=8), drop-out p ~ Beta(0.8, 2.5) after every
    purchase including the first; customers acquired uniformly over three years, whole days."""
    T = rng.integers(0, 3 * 365, CUSTOMERS) / 7.0
    rate = rng.gamma(0.6, 1 / 8.0, CUSTOMERS)
    drop = rng.beta(0.8, 2.5, CUSTOMERS)
    before_drop = rng.geometric(drop) - 1  # repeat purchases a customer would make given time
    arrivals = rng.poisson(rate * T)  # repeat purchases of an immortal customer in (0, T]
    x = np.minimum(before_drop, arrivals)
    # The x-th of `arrivals` uniform arrival times on (0, T]: T * Beta(x, arrivals - x + 1).
    t_x = np.where(x > 0, T * rng.beta(np.maximum(x, 1), arrivals - x + 1), 0.0)
    t_x = np.floor(t_x * 7) / 7.0  # day resolution, as facts give it
    m = np.where(x > 0, rng.gamma(6.0, 700.0, CUSTOMERS), 0.0)
    days = (x + 1).astype(np.int64)
    return ClvInputs(x.astype(np.float64), t_x, T, m, (m * x + 4_000).astype(np.int64), days)


def main() -> None:
    inputs = simulated_inputs(np.random.default_rng(0))
    started = time.perf_counter()
    shop = fit_shop(inputs)
    fitted = time.perf_counter()
    scores = score_customers(shop, inputs)
    scored = time.perf_counter()
    one = ClvInputs(*(np.asarray(getattr(inputs, f))[:1] for f in ClvInputs.__dataclass_fields__))
    repeats = 200
    for _ in range(repeats):
        score_customers(shop, one)
    single = (time.perf_counter() - scored) / repeats
    distinct = np.unique(np.column_stack([inputs.x, inputs.t_x, inputs.T]), axis=0).shape[0]
    print(f"{CUSTOMERS:,} customers ({(inputs.x == 0).mean():.0%} one-time, {distinct:,} distinct histories)")
    print(f"fit (MBG/NBD + Gamma-Gamma): {fitted - started:.2f} s  {shop.transactions}")
    median_value = np.median(scores.predicted_value_12m)
    print(
        f"score all customers: {scored - fitted:.2f} s (median 12-month value {median_value:.0f} minor units)"
    )
    print(f"score one customer (incremental): {single * 1000:.2f} ms (shared 2-core machine)")


if __name__ == "__main__":
    main()
