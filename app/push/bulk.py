"""The bulk path for large tag pushes: one `bulkOperationRunMutation` for the removals and one
for the additions, each over a staged JSONL of `{id, tags}` lines, instead of thousands of
paced requests. Intent is recorded for every customer first, outcomes as result lines stream
in, so a crash anywhere leaves only in-flight customers for the next push to re-read.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby

from app.push import plan
from app.push.sync import PushReport, record_intent, record_outcome
from app.shopify import bulk_mutations, tag_operations
from app.shopify.client import AdminClient

CUSTOMERS_PER_TRANSACTION = 1000
POLL_SECONDS = 0.5
DOCUMENTS = {"tagsAdd": tag_operations.TAGS_ADD, "tagsRemove": tag_operations.TAGS_REMOVE}


def customer_groups(fields: Sequence[plan.Field], size: int) -> list[list[plan.Field]]:
    """Fields in chunks of whole customers (a customer's remove and add stay together)."""
    chunks: list[list[plan.Field]] = [[]]
    customers = 0
    for _, group in groupby(fields, key=lambda f: f.customer_id):
        if customers == size:
            chunks.append([])
            customers = 0
        chunks[-1].extend(group)
        customers += 1
    return [chunk for chunk in chunks if chunk]


def send_in_bulk(shop_id: int, client: AdminClient, fields: Sequence[plan.Field], report: PushReport) -> None:
    for chunk in customer_groups(fields, CUSTOMERS_PER_TRANSACTION):
        record_intent(shop_id, chunk)
    for mutation in ("tagsRemove", "tagsAdd"):  # removals first: they make room under 250 tags
        subset = [f for f in fields if f.mutation == mutation]
        if subset:
            run_one(shop_id, client, mutation, subset, report)


def run_one(
    shop_id: int, client: AdminClient, mutation: str, subset: list[plan.Field], report: PushReport
) -> None:
    body = bulk_mutations.jsonl(
        {"id": tag_operations.customer_gid(f.customer_id), "tags": list(f.tags)} for f in subset
    )
    path = bulk_mutations.stage_upload(client, f"orbit-{mutation}.jsonl", body)
    operation_id = bulk_mutations.run_bulk_mutation(
        client, DOCUMENTS[mutation], path, client_identifier=f"orbit-push-{shop_id}-{mutation}"
    )
    report.requests += 2
    operation = bulk_mutations.wait_for(client, operation_id, poll_seconds=POLL_SECONDS)
    pending: list[tuple[plan.Field, dict]] = []
    for line in bulk_mutations.result_lines(client, operation.get("url")):
        item = subset[int(line["__lineNumber"])]
        payload = (line.get("data") or {}).get(mutation) or {}
        if line.get("errors") and not payload:
            continue  # the line failed outright: the customer stays in flight, re-read next push
        pending.append((item, payload))
        if len(pending) >= CUSTOMERS_PER_TRANSACTION:
            flush(shop_id, pending, report)
    flush(shop_id, pending, report)


def flush(shop_id: int, pending: list[tuple[plan.Field, dict]], report: PushReport) -> None:
    if pending:
        record_outcome(shop_id, [item for item, _ in pending], [payload for _, payload in pending], report)
        report.fields_sent += len(pending)
        pending.clear()
