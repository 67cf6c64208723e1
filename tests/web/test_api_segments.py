"""The segments API over HTTP on a devstore-seeded store: list, preview, create/update/delete,
members, a customer's scores and the RFM rules; errors are 4xx, and one shop never sees another's.
Changes made here reach Shopify through the push queue: tags and Shopify segments follow."""

from __future__ import annotations

import pytest
from rq import SimpleWorker
from rq.serializers import JSONSerializer

from app import db
from app.models import utcnow
from app.queues import queue
from app.redis_conn import redis
from app.segments.recompute import full_recompute
from app.shopify import segment_operations
from app.shopify.client import AdminClient
from tests.conftest import DEMO_SHOP, OTHER_SHOP
from tests.integration.analytics_rows import load_devstore_shop
from tests.integration.push.conftest import install_shop
from tests.web.ui_data import install, shop_id


@pytest.fixture
def headers(app, client, shopify, devstore_store):
    headers = install(client, shopify)
    with app.app_context(), db.transaction() as session:
        load_devstore_shop(session, shop_id(app), devstore_store.shops[DEMO_SHOP])
        full_recompute(session, shop_id(app), utcnow())
    return headers


def test_the_list_has_every_builtin_with_its_size_definition_and_tag(client, headers):
    segments = client.get("/api/segments", headers=headers).json["segments"]
    assert len(segments) == 22
    vip = next(s for s in segments if s["builtin_key"] == "vip")
    assert vip["tag"] == "orbit:vip" and vip["definition"] == "predicted_clv_percentile >= 90"
    assert vip["description"].startswith("The top 10%")
    assert all(len(s["size_history"]) == 1 and s["size_history"][0]["size"] == s["size"] for s in segments)


def test_preview_counts_before_saving_and_saving_gives_the_same_members(client, headers):
    definition = "number_of_orders >= 2 AND customer_tags NOT CONTAINS 'wholesale'"
    preview = client.post("/api/segments/preview", json={"definition": definition}, headers=headers).json
    assert preview["count"] > 0 and len(preview["sample"]) == min(10, preview["count"])
    assert all(c["number_of_orders"] >= 2 for c in preview["sample"])

    created = client.post(
        "/api/segments", json={"name": "Loyal non-wholesale", "definition": definition}, headers=headers
    )
    assert created.status_code == 201
    segment = created.json["segment"]
    assert segment["size"] == preview["count"] and segment["tag"] == "orbit:loyal-non-wholesale"

    first = client.get(f"/api/segments/{segment['id']}/members?per_page=3", headers=headers).json
    second = client.get(f"/api/segments/{segment['id']}/members?per_page=3&page=2", headers=headers).json
    assert first["total"] == preview["count"] and len(first["members"]) == 3
    assert {m["customer_id"] for m in first["members"]}.isdisjoint(
        m["customer_id"] for m in second["members"]
    )


def test_a_definition_that_does_not_parse_is_a_400_naming_the_position(client, headers):
    response = client.post(
        "/api/segments/preview", json={"definition": "number_of_orders >= 'x'"}, headers=headers
    )
    assert response.status_code == 400
    assert response.json["error"]["position"] == 20 and response.json["error"]["expected"] == "a number"
    response = client.post("/api/segments", json={"name": "Bad", "definition": "age >"}, headers=headers)
    assert response.status_code == 400 and response.json["error"]["position"] == 5


@pytest.mark.parametrize(
    ("body", "status"),
    [(None, 400), ([], 400), ({"definition": 3}, 400), ({"name": "", "definition": "age > 1"}, 400),
     ({"name": "x", "definition": "age > 1", "push_tag": "yes"}, 400), ({"name": "x"}, 400)],
)  # fmt: skip
def test_bad_bodies_get_a_clear_400(client, headers, body, status):
    response = client.post("/api/segments", json=body, headers=headers)
    assert response.status_code == status and response.json["error"]["message"]


def test_builtins_only_change_their_push_flag_and_cannot_be_deleted(client, headers):
    segments = client.get("/api/segments", headers=headers).json["segments"]
    repeat = next(s for s in segments if s["builtin_key"] == "repeat")
    assert (
        client.patch(
            f"/api/segments/{repeat['id']}", json={"definition": "age > 1"}, headers=headers
        ).status_code
        == 400
    )
    changed = client.patch(f"/api/segments/{repeat['id']}", json={"push_tag": False}, headers=headers)
    assert changed.status_code == 200 and changed.json["segment"]["push_tag"] is False
    assert client.delete(f"/api/segments/{repeat['id']}", headers=headers).status_code == 400


