"""The devstore's bulk queries over real HTTP: Shopify's restrictions, the operation's life,
ungrouped JSONL with `__parentId`, the concurrency limit, cancelling, and the signed
`bulk_operations/finish` webhook; plus the abandonedCheckouts connection."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from devstore.seed import make_demo_shop
from devstore.state import DevstoreConfig
from devstore.store import Store
from devstore.testing import DevstoreServer
from devstore.webhooks import hmac_signature

SHOP = "bulk-test.myshopify.com"
CLIENT_ID = "devstore-bulk-client"
CLIENT_SECRET = "devstore-bulk-secret-0123456789abcdef"
ENDPOINT = f"https://{SHOP}/admin/api/2026-10/graphql.json"
RUN = """
mutation RunBulk($query: String!) {
  bulkOperationRunQuery(query: $query) {
    bulkOperation { id status }
    userErrors { field message code }
  }
}
"""
CURRENT = """
query Current {
  currentBulkOperation {
    id status errorCode objectCount rootObjectCount fileSize url partialDataUrl createdAt completedAt query
  }
}
"""
ORDERS_WITH_LINES = """
{ orders { edges { node { id name customer { id } lineItems { edges { node { id sku quantity } } } } } } }
"""


class Inbox:
    """A tiny app endpoint that records the webhooks it receives."""

    def __init__(self) -> None:
        self.received: list[tuple[dict, bytes]] = []
        self.server = make_server("127.0.0.1", 0, self.wsgi, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05})
        self.thread.start()

    @Request.application
    def wsgi(self, request: Request) -> Response:
        self.received.append((dict(request.headers), request.get_data()))
        return Response(status=200)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


@pytest.fixture(scope="module")
def inbox() -> Iterator[Inbox]:
    receiver = Inbox()
    yield receiver
    receiver.close()


@pytest.fixture(scope="module")
def server(inbox: Inbox) -> Iterator[DevstoreServer]:
    store = Store()
    store.add_shop(make_demo_shop(SHOP, customers=40, seed=3))
    config = DevstoreConfig(
        port=0,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        app_url=inbox.url,
        scopes="read_customers,read_orders,read_products",
        restore_rate=10_000,
        webhook_subscriptions={"bulk_operations/finish": "/webhooks/bulk"},
    )
    with DevstoreServer(config, store) as running:
        yield running


@pytest.fixture(scope="module")
def http(server: DevstoreServer) -> Iterator[httpx.Client]:
    with server.shop_client(timeout=30) as client:
        body = {
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "grant_type": "urn:ietf:params:oauth:grant-type:token-exchange",
            "subject_token": server.session_token(SHOP),
            "subject_token_type": "urn:ietf:params:oauth:token-type:id_token",
            "requested_token_type": "urn:shopify:params:oauth:token-type:offline-access-token",
            "expiring": 0,
        }
        token = client.post(f"https://{SHOP}/admin/oauth/access_token", json=body).json()["access_token"]
        client.headers["X-Shopify-Access-Token"] = token
        yield client


def graphql(http: httpx.Client, document: str, **variables) -> dict:
    response = http.post(ENDPOINT, json={"query": document, "variables": variables})
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


def run(http: httpx.Client, query: str) -> dict:
    return graphql(http, RUN, query=query)["bulkOperationRunQuery"]


def wait_finished(http: httpx.Client, timeout: float = 20) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        current = graphql(http, CURRENT)["currentBulkOperation"]
        if current["status"] not in ("CREATED", "RUNNING", "CANCELING"):
            return current
        time.sleep(0.05)
    raise AssertionError("bulk operation did not finish")


def test_bulk_query_writes_ungrouped_jsonl_with_parent_ids(server, http):
    started = run(http, ORDERS_WITH_LINES)
    assert started["userErrors"] == []
    assert started["bulkOperation"]["status"] in ("CREATED", "RUNNING", "COMPLETED")
    done = wait_finished(http)
    assert done["id"] == started["bulkOperation"]["id"]
    assert (done["status"], done["errorCode"], done["partialDataUrl"]) == ("COMPLETED", None, None)
    assert done["query"] == ORDERS_WITH_LINES
    # currentBulkOperation is per type: no mutation has run on this shop.
    mutation = graphql(http, "query CurrentMutation { currentBulkOperation(type: MUTATION) { id } }")
    assert mutation == {"currentBulkOperation": None}
    lines = [json.loads(line) for line in httpx.get(done["url"], timeout=10).text.splitlines()]
    shop = server.store.get(SHOP)
    orders = [line for line in lines if "__parentId" not in line]
    children = [line for line in lines if "__parentId" in line]
    assert len(orders) == len(shop.orders) == int(done["rootObjectCount"])
    assert len(lines) == int(done["objectCount"])
    assert len(children) == sum(len(o["line_items"]) for o in shop.orders.values())
    assert int(done["fileSize"]) == len(httpx.get(done["url"], timeout=10).content)
    # A child comes after its parent and names it; connections are not inlined in the parent.
    seen: set[str] = set()
    for line in lines:
        if "__parentId" in line:
            assert line["__parentId"] in seen
            assert line["id"].startswith("gid://shopify/LineItem/")
        else:
            assert "lineItems" not in line and line["customer"] is None or "id" in line["customer"]
            seen.add(line["id"])


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("{ shop { name } }", "at least one connection"),
        ('{ node(id: "gid://shopify/Customer/1") { id } }', "`node` and `nodes`"),
        (
            "{ customers { edges { node { id orders { edges { node { id "
            "lineItems { edges { node { id } } } } } } } } } }",
            "nesting depth greater than 2",
        ),
        (
            "{ customers { edges { node { email orders { edges { node { id } } } } } } }",
            "must select the 'id'",
        ),
        ("{ customers { edges { node { id nope } } } }", "Field 'nope' doesn't exist on type 'Customer'"),
        ("{ customers { edges { node { id } }", "Invalid bulk query"),
        (
            "{ a: customers { nodes { id } } b: orders { nodes { id } } c: products { nodes { id } } "
            "d: abandonedCheckouts { nodes { id } } e: customers { nodes { id } } "
            "f: orders { nodes { id } } }",
            "more than 5 connections",
        ),
        ("{ orders { nodes { id refunds { refundLineItems { nodes { id } } } } } }", "within a list field"),
    ],
)
def test_bulk_queries_shopify_refuses_come_back_as_user_errors(http, query, message):
    result = run(http, query)
    assert result["bulkOperation"] is None
    assert len(result["userErrors"]) == 1
    assert message in result["userErrors"][0]["message"]
    assert result["userErrors"][0]["code"] == "INVALID"


def test_at_most_five_run_at_once_and_cancel_stops_one(server, http):
    httpx.post(f"{server.url}/_devstore/bulk/settings", json={"line_delay": 0.02}, timeout=5)
    try:
        started = [run(http, "{ customers { nodes { id email } } }")["bulkOperation"] for _ in range(5)]
        assert all(op is not None for op in started)
        refused = run(http, "{ customers { nodes { id } } }")
        assert refused["bulkOperation"] is None
        assert refused["userErrors"][0]["code"] == "LIMIT_REACHED"

        cancel = graphql(
            http,
            "mutation Cancel($id: ID!) { bulkOperationCancel(id: $id) { bulkOperation { id status } "
            "userErrors { field message } } }",
            id=started[0]["id"],
        )["bulkOperationCancel"]
        assert cancel["userErrors"] == [] and cancel["bulkOperation"]["status"] == "CANCELING"
    finally:
        httpx.post(f"{server.url}/_devstore/bulk/settings", json={"line_delay": 0}, timeout=5)
    by_id = "query One($id: ID!) { bulkOperation(id: $id) { id status objectCount } }"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        states = [graphql(http, by_id, id=op["id"])["bulkOperation"]["status"] for op in started]
        if all(state in ("COMPLETED", "CANCELED") for state in states):
            break
        time.sleep(0.1)
    assert states[0] == "CANCELED"
    assert states[1:] == ["COMPLETED"] * 4
    again = graphql(
        http,
        "mutation Cancel($id: ID!) { bulkOperationCancel(id: $id) { userErrors { message } } }",
        id=started[1]["id"],
    )["bulkOperationCancel"]
    assert "cannot be canceled" in again["userErrors"][0]["message"]


def test_finish_is_announced_by_a_signed_webhook(server, http, inbox):
    before = len(inbox.received)
    operation = run(http, "{ products { edges { node { id title } } } }")["bulkOperation"]
    done = wait_finished(http)
    assert done["id"] == operation["id"]
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not any(
        json.loads(body)["admin_graphql_api_id"] == operation["id"] for _, body in inbox.received[before:]
    ):
        time.sleep(0.05)
    headers, body = next(
        (h, b) for h, b in inbox.received[before:] if json.loads(b)["admin_graphql_api_id"] == operation["id"]
    )
    assert headers["X-Shopify-Topic"] == "bulk_operations/finish"
    assert headers["X-Shopify-Hmac-Sha256"] == hmac_signature(body, CLIENT_SECRET)
    payload = json.loads(body)
    assert set(payload) == {
        "admin_graphql_api_id",
        "completed_at",
        "created_at",
        "error_code",
        "status",
        "type",
    }
    assert (payload["status"], payload["type"], payload["error_code"]) == ("completed", "query", None)


def test_abandoned_checkouts_page_and_count(server, http):
    shop = server.store.get(SHOP)
    data = graphql(
        http,
        "query Checkouts { abandonedCheckouts(first: 50, sortKey: CREATED_AT) { nodes { id createdAt "
        "customer { id } totalPriceSet { shopMoney { amount } } "
        "lineItems(first: 10) { nodes { sku quantity } } } } abandonedCheckoutsCount { count precision } }",
    )
    nodes = data["abandonedCheckouts"]["nodes"]
    assert data["abandonedCheckoutsCount"] == {"count": len(shop.checkouts), "precision": "EXACT"}
    assert len(nodes) == len(shop.checkouts) > 0
    assert [n["createdAt"] for n in nodes] == sorted(n["createdAt"] for n in nodes)
    first = shop.checkouts[int(nodes[0]["id"].rsplit("/", 1)[1])]
    assert nodes[0]["totalPriceSet"]["shopMoney"]["amount"].rstrip("0").rstrip(".") == first[
        "total_price"
    ].rstrip("0").rstrip(".")
    assert [(li["sku"], li["quantity"]) for li in nodes[0]["lineItems"]["nodes"]] == [
        (li["sku"], li["quantity"]) for li in first["line_items"]
    ]
