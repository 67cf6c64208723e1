"""The devstore's write side as the app sees it over HTTP: metafieldsSet (limits, atomicity,
compareDigest, codes), metafield definitions, segments, staged uploads and bulk mutations."""

from __future__ import annotations

import json

import pytest

from app.push.segment_plan import tag_query
from app.shopify import bulk_mutations, metafield_operations, segment_operations, tag_operations
from app.shopify.client import AdminClient, UserErrors
from app.shopify.metafield_operations import MetafieldsSetError

NAMESPACE = "orbit"


@pytest.fixture
def api(app, push_shop):
    with app.app_context():
        yield AdminClient(None, push_shop.domain)


def add_product(push_shop) -> str:
    product_id = push_shop.dev.next_id()
    push_shop.dev.products[product_id] = {
        "id": product_id,
        "title": "Beard oil",
        "handle": "beard-oil",
        "status": "active",
        "variants": [],
        "created_at": "2026-01-01T00:00:00Z",
        "updated_at": "2026-01-01T00:00:00Z",
    }
    return f"gid://shopify/Product/{product_id}"


def customer_gid(push_shop, index=0) -> str:
    return f"gid://shopify/Customer/{push_shop.customer_ids[index]}"


def metafield(owner, key="next_best", value='["a"]', type_="json", **extra):
    return {"ownerId": owner, "namespace": NAMESPACE, "key": key, "value": value, "type": type_, **extra}


def test_metafields_set_writes_and_reads_back_with_a_digest(api, push_shop):
    owner = customer_gid(push_shop)
    written = metafield_operations.set_metafields(api, [metafield(owner)])
    assert written[0]["value"] == '["a"]'
    stored = metafield_operations.read_metafield(api, owner, NAMESPACE, "next_best")
    assert stored["type"] == "json" and stored["compareDigest"] == written[0]["compareDigest"]

    updated = metafield_operations.set_metafields(
        api, [metafield(owner, value='["b"]', compareDigest=stored["compareDigest"])]
    )
    assert updated[0]["compareDigest"] != stored["compareDigest"]
    with pytest.raises(MetafieldsSetError) as stale:
        metafield_operations.set_metafields(
            api, [metafield(owner, value='["c"]', compareDigest=stored["compareDigest"])]
        )
    assert stale.value.codes == ["STALE_OBJECT"]
    assert metafield_operations.read_metafield(api, owner, NAMESPACE, "next_best")["value"] == '["b"]'


def test_metafields_set_is_atomic(api, push_shop):
    good = metafield(customer_gid(push_shop, 1), key="fine")
    bad = metafield(customer_gid(push_shop, 2), key="x", value="{not json")
    with pytest.raises(MetafieldsSetError) as refused:
        metafield_operations.set_metafields(api, [good, bad])
    assert {e["elementIndex"] for e in refused.value.errors} == {1}
    assert set(refused.value.codes) == {"TOO_SHORT", "INVALID_VALUE"}
    assert metafield_operations.read_metafield(api, customer_gid(push_shop, 1), NAMESPACE, "fine") is None


def test_metafields_set_takes_at_most_25(api, push_shop):
    owner = customer_gid(push_shop)
    inputs = [metafield(owner, key=f"k{n:02}") for n in range(26)]
    data = api.execute(
        metafield_operations.METAFIELDS_SET, {"metafields": inputs}, operation_name="OrbitMetafieldsSet"
    )
    assert data["metafieldsSet"]["userErrors"][0]["code"] == "LESS_THAN_OR_EQUAL_TO"
    with pytest.raises(ValueError):
        metafield_operations.set_metafields(api, inputs)


