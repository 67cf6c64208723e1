"""How tag changes travel: aliased requests sized to the shop's bucket, or one bulk operation.

Pure. Each change becomes up to two mutation fields (tagsRemove first, making room, then
tagsAdd). Shopify charges 10 points per mutation field however many tags it carries and
however many fields share a request, so batching saves round trips at the same cost per
change. A request may cost at most 1,000 points; a batch uses a quarter of the bucket so that
pacing stays smooth (the client waits for that much, not for a whole bucket).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from app.push.tags import TagChange

MUTATION_COST = 10
MAX_QUERY_COST = 1000
FIRST_BATCH_FIELDS = 5  # before Shopify has told us the bucket's size


@dataclass(frozen=True)
class Field:
    mutation: str  # tagsAdd | tagsRemove
    customer_id: int
    tags: tuple[str, ...]


def fields_of(changes: Sequence[TagChange]) -> list[Field]:
    fields: list[Field] = []
    for change in changes:
        if change.remove:
            fields.append(Field("tagsRemove", change.customer_id, change.remove))
        if change.add:
            fields.append(Field("tagsAdd", change.customer_id, change.add))
    return fields


def fields_per_request(maximum_available: float | None) -> int:
    if maximum_available is None:
        return FIRST_BATCH_FIELDS
    by_bucket = int(maximum_available // 4 // MUTATION_COST)
    return max(1, min(MAX_QUERY_COST // MUTATION_COST, by_bucket))


def batches(fields: Sequence[Field], size: int) -> Iterator[list[Field]]:
    """Consecutive batches; a customer's remove and add stay in one batch when they can."""
    start = 0
    while start < len(fields):
        end = min(start + size, len(fields))
        if 1 < end - start and end < len(fields) and fields[end].customer_id == fields[end - 1].customer_id:
            end -= 1
        yield list(fields[start:end])
        start = end


@dataclass(frozen=True)
class CostModel:
    """Seconds a push of n mutation fields takes each way.

    Bulk: a fixed part (staged upload, start, polling, result file) plus a part per field.
    Paced: the longer of the work itself and the wait for points beyond the current bucket.
    The constants are measured by benchmarks/push_switch_over.py (devstore, shared 2-core
    machine); real Shopify starts bulk operations more slowly, which only moves the switch up.
    """

    bulk_fixed_seconds: float
    bulk_seconds_per_field: float
    paced_seconds_per_field: float

    def bulk_seconds(self, fields: int) -> float:
        return self.bulk_fixed_seconds + fields * self.bulk_seconds_per_field

    def paced_seconds(self, fields: int, available: float, restore_rate: float) -> float:
        waiting = max(fields * MUTATION_COST - available, 0.0) / restore_rate
        return max(fields * self.paced_seconds_per_field, waiting)

    def bulk_is_faster(self, fields: int, available: float, restore_rate: float) -> bool:
        return self.bulk_seconds(fields) < self.paced_seconds(fields, available, restore_rate)


# Fitted by benchmarks/push_switch_over.py on 2026-12-03 (devstore, shared 2-core machine): the
# switch-over came out at about 110 fields at Standard (100 points/s) and 225 at Plus.
MEASURED = CostModel(bulk_fixed_seconds=1.07, bulk_seconds_per_field=0.0009, paced_seconds_per_field=0.0056)


def use_bulk(fields: int, available: float, restore_rate: float, model: CostModel = MEASURED) -> bool:
    """Bulk when it would finish sooner, given the bucket as Shopify last reported it."""
    return fields > 0 and model.bulk_is_faster(fields, available, restore_rate)
