"""Which Shopify segments to create, update or delete so they mirror Orbit's pushed segments.

Pure. Each pushed Orbit segment gets one Shopify segment named after it whose query selects
its tag (`customer_tags CONTAINS 'orbit:vip'`), so Shopify Email, Flow and discounts can
target it. A renamed segment (or a changed tag, e.g. a new prefix) updates the Shopify
segment; a deleted or no-longer-pushed one deletes it. Shopify segment names are unique per
shop: when another segment holds the name, Orbit's takes a numbered variant ("Orbit: VIP (2)"),
which still counts as the right name.
"""

from __future__ import annotations

import re
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


MAX_NAME_LENGTH = 255
NUMBERED = re.compile(r"^(?P<base>.*) \((?P<number>[2-9]|[1-9][0-9]+)\)$", re.DOTALL)


def shopify_name(segment: WantedSegment) -> str:
    return f"{NAME_PREFIX}{segment.name}"[:MAX_NAME_LENGTH]


def numbered_name(name: str, number: int) -> str:
    """The name itself (number 1), else "name (n)", shortened so it stays within 255."""
    if number <= 1:
        return name[:MAX_NAME_LENGTH]
    suffix = f" ({number})"
    return name[: MAX_NAME_LENGTH - len(suffix)] + suffix


def name_fits(actual: str, wanted: str) -> bool:
    """Whether a Shopify segment's name is the wanted one or a numbered variant of it."""
    if actual == numbered_name(wanted, 1):
        return True
    match = NUMBERED.match(actual)
    return match is not None and actual == numbered_name(wanted, int(match["number"]))


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
        elif not name_fits(current.name, shopify_name(segment)) or current.query != tag_query(segment.tag):
            plan.update.append((current, segment))
    plan.delete = [m for m in existing.values() if m.segment_id not in wanted_ids]
    return plan
