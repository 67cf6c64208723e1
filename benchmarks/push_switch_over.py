"""Where the bulk path starts to beat paced requests: tag pushes of n mutation fields (one new
tag per customer) timed both ways against the devstore at Standard (100 points/s, bucket
1,000) and Plus (1,000 points/s, bucket 10,000), each from a full bucket.

Prints the timings, the constants of app/push/plan.py's cost model fitted from them (bulk:
fixed seconds + seconds per field; paced: seconds per field when not waiting on the bucket),
and the resulting switch-over per plan: the smallest n for which the bulk path is faster.
"""

from __future__ import annotations

import numpy as np
from pushbench import bench_setup

from app.push import plan

PLANS = {"Standard": (100.0, 1000.0), "Plus": (1000.0, 10000.0)}
SIZES = {"Standard": [25, 100, 200, 400], "Plus": [25, 100, 400, 1000, 2000]}
BULK_SIZES = [25, 100, 400, 1000, 2000]
CUSTOMERS = sum(BULK_SIZES) + sum(sum(sizes) for sizes in SIZES.values())


class Customers:
    """Hands out customers no earlier run touched, so every run is n plain additions."""

    def __init__(self, ids: list[int]) -> None:
        self.ids, self.used = ids, 0

    def take(self, n: int) -> list[int]:
        taken = self.ids[self.used : self.used + n]
        self.used += n
        return taken


def timed(bench, customers: Customers, n: int, bulk: bool) -> float:
    desired = {c: {"segment"} for c in customers.take(n)}
    report, _, elapsed = bench.push(desired, customer_ids=desired, bulk_threshold=0 if bulk else 10**9)
    assert report.fields_sent == n and report.used_bulk is bulk, report
    return elapsed


def main() -> None:
    with bench_setup(CUSTOMERS) as bench:
        customers = Customers(bench.customer_ids)
        bench.throttle(*PLANS["Plus"])
        bulk = {n: timed(bench, customers, n, bulk=True) for n in BULK_SIZES}
        paced: dict[str, dict[int, float]] = {}
        for name, (rate, size) in PLANS.items():
            paced[name] = {}
            for n in SIZES[name]:
                bench.throttle(rate, size)  # a full bucket for each run
                paced[name][n] = timed(bench, customers, n, bulk=False)
    for n, seconds in bulk.items():
        print(f"bulk      n={n:>5}: {seconds:6.2f} s")
    for name, runs in paced.items():
        for n, seconds in runs.items():
            print(f"paced {name:8} n={n:>5}: {seconds:6.2f} s")
    per_field, fixed = np.polyfit(list(bulk), list(bulk.values()), 1)
    # Paced runs that fit in the first bucket are limited by work, not by the throttle.
    unthrottled = {n: s for n, s in paced["Plus"].items() if n * plan.MUTATION_COST <= PLANS["Plus"][1]}
    paced_per_field = float(np.mean([s / n for n, s in unthrottled.items()]))
    print(
        f"fitted: BULK_FIXED_SECONDS = {fixed:.2f}, BULK_SECONDS_PER_FIELD = {per_field:.4f}, "
        f"PACED_SECONDS_PER_FIELD = {paced_per_field:.4f}"
    )
    model = plan.CostModel(fixed, per_field, paced_per_field)
    for name, (rate, size) in PLANS.items():
        n = next(n for n in range(1, 200_000) if model.bulk_is_faster(n, size, rate))
        print(f"switch-over at {name} ({rate:.0f} points/s, bucket {size:.0f}): bulk from {n} fields")


if __name__ == "__main__":
    main()