def test_product_references_must_exist_and_a_definition_supplies_the_type(api, push_shop):
    product = add_product(push_shop)
    created = metafield_operations.create_definition(
        api,
        {
            "namespace": "shopify--discovery--product_recommendation",
            "key": "complementary_products",
            "name": "Complementary products",
            "ownerType": "PRODUCT",
            "type": "list.product_reference",
        },
    )
    assert created["type"]["name"] == "list.product_reference"
    again = metafield_operations.create_definition(
        api,
        {
            "namespace": "shopify--discovery--product_recommendation",
            "key": "complementary_products",
            "name": "Complementary products",
            "ownerType": "PRODUCT",
            "type": "list.product_reference",
        },
    )
    assert again is None  # TAKEN is not an error
    target = {
        "ownerId": product,
        "namespace": "shopify--discovery--product_recommendation",
        "key": "complementary_products",
    }
    with pytest.raises(MetafieldsSetError) as missing:
        metafield_operations.set_metafields(
            api, [{**target, "value": json.dumps(["gid://shopify/Product/1"])}]
        )
    assert missing.value.codes == ["INVALID_VALUE"]
    written = metafield_operations.set_metafields(api, [{**target, "value": json.dumps([product])}])
    assert written[0]["type"] == "list.product_reference"
    with pytest.raises(MetafieldsSetError) as wrong_type:
        metafield_operations.set_metafields(api, [{**target, "value": "x", "type": "single_line_text_field"}])
    assert wrong_type.value.codes == ["INVALID_TYPE"]


def test_segments_are_created_renamed_listed_and_deleted(api):
    query = tag_query("orbit:vip")
    assert query == "customer_tags CONTAINS 'orbit:vip'"
    segment = segment_operations.create_segment(api, "Orbit: VIP", query)
    with pytest.raises(UserErrors):
        segment_operations.create_segment(api, "Orbit: VIP", query)  # names are unique
    renamed = segment_operations.update_segment(api, segment["id"], "Orbit: Top customers", query)
    assert renamed["name"] == "Orbit: Top customers"
    listed = api.execute(segment_operations.SEGMENTS, {"first": 10}, operation_name="OrbitSegments")
    assert [s["name"] for s in listed["segments"]["nodes"]] == ["Orbit: Top customers"]
    segment_operations.delete_segment(api, segment["id"])
    segment_operations.delete_segment(api, segment["id"])  # already gone counts as deleted
    assert segment_operations.update_segment(api, segment["id"], "x", query) is None


def test_a_bulk_mutation_runs_a_staged_jsonl_and_reports_each_line(api, push_shop):
    ids = push_shop.customer_ids[:4]
    lines = [{"id": tag_operations.customer_gid(c), "tags": ["orbit:bulk"]} for c in ids]
    lines.append({"id": "gid://shopify/Customer/1", "tags": ["orbit:bulk"]})
    path = bulk_mutations.stage_upload(api, "tags.jsonl", bulk_mutations.jsonl(lines))
    operation_id = bulk_mutations.run_bulk_mutation(api, tag_operations.TAGS_ADD, path, "test")
    finished = bulk_mutations.wait_for(api, operation_id, poll_seconds=0.05)
    assert finished["objectCount"] == "5"
    results = list(bulk_mutations.result_lines(api, finished["url"]))
    assert [r["__lineNumber"] for r in results] == [0, 1, 2, 3, 4]
    assert results[4]["data"]["tagsAdd"]["userErrors"][0]["message"] == "Customer does not exist"
    assert all("orbit:bulk" in push_shop.tags(c) for c in ids)


def test_a_bulk_mutation_refuses_a_missing_file_and_a_query(api):
    with pytest.raises(UserErrors) as missing:
        bulk_mutations.run_bulk_mutation(api, tag_operations.TAGS_ADD, "tmp/none.jsonl", "x")
    assert missing.value.errors[0]["code"] == "NO_SUCH_FILE"
    path = bulk_mutations.stage_upload(api, "q.jsonl", b"{}\n")
    with pytest.raises(UserErrors) as not_a_mutation:
        bulk_mutations.run_bulk_mutation(api, "query Q { shop { id } }", path, "x")
    assert not_a_mutation.value.errors[0]["code"] == "INVALID_MUTATION"


def test_the_app_reserved_namespace_shorthand_reads_and_writes_one_place(api, push_shop):
    owner = customer_gid(push_shop)
    written = metafield_operations.set_metafields(
        api, [{"ownerId": owner, "namespace": "$app:recs", "key": "next", "value": "[]", "type": "json"}]
    )
    assert written[0]["namespace"].startswith("app--") and written[0]["namespace"].endswith("--recs")
    assert metafield_operations.read_metafield(api, owner, "$app:recs", "next")["value"] == "[]"
    assert metafield_operations.read_metafield(api, owner, written[0]["namespace"], "next") is not None
