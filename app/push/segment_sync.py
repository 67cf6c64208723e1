"""Keep Shopify segments in step with Orbit's pushed segments (segment_plan decides what)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from app import db
from app.models import Shop, ShopifySegment
from app.push.segment_plan import MirroredSegment, WantedSegment, plan_segments, shopify_name, tag_query
from app.push.sync import tag_prefix
from app.push.tags import owned_tag
from app.shopify import segment_operations
from app.shopify.client import AdminClient

SETTING = "shopify_segments"  # Shop.settings flag: mirror pushed segments as Shopify segments


def wanted_segments(shop_id: int) -> list[WantedSegment]:
    """The shop's pushed Orbit segments, when the merchant asked for Shopify segments."""
    from app.models import Segment  # the analytics area's table

    with db.transaction() as session:
        shop = session.get(Shop, shop_id)
        if shop is None or not (shop.settings or {}).get(SETTING):
            return []
        prefix = tag_prefix(shop)
        rows = session.scalars(select(Segment).where(Segment.shop_id == shop_id, Segment.push_tag.is_(True)))
        return [WantedSegment(row.id, row.name, owned_tag(row.tag, prefix)) for row in rows]


def sync_segments(shop_id: int, wanted: Iterable[WantedSegment], client: AdminClient) -> dict[str, int]:
    with db.transaction() as session:
        mirrored = [
            MirroredSegment(row.segment_id, row.shopify_gid, row.name, row.query)
            for row in session.scalars(select(ShopifySegment).where(ShopifySegment.shop_id == shop_id))
        ]
    plan = plan_segments(wanted, mirrored)
    for segment in plan.create:
        created = segment_operations.create_segment(client, shopify_name(segment), tag_query(segment.tag))
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
    for current, segment in plan.update:
        updated = segment_operations.update_segment(
            client, current.shopify_gid, shopify_name(segment), tag_query(segment.tag)
        )
        if updated is None:  # the merchant deleted it in Shopify: make it again
            updated = segment_operations.create_segment(client, shopify_name(segment), tag_query(segment.tag))
        with db.transaction() as session:
            row = mirror_row(session, shop_id, segment.segment_id)
            row.shopify_gid, row.name, row.query = updated["id"], updated["name"], updated["query"]
    for current in plan.delete:
        segment_operations.delete_segment(client, current.shopify_gid)
        with db.transaction() as session:
            session.delete(mirror_row(session, shop_id, current.segment_id))
    return {"created": len(plan.create), "updated": len(plan.update), "deleted": len(plan.delete)}


def mirror_row(session, shop_id: int, segment_id: int) -> ShopifySegment:
    return session.scalars(
        select(ShopifySegment).where(
            ShopifySegment.shop_id == shop_id, ShopifySegment.segment_id == segment_id
        )
    ).one()
