"""Seconds for the pure-maths part of a full recompute at 1M customers / ~10M orders: customer facts
from columnar rows (shuffled, i.e. not pre-sorted by the database), then RFM cut points, scores and
groups. Synthetic data (heavy-tailed orders per customer, about 40% one-order customers); the
database reads and writes are measured separately by the jobs' own benchmarks."""

from __future__ import annotations

import time

import numpy as np

from app.analytics.facts import CheckoutRows, OrderRows, customer_facts
from app.analytics.rfm import last_order_day, rfm_cutoffs, rfm_groups, rfm_scores

CUSTOMERS = 1_000_000
START = 1_700_000_000  # 2023-11-14
SPAN = 3 * 365 * 86_400


def synthetic_rows(rng: np.random.Generator) -> tuple[OrderRows, CheckoutRows]:
    per_customer = 1 + rng.negative_binomial(0.3, 0.3 / 9.3, CUSTOMERS)  # mean 10 orders
    customer = rng.permutation(np.repeat(np.arange(CUSTOMERS, dtype=np.int64), per_customer))
    n = customer.size
    orders = OrderRows(
        customer=customer,
        order_id=np.arange(n, dtype=np.int64),
        created_at=START + rng.integers(0, SPAN, n),
        total=rng.integers(500, 20_000, n),
        discount=np.where(rng.random(n) < 0.3, 500, 0),
        refunded=np.where(rng.random(n) < 0.05, 1_000, 0),
        source=rng.integers(-1, 8, n),
        paid=rng.random(n) < 0.98,
        cancelled=rng.random(n) < 0.02,
        test=np.zeros(n, dtype=bool),
    )
    abandoned = CUSTOMERS // 2
    checkouts = CheckoutRows(
        customer=rng.integers(0, CUSTOMERS, abandoned),
        created_at=START + rng.integers(0, SPAN, abandoned),
        value=rng.integers(500, 20_000, abandoned),
    )
    return orders, checkouts


def main() -> None:
    orders, checkouts = synthetic_rows(np.random.default_rng(0))
    started = time.perf_counter()
    facts = customer_facts(orders, checkouts, CUSTOMERS)
    facts_done = time.perf_counter()
    day = last_order_day(facts.last_order_at)
    cutoffs = rfm_cutoffs(day, facts.orders, facts.net_revenue)
    groups = rfm_groups(*rfm_scores(day, facts.orders, facts.net_revenue, cutoffs))
    rfm_done = time.perf_counter()
    one_order = (facts.orders == 1).mean()
    print(f"{CUSTOMERS:,} customers, {orders.customer.size:,} orders, {one_order:.0%} with one order")
    print(f"facts: {facts_done - started:.2f} s")
    used = np.unique(groups).size
    print(f"rfm (cut points, scores, groups): {rfm_done - facts_done:.2f} s ({used} groups used)")
    print(f"total pure maths: {rfm_done - started:.2f} s (shared 2-core machine)")
    print(f"one customer's facts + RFM (incremental): {one_customer_ms(orders, checkouts, cutoffs):.3f} ms")


def one_customer_ms(orders: OrderRows, checkouts: CheckoutRows, cutoffs) -> float:
    """The incremental path: one customer's rows (customer index 0) scored on the stored cut points."""
    rows = np.flatnonzero(orders.customer == 12_345)
    own = OrderRows(**{name: getattr(orders, name)[rows] for name in OrderRows.__dataclass_fields__})
    own = OrderRows(**{**own.__dict__, "customer": np.zeros(rows.size, dtype=np.int64)})
    mine = checkouts.customer == 12_345
    own_checkouts = CheckoutRows(
        np.zeros(int(mine.sum()), dtype=np.int64), checkouts.created_at[mine], checkouts.value[mine]
    )
    repeats = 500
    started = time.perf_counter()
    for _ in range(repeats):
        facts = customer_facts(own, own_checkouts, 1)
        day = last_order_day(facts.last_order_at)
        rfm_groups(*rfm_scores(day, facts.orders, facts.net_revenue, cutoffs))
    return (time.perf_counter() - started) / repeats * 1000


if __name__ == "__main__":
    main()
