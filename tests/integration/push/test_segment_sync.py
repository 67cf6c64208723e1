"""Shopify segments follow Orbit's pushed segments: created, renamed, recreated, deleted; a
taken name is adopted when the segment is Orbit's own, else numbered."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app import db
from app.models import ShopifySegment
from app.push.segment_plan import WantedSegment, name_fits, numbered_name, tag_query
from app.push.segment_sync import sync_segments
from app.shopify import segment_operations
from app.shopify.client import AdminClient


def shopify_segments(push_shop) -> dict[str, str]:
    return {s["name"]: s["query"] for s in getattr(push_shop.dev, "_segments", {}).values()}


def sync(app, push_shop, wanted):
    with app.app_context():
        client = AdminClient(None, push_shop.domain)
        return sync_segments(push_shop.shop_id, wanted, client), client


def test_segments_are_mirrored_renamed_and_deleted_with_orbits(app, push_shop):
    vip, lapsed = WantedSegment(1, "VIP", "orbit:vip"), WantedSegment(2, "Lapsed", "orbit:lapsed")
    counts, _ = sync(app, push_shop, [vip, lapsed])
    assert counts == {"created": 2, "updated": 0, "deleted": 0}
    assert shopify_segments(push_shop) == {
        "Orbit: VIP": "customer_tags CONTAINS 'orbit:vip'",
        "Orbit: Lapsed": "customer_tags CONTAINS 'orbit:lapsed'",
    }

    counts, client = sync(app, push_shop, [vip, lapsed])
    assert counts == {"created": 0, "updated": 0, "deleted": 0} and client.stats.requests == 0

    counts, _ = sync(app, push_shop, [WantedSegment(1, "Top customers", "orbit:vip")])
    assert counts == {"created": 0, "updated": 1, "deleted": 1}
    assert shopify_segments(push_shop) == {"Orbit: Top customers": "customer_tags CONTAINS 'orbit:vip'"}


def test_a_segment_deleted_in_shopify_is_made_again_on_the_next_change(app, push_shop):
    sync(app, push_shop, [WantedSegment(1, "VIP", "orbit:vip")])
    push_shop.dev._segments.clear()  # the merchant deleted it in the admin
    counts, _ = sync(app, push_shop, [WantedSegment(1, "VIPs", "orbit:vip")])
    assert counts["updated"] == 1
    assert shopify_segments(push_shop) == {"Orbit: VIPs": "customer_tags CONTAINS 'orbit:vip'"}


def test_quotes_in_a_tag_are_escaped_in_the_segment_query():
    assert tag_query("orbit:o'brien") == "customer_tags CONTAINS 'orbit:o\\'brien'"


def merchant_segment(push_shop, name: str, query: str) -> str:
    """A segment made in Shopify's admin (or by another app), not by this sync."""
    return segment_operations.create_segment(AdminClient(None, push_shop.domain), name, query)["id"]


def test_a_name_someone_else_holds_gets_a_numbered_variant_and_stays_put(app, push_shop):
    with app.app_context():
        theirs = merchant_segment(push_shop, "Orbit: VIP", "customer_tags CONTAINS 'big-spender'")
    counts, _ = sync(app, push_shop, [WantedSegment(1, "VIP", "orbit:vip")])
    assert counts["created"] == 1
    assert shopify_segments(push_shop) == {
        "Orbit: VIP": "customer_tags CONTAINS 'big-spender'",  # the merchant's, untouched
        "Orbit: VIP (2)": "customer_tags CONTAINS 'orbit:vip'",
    }
    assert f"gid://shopify/Segment/{next(iter(push_shop.dev._segments))}" == theirs
    # The numbered name counts as right: the next sync sends nothing.
    counts, client = sync(app, push_shop, [WantedSegment(1, "VIP", "orbit:vip")])
    assert counts == {"created": 0, "updated": 0, "deleted": 0} and client.stats.requests == 0


def test_orbits_own_segment_left_unrecorded_by_a_crash_is_adopted_not_duplicated(app, push_shop):
    with app.app_context():
        orphan = merchant_segment(push_shop, "Orbit: VIP", "customer_tags CONTAINS 'orbit:vip'")
    counts, _ = sync(app, push_shop, [WantedSegment(1, "VIP", "orbit:vip")])
    assert counts["created"] == 1
    assert shopify_segments(push_shop) == {"Orbit: VIP": "customer_tags CONTAINS 'orbit:vip'"}
    with app.app_context(), db.transaction() as session:
        gids = session.scalars(
            select(ShopifySegment.shopify_gid).where(ShopifySegment.shop_id == push_shop.shop_id)
        ).all()
    assert gids == [orphan]


def test_a_rename_onto_a_taken_name_takes_a_numbered_variant(app, push_shop):
    sync(app, push_shop, [WantedSegment(1, "VIP", "orbit:vip")])
    with app.app_context():
        merchant_segment(push_shop, "Orbit: Top", "customer_tags CONTAINS 'top'")
    counts, _ = sync(app, push_shop, [WantedSegment(1, "Top", "orbit:vip")])
    assert counts["updated"] == 1
    assert shopify_segments(push_shop) == {
        "Orbit: Top": "customer_tags CONTAINS 'top'",
        "Orbit: Top (2)": "customer_tags CONTAINS 'orbit:vip'",
    }


def test_a_new_prefix_moves_the_segment_query_to_the_new_tag(app, push_shop):
    sync(app, push_shop, [WantedSegment(1, "VIP", "orbit:vip")])
    counts, _ = sync(app, push_shop, [WantedSegment(1, "VIP", "crm:vip")])
    assert counts == {"created": 0, "updated": 1, "deleted": 0}
    assert shopify_segments(push_shop) == {"Orbit: VIP": "customer_tags CONTAINS 'crm:vip'"}


@pytest.mark.parametrize(
    ("actual", "fits"),
    [("Orbit: VIP", True), ("Orbit: VIP (2)", True), ("Orbit: VIP (12)", True), ("Orbit: VIP (1)", False),
     ("Orbit: VIP (0)", False), ("Orbit: VIPs", False), ("Orbit: VIP (x)", False)],
)  # fmt: skip
def test_a_numbered_variant_counts_as_the_right_name(actual, fits):
    assert name_fits(actual, "Orbit: VIP") is fits


def test_a_numbered_name_stays_within_shopifys_255_characters():
    long = "Orbit: " + "x" * 300
    assert len(numbered_name(long[:255], 3)) == 255 and numbered_name(long[:255], 3).endswith(" (3)")
    assert name_fits(numbered_name(long[:255], 3), long[:255])
