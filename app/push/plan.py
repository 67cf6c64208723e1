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
# Fields above which the bulk path is used; measured by benchmarks/push_switch_over.py.
BULK_THRESHOLD_FIELDS = 5000


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


def use_bulk(field_count: int, threshold: int = BULK_THRESHOLD_FIELDS) -> bool:
    return field_count > threshold