def test_a_custom_segment_can_be_redefined_and_deleted(client, headers):
    segment = client.post(
        "/api/segments", json={"name": "Everyone", "definition": "number_of_orders >= 0"}, headers=headers
    ).json["segment"]
    narrowed = client.patch(
        f"/api/segments/{segment['id']}", json={"definition": "number_of_orders >= 3"}, headers=headers
    ).json["segment"]
    assert narrowed["size"] < segment["size"]
    assert client.delete(f"/api/segments/{segment['id']}", headers=headers).status_code == 204
    assert client.get(f"/api/segments/{segment['id']}", headers=headers).status_code == 404


def test_a_customer_has_facts_scores_and_segments_and_the_rfm_rules_are_listed(client, headers):
    member = client.post(
        "/api/segments/preview", json={"definition": "number_of_orders >= 2"}, headers=headers
    ).json
    customer_id = member["sample"][0]["customer_id"]
    body = client.get(f"/api/customers/{customer_id}/analytics", headers=headers).json
    assert body["customer"]["rfm_group"] and body["customer"]["predicted_clv"] is not None
    assert "orbit:repeat" in {s["tag"] for s in body["segments"]}
    assert client.get("/api/customers/1/analytics", headers=headers).status_code == 404
    rules = client.get("/api/analytics/rfm-rules", headers=headers).json["rules"]
    assert [r["name"] for r in rules][:2] == ["Prospects", "Champions"] and len(rules) == 11


def test_another_shop_cannot_see_or_change_these_segments(client, headers, shopify):
    segment_id = client.get("/api/segments", headers=headers).json["segments"][0]["id"]
    other = install(client, shopify, OTHER_SHOP)
    assert client.get("/api/segments", headers=other).json["segments"] == []
    assert client.get(f"/api/segments/{segment_id}", headers=other).status_code == 404
    assert client.delete(f"/api/segments/{segment_id}", headers=other).status_code == 404
    assert client.get(f"/api/segments/{segment_id}/members", headers=other).status_code == 404


def work_pushes(app) -> None:
    with app.app_context():
        SimpleWorker([queue("push")], connection=redis(), serializer=JSONSerializer).work(burst=True)


def shopify_segments(shop) -> dict[str, str]:
    return {s["name"]: s["query"] for s in getattr(shop.dev, "_segments", {}).values()}


