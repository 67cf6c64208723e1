"""The devstore's Admin GraphQL endpoint over real HTTP: data, Shopify's error shapes,
pagination, search filters and the resolvers' mapping of REST records."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import httpx
import pytest
from shopify_app.graphql.admin_graphql import admin_graphql_request

from devstore.resolvers.common import parse_time
from devstore.seed import make_demo_shop
from devstore.state import DevstoreConfig
from devstore.store import Store, gid
from devstore.testing import DevstoreServer, small_shop

SEEDED = "graphql-seeded.myshopify.com"
TINY = "graphql-tiny.myshopify.com"
CLIENT_ID = "devstore-graphql-client"
CLIENT_SECRET = "devstore-graphql-secret-0123456789abcdef"
ENDPOINT = "/admin/api/2026-10/graphql.json"


@pytest.fixture(scope="module")
def server() -> Iterator[DevstoreServer]:
    store = Store()
    store.add_shop(make_demo_shop(SEEDED, customers=40, seed=3))
    store.add_shop(small_shop(TINY, customers=6))
    config = DevstoreConfig(
        port=0,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        app_url="http://127.0.0.1:9",
        scopes="read_customers,read_orders,read_products",
        restore_rate=10_000,  # these tests are about data, not the throttle
        webhook_subscriptions={},
    )
    with DevstoreServer(config, store) as running:
        yield running


@pytest.fixture(scope="module")
def http(server: DevstoreServer) -> Iterator[httpx.Client]:
    with server.shop_client(timeout=30) as client:
        yield client


def access_token(server: DevstoreServer, http: httpx.Client, shop: str) -> str:
    body = {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "grant_type": "urn:ietf:params:oauth:grant-type:token-exchange",
        "subject_token": server.session_token(shop),
        "subject_token_type": "urn:ietf:params:oauth:token-type:id_token",
        "requested_token_type": "urn:shopify:params:oauth:token-type:offline-access-token",
        "expiring": 0,
    }
    return http.post(f"https://{shop}/admin/oauth/access_token", json=body).json()["access_token"]


@pytest.fixture(scope="module")
def seeded_token(server, http) -> str:
    return access_token(server, http, SEEDED)


@pytest.fixture(scope="module")
def tiny_token(server, http) -> str:
    return access_token(server, http, TINY)


def graphql(http: httpx.Client, shop: str, token: str, document: str, **variables) -> dict:
    response = http.post(
        f"https://{shop}{ENDPOINT}",
        json={"query": document, "variables": variables},
        headers={"X-Shopify-Access-Token": token},
    )
    assert response.status_code == 200, response.text
    return response.json()


def data(http: httpx.Client, shop: str, token: str, document: str, **variables) -> dict:
    body = graphql(http, shop, token, document, **variables)
    assert "errors" not in body, body["errors"]
    return body["data"]


# --- the request pipeline ---------------------------------------------------------------------


def test_shopifyapp_reads_data_and_the_cost_extension(server, http, seeded_token):
    result = admin_graphql_request(
        "{ shop { name myshopifyDomain currencyCode ianaTimezone plan { displayName shopifyPlus } } }",
        shop=SEEDED.removesuffix(".myshopify.com"),
        access_token=seeded_token,
        api_version="2026-10",
        http_client=http,
    )

    assert result.ok, result.log
    assert result.data["shop"]["myshopifyDomain"] == SEEDED
    assert result.data["shop"]["currencyCode"] == server.store.get(SEEDED).currency
    cost = result.extensions["cost"]
    assert cost["requestedQueryCost"] == 2 and cost["actualQueryCost"] == 2
    assert set(cost["throttleStatus"]) == {"maximumAvailable", "currentlyAvailable", "restoreRate"}


def test_an_undefined_field_gets_shopifys_error_shape(http, seeded_token):
    body = graphql(http, SEEDED, seeded_token, "query Overview {\n  shop { name nickname }\n}")

    assert "data" not in body
    assert body["errors"] == [
        {
            "message": "Field 'nickname' doesn't exist on type 'Shop'",
            "locations": [{"line": 2, "column": 15}],
            "path": ["query Overview", "shop", "nickname"],
            "extensions": {"code": "undefinedField", "typeName": "Shop", "fieldName": "nickname"},
        }
    ]
    assert "cost" in body["extensions"]


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ('{ customers(first: 1, quer: "x") { nodes { id } } }', "argumentNotAccepted"),
        ("{ customer { id } }", "missingRequiredArguments"),
        ("{ shop }", "selectionMismatch"),
        ("{ shop { id { value } } }", "selectionMismatch"),
        ('{ customers(first: "ten") { nodes { id } } }', "argumentLiteralsIncompatible"),
        ("query Q($unused: Int) { shop { id } }", "variableNotUsed"),
        ("query Q { customers(first: $n) { nodes { id } } }", "variableNotDefined"),
        ("query Q($n: String) { customers(first: $n) { nodes { id } } }", "variableMismatch"),
        ("{ shop { ...Missing } }", "useAndDefineFragment"),
        ("{ shop { ... on Nope { id } } }", "undefinedType"),
    ],
)
def test_documents_the_schema_rejects_are_rejected_with_graphql_ruby_codes(http, seeded_token, query, code):
    errors = graphql(http, SEEDED, seeded_token, query)["errors"]
    assert errors[0]["extensions"]["code"] == code
    assert errors[0]["message"] and errors[0]["locations"]


def test_a_syntax_error_points_at_the_problem(http, seeded_token):
    errors = graphql(http, SEEDED, seeded_token, "{ shop { name }")["errors"]
    assert errors[0]["message"].startswith("Parse error")
    assert errors[0]["locations"] == [{"line": 1, "column": 16}]


def test_bad_requests_fail_at_the_http_level(server, http, seeded_token):
    headers = {"X-Shopify-Access-Token": seeded_token, "Content-Type": "application/json"}
    url = f"https://{SEEDED}{ENDPOINT}"

    assert http.post(url, content=b'{"query": ', headers=headers).status_code == 400
    assert http.post(url, json={"variables": {}}, headers=headers).status_code == 400
    bad_token = http.post(
        url, json={"query": "{ shop { id } }"}, headers={"X-Shopify-Access-Token": "shpat_x"}
    )
    assert bad_token.status_code == 401
    assert bad_token.json()["errors"].startswith("[API] Invalid API key or access token")
    assert http.post(url, json={"query": "{ shop { id } }"}).status_code == 401
    unknown_shop = http.post(
        f"https://nowhere.myshopify.com{ENDPOINT}", json={"query": "{ shop { id } }"}, headers=headers
    )
    assert (unknown_shop.status_code, unknown_shop.json()) == (404, {"errors": "Not Found"})
    unknown_version = http.post(
        f"https://{SEEDED}/admin/api/2019-13/graphql.json", json={"query": "{ shop { id } }"}, headers=headers
    )
    assert unknown_version.status_code == 404
    older = http.post(
        f"https://{SEEDED}/admin/api/2026-07/graphql.json", json={"query": "{ shop { id } }"}, headers=headers
    )
    assert older.status_code == 200 and older.headers["X-Shopify-API-Version"] == "2026-07"


def test_invalid_variables_are_refused_before_execution(http, seeded_token):
    body = graphql(http, SEEDED, seeded_token, "query C($id: ID!) { customer(id: $id) { id } }")
    assert "data" not in body
    assert body["errors"][0]["message"] == "Variable $id was provided invalid value"


def test_a_field_the_devstore_lacks_is_a_clear_error_not_a_crash(http, seeded_token):
    body = graphql(http, SEEDED, seeded_token, "{ shop { name metafields(first: 1) { nodes { id } } } }")
    assert "does not implement Shop.metafields" in body["errors"][0]["message"]


def test_a_missing_scope_is_access_denied(server, http):
    httpx.post(
        f"{server.url}/_devstore/shops/{TINY}/install", json={"scopes": ["read_products"]}
    ).raise_for_status()
    try:
        token = access_token(server, http, TINY)
        body = graphql(http, TINY, token, "{ customers(first: 1) { nodes { id } } productsCount { count } }")
    finally:
        httpx.post(
            f"{server.url}/_devstore/shops/{TINY}/install",
            json={"scopes": ["read_customers", "read_orders", "read_products"]},
        ).raise_for_status()

    assert body["errors"][0]["extensions"]["code"] == "ACCESS_DENIED"
    assert body["errors"][0]["path"] == ["customers"]


# --- connections and search -------------------------------------------------------------------

CUSTOMER_PAGE = """
query Customers($first: Int, $after: String, $last: Int, $before: String, $query: String,
                $sortKey: CustomerSortKeys, $reverse: Boolean) {
  customers(first: $first, after: $after, last: $last, before: $before, query: $query,
            sortKey: $sortKey, reverse: $reverse) {
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id updatedAt } }
    nodes { id }
  }
}
"""


def walk_customers(http, token, **variables) -> list[str]:
    ids, after = [], None
    while True:
        page = data(http, SEEDED, token, CUSTOMER_PAGE, after=after, **variables)["customers"]
        assert [e["node"]["id"] for e in page["edges"]] == [n["id"] for n in page["nodes"]]
        ids += [n["id"] for n in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            return ids
        assert page["pageInfo"]["endCursor"] == page["edges"][-1]["cursor"]
        after = page["pageInfo"]["endCursor"]


def test_paging_forward_visits_every_customer_once_in_id_order(server, http, seeded_token):
    ids = walk_customers(http, seeded_token, first=7)
    expected = [gid("customers", i) for i in sorted(server.store.get(SEEDED).customers)]
    assert ids == expected


def test_paging_by_updated_at_in_reverse_is_newest_first(server, http, seeded_token):
    ids = walk_customers(http, seeded_token, first=9, sortKey="UPDATED_AT", reverse=True)
    customers = server.store.get(SEEDED).customers
    expected = sorted(customers.values(), key=lambda c: (parse_time(c["updated_at"]), c["id"]), reverse=True)
    assert ids == [gid("customers", c["id"]) for c in expected]


def test_paging_backward_with_last_and_before(http, seeded_token):
    everyone = walk_customers(http, seeded_token, first=50)
    page = data(http, SEEDED, seeded_token, CUSTOMER_PAGE, last=5)["customers"]
    assert [n["id"] for n in page["nodes"]] == everyone[-5:]
    assert page["pageInfo"]["hasPreviousPage"] and not page["pageInfo"]["hasNextPage"]
    before = data(http, SEEDED, seeded_token, CUSTOMER_PAGE, last=5, before=page["pageInfo"]["startCursor"])
    assert [n["id"] for n in before["customers"]["nodes"]] == everyone[-10:-5]


def test_page_size_limits(http, seeded_token):
    too_big = graphql(http, SEEDED, seeded_token, "{ customers(first: 251) { nodes { id } } }")
    missing = graphql(http, SEEDED, seeded_token, "{ customers { nodes { id } } }")
    assert "less than or equal to 250" in too_big["errors"][0]["message"]
    assert missing["errors"][0]["message"] == "you must provide one of first or last"


def test_updated_at_filter_keeps_only_newer_customers(server, http, seeded_token):
    customers = list(server.store.get(SEEDED).customers.values())
    cutoff = sorted(parse_time(c["updated_at"]) for c in customers)[len(customers) // 2]
    stamp = cutoff.strftime("%Y-%m-%dT%H:%M:%SZ")

    quoted = walk_customers(http, seeded_token, first=50, query=f"updated_at:>'{stamp}'")
    bare = walk_customers(http, seeded_token, first=50, query=f"updated_at:>={stamp}")
    count = data(
        http,
        SEEDED,
        seeded_token,
        "query($q: String) { customersCount(query: $q) { count precision } }",
        q=f"updated_at:>'{stamp}'",
    )

    newer = {gid("customers", c["id"]) for c in customers if parse_time(c["updated_at"]) > cutoff}
    assert set(quoted) == newer
    assert set(bare) == newer | {
        gid("customers", c["id"]) for c in customers if parse_time(c["updated_at"]) == cutoff
    }
    assert count["customersCount"] == {"count": len(newer), "precision": "EXACT"}


def test_search_by_email_tag_and_id(server, http, tiny_token):
    shop = server.store.get(TINY)
    first_id = min(shop.customers)
    query = "query($q: String) { customers(first: 50, query: $q) { nodes { email tags } } }"

    by_email = data(http, TINY, tiny_token, query, q="email:customer3@example.com")["customers"]["nodes"]
    vip = data(http, TINY, tiny_token, query, q="tag:vip")["customers"]["nodes"]
    not_vip = data(http, TINY, tiny_token, query, q="-tag:vip")["customers"]["nodes"]
    after_first = data(http, TINY, tiny_token, query, q=f"id:>{first_id}")["customers"]["nodes"]
    both = data(http, TINY, tiny_token, query, q="tag:vip AND email:customer2*")["customers"]["nodes"]

    assert [c["email"] for c in by_email] == ["customer3@example.com"]
    assert {c["email"] for c in vip} == {
        "customer0@example.com",
        "customer2@example.com",
        "customer4@example.com",
    }
    assert len(not_vip) == 3 and all("vip" not in c["tags"] for c in not_vip)
    assert len(after_first) == 5
    assert [c["email"] for c in both] == ["customer2@example.com"]


def test_counts_cap_at_the_limit(http, seeded_token):
    body = data(
        http,
        SEEDED,
        seeded_token,
        "{ capped: customersCount(limit: 10) { count precision } "
        "all: customersCount(limit: null) { count } }",
    )
    assert body["capped"] == {"count": 10, "precision": "AT_LEAST"}
    assert body["all"]["count"] == 40


# --- record mapping ---------------------------------------------------------------------------

CUSTOMER_DETAIL = """
query($id: ID!) {
  customer(id: $id) {
    id legacyResourceId firstName lastName displayName email phone state tags note verifiedEmail
    createdAt updatedAt numberOfOrders amountSpent { amount currencyCode }
    defaultAddress { city countryCodeV2 provinceCode latitude longitude }
    addressesV2(first: 5) { nodes { id city } }
    defaultEmailAddress { emailAddress marketingState marketingOptInLevel marketingUpdatedAt }
    emailMarketingConsent { marketingState }
    smsMarketingConsent { marketingState marketingOptInLevel }
    defaultPhoneNumber { phoneNumber marketingState }
    lastOrder { id }
    orders(first: 10) { nodes { id } }
  }
}
"""


def test_customer_fields_come_from_the_record(server, http, tiny_token):
    shop = server.store.get(TINY)
    record = shop.customers[sorted(shop.customers)[3]]  # customer3: three orders of product 0, 10.00

    customer = data(http, TINY, tiny_token, CUSTOMER_DETAIL, id=gid("customers", record["id"]))["customer"]

    assert customer["legacyResourceId"] == str(record["id"])
    assert customer["displayName"] == "First3 Last3"
    assert customer["state"] == "ENABLED"
    assert customer["numberOfOrders"] == "3"
    assert customer["amountSpent"] == {"amount": "30.0", "currencyCode": "USD"}
    assert customer["createdAt"] == "2024-01-04T05:00:00Z"  # -05:00 in the record, UTC here
    assert customer["defaultAddress"]["countryCodeV2"] == "CA"
    assert customer["defaultAddress"]["latitude"] == 45.42
    assert customer["defaultEmailAddress"]["marketingState"] == "SUBSCRIBED"
    assert customer["defaultEmailAddress"]["marketingOptInLevel"] == "SINGLE_OPT_IN"
    assert customer["smsMarketingConsent"] is None and customer["defaultPhoneNumber"] is None
    assert len(customer["orders"]["nodes"]) == 3
    assert customer["lastOrder"]["id"] == customer["orders"]["nodes"][-1]["id"]


CUSTOMER_ROWS = """
{
  customers(first: 40) {
    nodes {
      legacyResourceId displayName email phone state tags note createdAt updatedAt numberOfOrders
      amountSpent { amount currencyCode }
      defaultAddress { city countryCodeV2 latitude longitude }
      defaultEmailAddress { emailAddress marketingState marketingOptInLevel marketingUpdatedAt }
      smsMarketingConsent { marketingState marketingOptInLevel consentUpdatedAt }
      defaultPhoneNumber { phoneNumber marketingState }
    }
  }
}
"""


def test_every_seeded_customer_resolves_with_the_apps_fields(server, http, seeded_token):
    customers = data(http, SEEDED, seeded_token, CUSTOMER_ROWS)["customers"]["nodes"]

    shop = server.store.get(SEEDED)
    orders_per_customer: dict[int, int] = {}
    for order in shop.orders.values():
        if order.get("customer"):
            orders_per_customer[order["customer"]["id"]] = (
                orders_per_customer.get(order["customer"]["id"], 0) + 1
            )
    assert len(customers) == 40
    for customer in customers:
        record_id = int(customer["legacyResourceId"])
        assert customer["numberOfOrders"] == str(orders_per_customer.get(record_id, 0))
        assert datetime.fromisoformat(customer["updatedAt"].replace("Z", "+00:00"))


ORDERS = """
query($first: Int!, $query: String) {
  orders(first: $first, query: $query, sortKey: PROCESSED_AT) {
    nodes {
      id name email createdAt processedAt cancelledAt cancelReason test tags sourceName
      displayFinancialStatus displayFulfillmentStatus currencyCode discountCodes
      totalPriceSet { shopMoney { amount currencyCode } }
      totalRefundedSet { shopMoney { amount } }
      customer { id }
      lineItems(first: 3) {
        nodes {
          title quantity sku variant { id price product { id } }
          originalUnitPriceSet { shopMoney { amount } }
        }
      }
      refunds { id totalRefundedSet { shopMoney { amount } } }
      customerJourneySummary {
        customerOrderIndex
        firstVisit { source sourceType utmParameters { source medium } }
      }
    }
  }
}
"""


def test_orders_map_money_lines_customer_and_journey(server, http, tiny_token):
    orders = data(http, TINY, tiny_token, ORDERS, first=15)["orders"]["nodes"]

    shop = server.store.get(TINY)
    assert len(orders) == len(shop.orders)
    assert [o["processedAt"] for o in orders] == sorted(o["processedAt"] for o in orders)
    first = orders[0]
    assert first["displayFinancialStatus"] == "PAID"
    assert first["displayFulfillmentStatus"] == "UNFULFILLED"
    assert first["totalPriceSet"]["shopMoney"] == {"amount": "20.0", "currencyCode": "USD"}
    assert first["lineItems"]["nodes"][0]["variant"]["price"] == "20.00"
    assert first["lineItems"]["nodes"][0]["variant"]["product"]["id"].startswith("gid://shopify/Product/")
    assert first["customer"]["id"].startswith("gid://shopify/Customer/")
    assert first["customerJourneySummary"]["customerOrderIndex"] == 1
    assert first["customerJourneySummary"]["firstVisit"]["sourceType"] == "NEWSLETTER"
    assert first["customerJourneySummary"]["firstVisit"]["utmParameters"] == {
        "source": "newsletter",
        "medium": "email",
    }


def test_seeded_orders_with_refunds_resolve(server, http, seeded_token):
    shop = server.store.get(SEEDED)
    refunded = [o for o in shop.orders.values() if o.get("refunds")]
    assert refunded, "the seed should contain refunds"
    order = refunded[0]

    body = data(
        http,
        SEEDED,
        seeded_token,
        "query($id: ID!) { order(id: $id) { name totalRefundedSet { shopMoney { amount } } "
        "refunds { id createdAt refundLineItems(first: 10) { nodes { quantity lineItem { id } } } } "
        "lineItems(first: 50) { nodes { currentQuantity } } } }",
        id=gid("orders", order["id"]),
    )["order"]

    assert body["name"] == order["name"]
    assert len(body["refunds"]) == len(order["refunds"])
    assert float(body["totalRefundedSet"]["shopMoney"]["amount"]) > 0


def test_orders_filter_by_created_at_and_count(server, http, seeded_token):
    shop = server.store.get(SEEDED)
    stamps = sorted(parse_time(o["created_at"]) for o in shop.orders.values())
    cutoff = stamps[len(stamps) // 3].strftime("%Y-%m-%dT%H:%M:%SZ")

    body = data(
        http,
        SEEDED,
        seeded_token,
        "query($q: String) { ordersCount(query: $q) { count } }",
        q=f"created_at:<'{cutoff}'",
    )

    expected = sum(1 for o in shop.orders.values() if parse_time(o["created_at"]) < parse_time(cutoff))
    assert body["ordersCount"]["count"] == expected


def test_products_and_variants(server, http, seeded_token):
    shop = server.store.get(SEEDED)
    body = data(
        http,
        SEEDED,
        seeded_token,
        "{ productsCount { count } products(first: 100, sortKey: TITLE) { nodes { id title handle "
        "status tags variantsCount { count } variants(first: 1) { nodes { id sku price } } } } }",
    )
    products = body["products"]["nodes"]
    assert body["productsCount"]["count"] == len(shop.products) == len(products)
    assert [p["title"].lower() for p in products] == sorted(p["title"].lower() for p in products)
    assert all(p["status"] in {"ACTIVE", "DRAFT", "ARCHIVED", "UNLISTED"} for p in products)
    assert sum(p["variantsCount"]["count"] for p in products) == sum(
        len(p["variants"]) for p in shop.products.values()
    )
    assert all(p["variants"]["nodes"][0]["price"] for p in products)


def test_node_and_nodes_resolve_by_global_id(server, http, tiny_token):
    shop = server.store.get(TINY)
    customer_id = gid("customers", min(shop.customers))
    order_id = gid("orders", min(shop.orders))
    query = """query($id: ID!, $ids: [ID!]!) {
      node(id: $id) { __typename id ... on Customer { email } }
      nodes(ids: $ids) { __typename ... on Order { name } ... on Product { title } }
    }"""

    body = data(
        http,
        TINY,
        tiny_token,
        query,
        id=customer_id,
        ids=[order_id, "gid://shopify/Customer/1", gid("products", min(shop.products))],
    )

    assert body["node"] == {"__typename": "Customer", "id": customer_id, "email": "customer0@example.com"}
    assert body["nodes"][0] == {"__typename": "Order", "name": "#1001"}
    assert body["nodes"][1] is None
    assert body["nodes"][2]["__typename"] == "Product"


def test_current_app_installation_lists_the_granted_scopes(http, tiny_token):
    body = data(http, TINY, tiny_token, "{ currentAppInstallation { accessScopes { handle } } }")
    handles = [s["handle"] for s in body["currentAppInstallation"]["accessScopes"]]
    assert handles == ["read_customers", "read_orders", "read_products"]


def test_response_fields_keep_the_querys_order(http, tiny_token):
    response = http.post(
        f"https://{TINY}{ENDPOINT}",
        json={"query": "{ shop { name id } productsCount { count } customersCount { count } }"},
        headers={"X-Shopify-Access-Token": tiny_token},
    )
    body = response.json()
    assert list(body) == ["data", "extensions"]
    assert list(body["data"]) == ["shop", "productsCount", "customersCount"]
    assert list(body["data"]["shop"]) == ["name", "id"]
