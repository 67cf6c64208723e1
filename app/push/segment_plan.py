"""Which Shopify segments to create, update or delete so they mirror Orbit's pushed segments.

Pure. Each pushed Orbit segment gets one Shopify segment named after it whose query selects
its tag (`customer_tags CONTAINS 'orbit:vip'`), so Shopify Email, Flow and discounts can
target it. A renamed segment (or a changed tag) updates the Shopify segment; a deleted or
no-longer-pushed one deletes it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

NAME_PREFIX = "Orbit: "


@dataclass(frozen=True)
class WantedSegment:
    segment_id: int
    name: str  # as the merchant calls it in Orbit
    tag: str  # with Orbit's prefix


@dataclass(frozen=True)
class MirroredSegment:
    segment_id: int
    shopify_gid: str
    name: str
    query: str


@dataclass
class SegmentPlan:
    create: list[WantedSegment] = field(default_factory=list)
    update: list[tuple[MirroredSegment, WantedSegment]] = field(default_factory=list)
    delete: list[MirroredSegment] = field(default_factory=list)


def shopify_name(segment: WantedSegment) -> str:
    return f"{NAME_PREFIX}{segment.name}"[:255]


def tag_query(tag: str) -> str:
    """The segment query that selects customers carrying `tag` (quotes escaped)."""
    return "customer_tags CONTAINS '" + tag.replace("\\", "\\\\").replace("'", "\\'") + "'"


def plan_segments(wanted: Iterable[WantedSegment], mirrored: Iterable[MirroredSegment]) -> SegmentPlan:
    plan = SegmentPlan()
    existing = {m.segment_id: m for m in mirrored}
    wanted_ids = set()
    for segment in sorted(wanted, key=lambda s: s.segment_id):
        wanted_ids.add(segment.segment_id)
        current = existing.get(segment.segment_id)
        if current is None:
            plan.create.append(segment)
        elif (current.name, current.query) != (shopify_name(segment), tag_query(segment.tag)):
            plan.update.append((current, segment))
    plan.delete = [m for m in existing.values() if m.segment_id not in wanted_ids]
    return plan
