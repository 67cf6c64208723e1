"""What Orbit wants on each customer in Shopify: the tags of the segments it pushes.

The push engine diffs this against what it last pushed (tag_sync) and sends only the changes.
Keys are Shopify customer ids (customer_facts / segment_memberships key customers that way).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Segment, SegmentMembership


def desired_orbit_tags(
    session: Session, shop_id: int, customer_ids: Iterable[int] | None = None
) -> dict[int, set[str]]:
    """{Shopify customer id: bare names of the Orbit tags it should carry; the push adds the
    shop's prefix}. With `customer_ids`, every one of them
    is a key (an empty set means "remove all Orbit tags"); without, every member of a pushed
    segment is, and customers with no pushed segment are absent."""
    statement = (
        select(SegmentMembership.customer_shopify_id, Segment.tag)
        .join(Segment, Segment.id == SegmentMembership.segment_id)
        .where(SegmentMembership.shop_id == shop_id, Segment.shop_id == shop_id, Segment.push_tag.is_(True))
    )
    wanted: dict[int, set[str]] = {}
    if customer_ids is not None:
        ids = sorted(set(customer_ids))
        wanted = {customer_id: set() for customer_id in ids}
        statement = statement.where(SegmentMembership.customer_shopify_id.in_(ids))
    for customer_id, tag in session.execute(statement):
        wanted.setdefault(customer_id, set()).add(tag)
    return wanted
