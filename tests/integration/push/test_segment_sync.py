"""Shopify segments follow Orbit's pushed segments: created, renamed, recreated, deleted."""

from __future__ import annotations

from app.push.segment_plan import WantedSegment, tag_query
from app.push.segment_sync import sync_segments
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
