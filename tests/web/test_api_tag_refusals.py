"""The tags a push could not write (Shopify's limits) are visible through /api/activity, the
API the activity page reads, and disappear once a later push writes them."""

from __future__ import annotations

from app.push.sync import push_tags
from app.shopify.client import AdminClient
from tests.conftest import OTHER_SHOP
from tests.integration.push.conftest import install_shop
from tests.web.ui_data import install

LONG_TAG = "x" * 300


def push(app, shop, desired) -> None:
    with app.app_context():
        push_tags(shop.shop_id, desired, client=AdminClient(None, shop.domain))


def test_refused_tags_show_on_the_activity_api_until_a_push_writes_them(app, client, devstore, shopify):
    shop = install_shop(app, client, devstore, customers=2)
    full, other = shop.customer_ids
    shop.dev.customers[full]["tags"] = ", ".join(f"t{i}" for i in range(250))  # no room left
    shop.mirror(app)
    push(app, shop, {full: {"vip"}, other: {"vip", LONG_TAG}})
    headers = shopify.bearer(devstore.session_token(shop.domain))

    refusals = client.get("/api/activity", headers=headers).json["tag_refusals"]

    assert (refusals["customers"], refusals["tags"]) == (2, 2)
    reasons = {(r["customer_id"], r["tag"]): r["reason"] for r in refusals["recent"]}
    assert reasons == {
        (full, "orbit:vip"): "customer already has 250 tags",
        (other, "orbit:" + LONG_TAG): "longer than 255 characters",
    }
    assert all(r["recorded_at"] for r in refusals["recent"])
    assert "orbit:vip" in shop.tags(other)  # what fits was written all the same

    # The merchant makes room; the next push writes the tag and the refusal is gone.
    shop.dev.customers[full]["tags"] = "newsletter"
    shop.mirror(app)
    push(app, shop, {full: {"vip"}, other: {"vip", LONG_TAG}})
    refusals = client.get("/api/activity", headers=headers).json["tag_refusals"]
    assert (refusals["customers"], refusals["tags"]) == (1, 1)
    assert [(r["customer_id"], r["tag"]) for r in refusals["recent"]] == [(other, "orbit:" + LONG_TAG)]
    assert "orbit:vip" in shop.tags(full)

    # Another shop's session sees none of them.
    other_headers = install(client, shopify, OTHER_SHOP)
    assert client.get("/api/activity", headers=other_headers).json["tag_refusals"] == {
        "customers": 0,
        "tags": 0,
        "recent": [],
    }


def test_a_push_job_outcome_is_shown_with_its_refused_count(app, client, devstore, shopify):
    from app import db
    from app.models import JobRun, utcnow

    shop = install_shop(app, client, devstore, customers=1)
    summary = {"tag_changes": 3, "requests": 1, "refused": 2, "missing_customers": 0}
    with app.app_context(), db.transaction() as session:
        session.add(
            JobRun(
                shop_id=shop.shop_id, kind="push", status="succeeded", checkpoint=summary, started_at=utcnow()
            )
        )
        session.add(
            JobRun(
                shop_id=shop.shop_id,
                kind="backfill",
                status="running",
                checkpoint={"x": 1},
                started_at=utcnow(),
            )
        )
    headers = shopify.bearer(devstore.session_token(shop.domain))
    jobs = {job["kind"]: job for job in client.get("/api/activity", headers=headers).json["jobs"]}
    assert jobs["push"]["outcome"] == summary
    assert jobs["backfill"]["outcome"] is None  # resume points are not an outcome
