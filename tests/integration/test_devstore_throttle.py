"""The devstore's leaky bucket and cost limits, seen from the app's side over HTTP."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from devstore.seed import make_demo_shop
from devstore.state import DevstoreConfig
from devstore.store import Store
from devstore.testing import DevstoreServer

SHOP = "throttle-test.myshopify.com"
CLIENT_ID = "devstore-throttle-client"
CLIENT_SECRET = "devstore-throttle-secret-0123456789abcdef"
FORTY_FIVE_CUSTOMERS = "{ customers(first: 45) { nodes { id } } }"  # 2 + 45 points


@pytest.fixture
def server() -> Iterator[DevstoreServer]:
    store = Store()
    store.add_shop(make_demo_shop(SHOP, customers=60, seed=11))
    config = DevstoreConfig(
        port=0,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        scopes="read_customers,read_orders",
        bucket_size=100,
        restore_rate=50,
        webhook_subscriptions={},
    )
    with DevstoreServer(config, store) as running:
        yield running


@pytest.fixture
def http(server: DevstoreServer) -> Iterator[httpx.Client]:
    with server.shop_client(timeout=10) as client:
        body = {
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "grant_type": "urn:ietf:params:oauth:grant-type:token-exchange",
            "subject_token": server.session_token(SHOP),
            "subject_token_type": "urn:ietf:params:oauth:token-type:id_token",
            "requested_token_type": "urn:shopify:params:oauth:token-type:offline-access-token",
        }
        token = client.post(f"https://{SHOP}/admin/oauth/access_token", json=body).json()["access_token"]
        client.headers["X-Shopify-Access-Token"] = token
        yield client


def run(http: httpx.Client, query: str) -> dict:
    response = http.post(f"https://{SHOP}/admin/api/2026-10/graphql.json", json={"query": query})
    assert response.status_code == 200  # Shopify throttles GraphQL with HTTP 200
    return response.json()


def test_draining_the_bucket_gets_throttled_then_it_refills(http):
    first = run(http, FORTY_FIVE_CUSTOMERS)
    second = run(http, FORTY_FIVE_CUSTOMERS)
    throttled = run(http, FORTY_FIVE_CUSTOMERS)

    assert first["extensions"]["cost"]["requestedQueryCost"] == 47
    assert first["extensions"]["cost"]["actualQueryCost"] == 47
    assert first["extensions"]["cost"]["throttleStatus"]["maximumAvailable"] == 100.0
    assert first["extensions"]["cost"]["throttleStatus"]["restoreRate"] == 50.0
    assert len(second["data"]["customers"]["nodes"]) == 45
    assert "data" not in throttled
    assert throttled["errors"] == [
        {
            "message": "Throttled",
            "extensions": {"code": "THROTTLED", "documentation": "https://shopify.dev/api/usage/rate-limits"},
        }
    ]
    cost = throttled["extensions"]["cost"]
    assert cost["actualQueryCost"] is None
    assert cost["throttleStatus"]["currentlyAvailable"] < cost["requestedQueryCost"]

    time.sleep((cost["requestedQueryCost"] - cost["throttleStatus"]["currentlyAvailable"]) / 50 + 0.1)
    assert "data" in run(http, FORTY_FIVE_CUSTOMERS)


def test_unused_cost_is_refunded(http):
    # 2 + 98 requested, but the shop has 60 customers: the actual cost is 2 + 60.
    result = run(http, "{ customers(first: 98) { nodes { id } } }")
    cost = result["extensions"]["cost"]
    assert (cost["requestedQueryCost"], cost["actualQueryCost"]) == (100, 62)
    assert cost["throttleStatus"]["currentlyAvailable"] >= 100 - 62


def test_a_query_over_1000_points_is_refused_without_charge(http):
    result = run(http, "{ orders(first: 100) { nodes { lineItems(first: 50) { nodes { id } } } } }")

    assert "data" not in result
    assert result["errors"][0]["extensions"]["code"] == "MAX_COST_EXCEEDED"
    assert result["errors"][0]["message"].startswith("Query cost is 5302, which exceeds")
    assert result["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"] == 100


def test_the_plan_can_change_at_run_time(server, http):
    response = httpx.post(
        f"{server.url}/_devstore/throttle", json={"restore_rate": 1000, "bucket_size": 2000}
    )

    assert response.json()["restore_rate"] == 1000.0
    status = run(http, FORTY_FIVE_CUSTOMERS)["extensions"]["cost"]["throttleStatus"]
    assert (status["maximumAvailable"], status["restoreRate"]) == (2000.0, 1000.0)
    assert 1953 <= status["currentlyAvailable"] < 2000
    assert httpx.post(f"{server.url}/_devstore/throttle", json={"restore_rate": 0}).status_code == 400