def test_shopify_follows_segment_changes_made_through_the_api(app, client, shopify, devstore):
    shop = install_shop(app, client, devstore, customers=4)
    shop.mirror(app)
    with app.app_context(), db.transaction() as session:
        full_recompute(session, shop.shop_id, utcnow())
    headers = shopify.bearer(shopify.session_token(shop.domain))
    assert client.put("/api/settings", json={"shopify_segments": True}, headers=headers).status_code == 200
    # A merchant's own segment already holds the first name Orbit would choose.
    with app.app_context():
        segment_operations.create_segment(
            AdminClient(None, shop.domain), "Orbit: Trade", "customer_tags CONTAINS 'trade'"
        )
    work_pushes(app)
    builtin_count = len(shopify_segments(shop)) - 1  # built-ins that push by default

    created = client.post(
        "/api/segments",
        json={"name": "Wholesale", "definition": "customer_tags CONTAINS 'wholesale'", "push_tag": True},
        headers=headers,
    ).json["segment"]
    assert created["tag"] == "orbit:wholesale" and created["tag_name"] == "wholesale"
    work_pushes(app)
    assert all("orbit:wholesale" in shop.tags(c) for c in shop.customer_ids)
    assert shopify_segments(shop)["Orbit: Wholesale"] == "customer_tags CONTAINS 'orbit:wholesale'"
    record = next(key for key, s in shop.dev._segments.items() if s["name"] == "Orbit: Wholesale")

    url = f"/api/segments/{created['id']}"
    client.patch(url, json={"name": "Trade"}, headers=headers)  # taken in Shopify: numbered
    work_pushes(app)
    assert shop.dev._segments[record]["name"] == "Orbit: Trade (2)"
    assert shopify_segments(shop)["Orbit: Trade"] == "customer_tags CONTAINS 'trade'"  # untouched

    renamed = client.patch(url, json={"tag_name": "trade-account"}, headers=headers).json["segment"]
    assert renamed["tag"] == "orbit:trade-account"
    work_pushes(app)
    assert shop.dev._segments[record]["query"] == "customer_tags CONTAINS 'orbit:trade-account'"
    for customer in shop.customer_ids:
        assert "orbit:trade-account" in shop.tags(customer) and "orbit:wholesale" not in shop.tags(customer)

    client.put("/api/settings", json={"tag_prefix": "crm:"}, headers=headers)
    work_pushes(app)
    assert shop.dev._segments[record]["query"] == "customer_tags CONTAINS 'crm:trade-account'"
    assert client.get(url, headers=headers).json["segment"]["tag"] == "crm:trade-account"
    for customer in shop.customer_ids:
        tags = shop.tags(customer)
        assert "crm:trade-account" in tags and not any(t.startswith("orbit:") for t in tags)
        assert {"newsletter", "wholesale"} <= set(tags)  # other apps' tags survive

    client.patch(url, json={"push_tag": False}, headers=headers)
    work_pushes(app)
    assert record not in shop.dev._segments  # deleted in Shopify
    assert not any("crm:trade-account" in shop.tags(c) for c in shop.customer_ids)

    client.patch(url, json={"push_tag": True}, headers=headers)
    work_pushes(app)
    assert shopify_segments(shop)["Orbit: Trade (2)"] == "customer_tags CONTAINS 'crm:trade-account'"

    assert client.delete(url, headers=headers).status_code == 204
    work_pushes(app)
    assert shopify_segments(shop)["Orbit: Trade"] == "customer_tags CONTAINS 'trade'"
    assert len(shopify_segments(shop)) == builtin_count + 1
    assert not any("Trade (2)" in name for name in shopify_segments(shop))
    assert not any("crm:trade-account" in shop.tags(c) for c in shop.customer_ids)

    client.put("/api/settings", json={"shopify_segments": False}, headers=headers)
    work_pushes(app)
    assert shopify_segments(shop) == {"Orbit: Trade": "customer_tags CONTAINS 'trade'"}


def test_a_tag_name_is_checked_and_must_be_free(client, headers):
    created = client.post(
        "/api/segments", json={"name": "Mine", "definition": "number_of_orders >= 1"}, headers=headers
    ).json["segment"]
    url = f"/api/segments/{created['id']}"
    assert client.patch(url, json={"tag_name": "a,b"}, headers=headers).status_code == 400
    assert client.patch(url, json={"tag_name": " x"}, headers=headers).status_code == 400
    assert client.patch(url, json={"tag_name": "vip"}, headers=headers).status_code == 409  # a built-in's
    segments = client.get("/api/segments", headers=headers).json["segments"]
    vip = next(s for s in segments if s["tag_name"] == "vip")
    builtin = client.patch(f"/api/segments/{vip['id']}", json={"tag_name": "x"}, headers=headers)
    assert builtin.status_code == 400


def test_a_new_definition_on_a_pushed_segment_retags_who_joined_and_who_left(app, client, shopify, devstore):
    shop = install_shop(app, client, devstore, customers=3)
    first, *rest = shop.customer_ids
    shop.dev.customers[first]["tags"] = "newsletter, wholesale, trade-fair"
    shop.mirror(app)
    with app.app_context(), db.transaction() as session:
        full_recompute(session, shop.shop_id, utcnow())
    headers = shopify.bearer(shopify.session_token(shop.domain))
    created = client.post(
        "/api/segments",
        json={"name": "Fair", "definition": "customer_tags CONTAINS 'newsletter'", "push_tag": True},
        headers=headers,
    ).json["segment"]
    work_pushes(app)
    assert all("orbit:fair" in shop.tags(c) for c in shop.customer_ids)

    definition = "customer_tags CONTAINS 'trade-fair'"
    client.patch(f"/api/segments/{created['id']}", json={"definition": definition}, headers=headers)
    work_pushes(app)
    assert "orbit:fair" in shop.tags(first)
    assert not any("orbit:fair" in shop.tags(c) for c in rest)
