"""Sustained tag push through the paced client at Shopify Standard (restore 100 points/s) and
Plus (1,000 points/s): bucket use (points spent / points available, goal >= 90 %), throttles
that were not recovered (goal 0), and tag changes per second.

10,000 tag changes = 2,500 customers joining 4 segments each: 2,500 tagsAdd fields of 10
points, aliased into requests sized to a quarter of the bucket; "Plus-1tag" is 10,000 customers
joining one segment (10,000 fields), a longer run at Plus. Points available over the run
= the full bucket when the first request goes out + restore rate x seconds from then to the
last answer (the push's set-up before its first request is excluded; both times are printed).
What is left in the bucket at the last answer counts as unused. Bucket sizes: 1,000 for
Standard and 10,000 for Plus (set with POST /_devstore/throttle).

Unrecovered: requests the client gave up on after its retries (THROTTLED, 429, 5xx or no
connection every time), counted as they happen. The client raises for such a request, so a run
with one stops there and prints what it had sent. `--customers=N` caps each run at N customers
(a smoke run; the figures are only meaningful at full size).
"""

from __future__ import annotations

import sys
import time

from pushbench import SHOP, Bench, bench_setup, desired_tags

from app.push.sync import PushReport, push_tags
from app.shopify.client import AdminClient, HttpError, ThrottledError

# name -> (restore rate, bucket size, customers, tags per customer); each is 10,000 tag changes.
RUNS = {
    "Standard": (100.0, 1000.0, 2500, 4),
    "Plus": (1000.0, 10000.0, 2500, 4),
    # One tag per customer: 10,000 fields, four times the points, a run long enough for Plus.
    "Plus-1tag": (1000.0, 10000.0, 10000, 1),
}


class CountingClient(AdminClient):
    """The push's client, counting the requests it gave up on (retries exhausted)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.unrecovered = 0

    def execute(self, *args, **kwargs):
        try:
            return super().execute(*args, **kwargs)
        except (ThrottledError, HttpError):
            self.unrecovered += 1
            raise


def push(bench: Bench, desired, customers) -> tuple[PushReport | None, CountingClient, float, str]:
    """One run's push; a request that ran out of retries ends it (the report is then None)."""
    with bench.app.app_context():
        client = CountingClient(None, SHOP)
        started = time.monotonic()
        try:
            report = push_tags(
                bench.shop_id, desired, customer_ids=customers, client=client, bulk_threshold=10**9
            )
            problem = ""
        except (ThrottledError, HttpError) as exc:
            report, problem = None, f"; STOPPED: {type(exc).__name__}: {exc}"
        return report, client, time.monotonic() - started, problem


def main(runs: list[str], cap: int | None = None) -> None:
    sizes = {name: min(RUNS[name][2], cap or RUNS[name][2]) for name in runs}
    with bench_setup(sum(sizes.values())) as bench:
        offset = 0
        for round_, name in enumerate(runs):
            restore_rate, bucket_size, _, tags_each = RUNS[name]
            bench.throttle(restore_rate, bucket_size)  # buckets restart full
            # Each run tags its own customers: plain additions every time.
            customers = bench.customer_ids[offset : offset + sizes[name]]
            offset += sizes[name]
            desired = desired_tags(customers, tags_each, round_)
            report, client, elapsed, problem = push(bench, desired, customers)
            stats = client.stats
            # The bucket is full when the first request goes out; it restores from then on.
            window = (stats.last_answered_at or 0.0) - (stats.first_sent_at or 0.0)
            available = bucket_size + restore_rate * window
            changes = report.tag_changes if report else 0
            fields = report.fields_sent if report else 0
            print(
                f"{name:9} restore {restore_rate:>6.0f}/s bucket {bucket_size:>6.0f}: "
                f"{changes} tag changes in {fields} tagsAdd fields, "
                f"{stats.requests} requests, {elapsed:.1f} s ({window:.1f} s from first request "
                "to last answer); "
                f"points spent {stats.points_spent} / available {available:.0f} = "
                f"{100 * stats.points_spent / available:.1f} %; "
                f"throttled answers {stats.throttled} (unrecovered {client.unrecovered}); "
                f"{changes / elapsed:.0f} tag changes/s, "
                f"{fields / elapsed:.1f} fields/s{problem}",
                flush=True,
            )


if __name__ == "__main__":
    names = [arg for arg in sys.argv[1:] if not arg.startswith("--customers=")]
    caps = [int(arg.split("=", 1)[1]) for arg in sys.argv[1:] if arg.startswith("--customers=")]
    main(names or list(RUNS), caps[-1] if caps else None)
