"""100,000 tag changes through the bulk path (25,000 customers joining 4 segments each: one
bulkOperationRunMutation of 25,000 tagsAdd lines over a staged JSONL), against the devstore.
Prints the time, tag changes per second and API points spent, beside what the same push would
need through paced requests at Standard and Plus (10 points per field, at the restore rate).
"""

from __future__ import annotations

from pushbench import bench_setup, desired_tags

from app.push.plan import MUTATION_COST

CUSTOMERS, TAGS_PER_CUSTOMER = 25_000, 4
PLANS = {"Standard": (100.0, 1000.0), "Plus": (1000.0, 10000.0)}


def main() -> None:
    with bench_setup(CUSTOMERS) as bench:
        bench.throttle(*PLANS["Standard"])
        report, client, elapsed = bench.push(
            desired_tags(bench.customer_ids, TAGS_PER_CUSTOMER), bulk_threshold=0
        )
        assert report.used_bulk and report.fields_sent == CUSTOMERS, report
        print(
            f"bulk: {report.tag_changes} tag changes ({report.fields_sent} tagsAdd lines) "
            f"in {elapsed:.1f} s = "
            f"{report.tag_changes / elapsed:.0f} tag changes/s; {client.stats.requests} API requests, "
            f"{client.stats.points_spent} points",
            flush=True,
        )
    for name, (rate, size) in PLANS.items():
        seconds = (CUSTOMERS * MUTATION_COST - size) / rate
        print(f"paced at {name} ({rate:.0f} points/s) would need at least {seconds:.0f} s for the same push")


if __name__ == "__main__":
    main()
