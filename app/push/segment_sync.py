"""Keep Shopify segments in step with Orbit's pushed segments (segment_plan decides what).

Names are unique in Shopify. When segmentCreate says the name is taken, the holder may be
Orbit's own segment from a push that crashed before recording it: if its query is exactly the
one Orbit would write (and no other Orbit segment mirrors it), Orbit adopts it; otherwise the
name belongs to the merchant or another app, and Orbit takes a numbered variant instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select

from app import db
from app.models import Shop, ShopifySegment
from app.push.segment_plan import (
    MirroredSegment,
    WantedSegment,
    numbered_name,
    plan_segments,
    shopify_name,
    tag_query,
)
from app.push.sync import tag_prefix
from app.push.tags import effective_tag
from app.shopify import segment_operations
from app.shopify.client import AdminClient, UserErrors

SETTING = "shopify_segments"  # Shop.settings flag: mirror pushed segments as Shopify segments
MAX_NAME_ATTEMPTS = 20  # "Orbit: VIP" .. "Orbit: VIP (20)"; beyond that something is wrong


def wanted_segments(shop_id: int) -> list[WantedSegment]:
    """The shop's pushed Orbit segments, when the merchant asked for Shopify segments."""
    from app.models import Segment  # the analytics area's table

    with db.transaction() as session:
        shop = session.get(Shop, shop_id)
        if shop is None or not (shop.settings or {}).get(SETTING):
            return []
        prefix = tag_prefix(shop)
        rows = session.scalars(select(Segment).where(Segment.shop_id == shop_id, Segment.push_tag.is_(True)))
        return [WantedSegment(row.id, row.name, effective_tag(row.tag, prefix)) for row in rows]


def is_name_taken(error: UserErrors) -> bool:
    return any("taken" in str(e.get("message", "")).lower() for e in error.errors)


def create_or_adopt(client: AdminClient, segment: WantedSegment, mirrored_gids: set[str]) -> dict[str, Any]:
    """Create the Shopify segment; on a taken name adopt Orbit's own or try the next name."""
    base, query = shopify_name(segment), tag_query(segment.tag)
    for number in range(1, MAX_NAME_ATTEMPTS + 1):
        name = numbered_name(base, number)
        try:
            return segment_operations.create_segment(client, name, query)
        except UserErrors as error:
            if not is_name_taken(error):
                raise
            last_error = error
        for holder in segment_operations.segments_named(client, name):
            if holder["query"] == query and holder["id"] not in mirrored_gids:
                return holder
    raise last_error


def rename_or_renumber(
    client: AdminClient, current: MirroredSegment, segment: WantedSegment, mirrored_gids: set[str]
) -> dict[str, Any]:
    """Update name and query; a name someone else holds gets the next number; a segment the
    merchant deleted in Shopify is made again."""
    base, query = shopify_name(segment), tag_query(segment.tag)
    for number in range(1, MAX_NAME_ATTEMPTS + 1):
        try:
            updated = segment_operations.update_segment(
                client, current.shopify_gid, numbered_name(base, number), query
            )
        except UserErrors as error:
            if not is_name_taken(error):
                raise
            last_error = error
            continue
        if updated is None:
            return create_or_adopt(client, segment, mirrored_gids - {current.shopify_gid})
        return updated
    raise last_error


def sync_segments(shop_id: int, wanted: Iterable[WantedSegment], client: AdminClient) -> dict[str, int]:
    with db.transaction() as session:
        mirrored = [
            MirroredSegment(row.segment_id, row.shopify_gid, row.name, row.query)
            for row in session.scalars(select(ShopifySegment).where(ShopifySegment.shop_id == shop_id))
        ]
    mirrored_gids = {m.shopify_gid for m in mirrored}
    plan = plan_segments(wanted, mirrored)
    # Deletions first: they free names the creations and renames may want.
    for current in plan.delete:
        segment_operations.delete_segment(client, current.shopify_gid)
        mirrored_gids.discard(current.shopify_gid)
        with db.transaction() as session:
            session.delete(mirror_row(session, shop_id, current.segment_id))
    for current, segment in plan.update:
        updated = rename_or_renumber(client, current, segment, mirrored_gids)
        mirrored_gids.add(updated["id"])
        with db.transaction() as session:
            row = mirror_row(session, shop_id, segment.segment_id)
            row.shopify_gid, row.name, row.query = updated["id"], updated["name"], updated["query"]
    for segment in plan.create:
        created = create_or_adopt(client, segment, mirrored_gids)
        mirrored_gids.add(created["id"])
        with db.transaction() as session:
            session.add(
                ShopifySegment(
                    shop_id=shop_id,
                    segment_id=segment.segment_id,
                    shopify_gid=created["id"],
                    name=created["name"],
                    query=created["query"],
                )
            )
    return {"created": len(plan.create), "updated": len(plan.update), "deleted": len(plan.delete)}


def mirror_row(session, shop_id: int, segment_id: int) -> ShopifySegment:
    return session.scalars(
        select(ShopifySegment).where(
            ShopifySegment.shop_id == shop_id, ShopifySegment.segment_id == segment_id
        )
    ).one()
