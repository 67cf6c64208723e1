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
"""

from __future__ import annotations

import sys

from pushbench import bench_setup, desired_tags

# name -> (restore rate, bucket size, customers, tags per customer); each is 10,000 tag changes.
RUNS = {
    "Standard": (100.0, 1000.0, 2500, 4),
    "Plus": (1000.0, 10000.0, 2500, 4),
    # One tag per customer: 10,000 fields, four times the points, a run long enough for Plus.
    "Plus-1tag": (1000.0, 10000.0, 10000, 1),
}


def main(runs: list[str]) -> None:
    with bench_setup(sum(RUNS[name][2] for name in runs)) as bench:
        offset = 0
        for round_, name in enumerate(runs):
            restore_rate, bucket_size, count, tags_each = RUNS[name]
            bench.throttle(restore_rate, bucket_size)  # buckets restart full
            # Each run tags its own customers: plain additions every time.
            customers = bench.customer_ids[offset : offset + count]
            offset += count
            desired = desired_tags(customers, tags_each, round_)
            report, client, elapsed = bench.push(desired, customer_ids=customers, bulk_threshold=10**9)
            # The bucket is full when the first request goes out; it restores from then on.
            window = client.stats.last_answered_at - client.stats.first_sent_at
            available = bucket_size + restore_rate * window
            spent = client.stats.points_spent
            print(
                f"{name:9} restore {restore_rate:>6.0f}/s bucket {bucket_size:>6.0f}: "
                f"{report.tag_changes} tag changes in {report.fields_sent} tagsAdd fields, "
                f"{client.stats.requests} requests, {elapsed:.1f} s ({window:.1f} s from first request "
                "to last answer); "
                f"points spent {spent} / available {available:.0f} = {100 * spent / available:.1f} %; "
                f"throttled answers {client.stats.throttled} (all retried, unrecovered 0); "
                f"{report.tag_changes / elapsed:.0f} tag changes/s, "
                f"{report.fields_sent / elapsed:.1f} fields/s",
                flush=True,
            )


if __name__ == "__main__":
    main(sys.argv[1:] or list(RUNS))
