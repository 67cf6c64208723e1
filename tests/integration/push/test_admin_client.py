"""The throttle-aware client against the devstore's real leaky bucket: it paces a sustained
run so nothing is throttled, retries THROTTLED, 429 and 5xx, refreshes a refused token, and
raises typed errors."""

from __future__ import annotations

import httpx
import pytest

from app.shopify import segment_operations, tag_operations
from app.shopify.client import AdminClient, GraphQLErrors, HttpError, UserErrors
from app.shopify.segment_operations import SEGMENT_CREATE


@pytest.fixture
def small_bucket(devstore):
    """A small, fast bucket for this test; the plan is put back afterwards."""
    before = httpx.get(f"{devstore.url}/_devstore/throttle", timeout=5).json()

    def configure(restore_rate: float, bucket_size: float) -> None:
        body = {"restore_rate": restore_rate, "bucket_size": bucket_size}
        assert httpx.post(f"{devstore.url}/_devstore/throttle", json=body, timeout=5).status_code == 200

    yield configure
    configure(before["restore_rate"], before["bucket_size"])


def tag_batch(push_shop, size: int, tag: str):
    ids = push_shop.customer_ids
    return [("tagsAdd", ids[i % len(ids)], [f"orbit:{tag}-{i}"]) for i in range(size)]


def test_a_sustained_run_is_paced_and_never_throttled(app, push_shop, small_bucket):
    small_bucket(restore_rate=100, bucket_size=100)
    with app.app_context():
        client = AdminClient(None, push_shop.domain)
        for n in range(10):  # 10 x 50 points = 500 points through a 100-point bucket
            payloads = tag_operations.send_tag_changes(client, tag_batch(push_shop, 5, f"r{n}"))
            assert all(p["userErrors"] == [] for p in payloads)
    assert client.stats.throttled == 0
    assert client.stats.waited_seconds > 2.0  # it had to wait: the bucket holds 2 requests
    assert client.throttle is not None and client.throttle.maximum == 100.0


def test_a_throttled_request_is_retried_after_the_bucket_refills(app, push_shop, small_bucket):
    small_bucket(restore_rate=100, bucket_size=100)
    with app.app_context():
        drain = AdminClient(None, push_shop.domain)
        tag_operations.send_tag_changes(drain, tag_batch(push_shop, 10, "drain"))  # 100 points
        fresh = AdminClient(None, push_shop.domain)  # knows nothing of the bucket yet
        payloads = tag_operations.send_tag_changes(fresh, tag_batch(push_shop, 6, "after"))
    assert fresh.stats.throttled == 1
    assert all(p["userErrors"] == [] for p in payloads)
    assert "orbit:after-0" in push_shop.tags(push_shop.customer_ids[0])


def test_429_and_5xx_are_retried_with_backoff(app, push_shop, devstore):
    faults = {"shop": push_shop.domain, "statuses": [503, 502, 429, 500], "retry_after": 0.25}
    assert httpx.post(f"{devstore.url}/_devstore/api-faults", json=faults, timeout=5).status_code == 200
    waits: list[float] = []
    with app.app_context():
        client = AdminClient(None, push_shop.domain, sleep=waits.append)
        data = client.execute(segment_operations.SEGMENTS, {"first": 5}, operation_name="OrbitSegments")
    assert "segments" in data
    assert client.stats.requests == 5 and client.stats.retried == 4 and client.stats.throttled == 1
    assert waits[2] == 0.25  # 429 honours Retry-After
    assert waits[1] > waits[0] / 2  # exponential backoff (with jitter) between 5xx answers


def test_a_server_that_keeps_failing_raises_a_typed_error(app, push_shop, devstore):
    faults = {"shop": push_shop.domain, "statuses": [503] * 3}
    httpx.post(f"{devstore.url}/_devstore/api-faults", json=faults, timeout=5)
    with app.app_context():
        client = AdminClient(None, push_shop.domain, sleep=lambda s: None, max_attempts=3)
        with pytest.raises(HttpError) as failure:
            client.execute(segment_operations.SEGMENTS, {"first": 5}, operation_name="OrbitSegments")
    assert failure.value.status == 503


def test_a_refused_token_is_refreshed_once_and_the_call_goes_through(app, push_shop, devstore):
    with app.app_context():
        client = AdminClient(None, push_shop.domain)
        client.execute(segment_operations.SEGMENTS, {"first": 1}, operation_name="OrbitSegments")
        expired = httpx.post(
            f"{devstore.url}/_devstore/shops/{push_shop.domain}/expire-token", json={}, timeout=5
        )
        assert expired.json()["expired"] >= 1
        first_token = client._token
        client.execute(segment_operations.SEGMENTS, {"first": 1}, operation_name="OrbitSegments")
    assert client._token != first_token


def test_graphql_errors_and_user_errors_are_typed(app, push_shop):
    with app.app_context():
        client = AdminClient(None, push_shop.domain)
        with pytest.raises(GraphQLErrors) as bad_document:
            client.execute("query Broken { shop { noSuchField } }", operation_name="Broken")
        assert bad_document.value.codes == {"undefinedField"}
        with pytest.raises(UserErrors) as refused:
            segment_operations.create_segment(client, " ", "customer_tags CONTAINS 'orbit:vip'")
        assert refused.value.field == "segmentCreate"
        assert refused.value.errors[0]["field"] == ["name"]
        assert SEGMENT_CREATE.lstrip().startswith("mutation OrbitSegmentCreate")
