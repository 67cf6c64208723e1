"""Bulk queries for the backfill, and paged `updated_at` queries for reconciliation.

Every document is a named constant (validated against the real schema in tests). The bulk
queries are what Orbit hands to `bulkOperationRunQuery`: Shopify runs them in the background
and writes JSONL (PLATFORM 4.3). The orders query asks for grouped output (`groupObjects:
true`): its line items then come directly below their order, so the backfill can stream the
file in constant memory; ungrouped output only promises children somewhere after the parent.

Field choices, so a GraphQL node and a webhook body yield the same record
(webhooks/graphql_records.py): `landingPageUrl`/`referrerUrl` are deprecated but carry the REST
`landing_site`/`referring_site` as they are; refunds inside a bulk order carry no refund line
items (Shopify allows no connection inside a list field in bulk queries; the paged
reconciliation query fetches them).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx

from app.shopify.client import AdminClient, payload_of

CUSTOMER_FIELDS = """
  id createdAt updatedAt firstName lastName state verifiedEmail note tags
  defaultEmailAddress { emailAddress marketingState marketingOptInLevel marketingUpdatedAt }
  defaultPhoneNumber { phoneNumber marketingState }
  defaultAddress { city provinceCode countryCodeV2 zip latitude longitude }
"""

ORDER_FIELDS = """
  id name email createdAt updatedAt processedAt cancelledAt cancelReason
  displayFinancialStatus displayFulfillmentStatus currencyCode test tags sourceName clientIp
  landingPageUrl referrerUrl discountCodes
  customAttributes { key value }
  customer { id }
  subtotalPriceSet { shopMoney { amount } }
  totalDiscountsSet { shopMoney { amount } }
  totalTaxSet { shopMoney { amount } }
  totalPriceSet { shopMoney { amount } }
  currentTotalPriceSet { shopMoney { amount } }
"""

LINE_ITEM_FIELDS = """
  id title sku quantity
  product { id }
  variant { id }
  originalUnitPriceSet { shopMoney { amount } }
  totalDiscountSet { shopMoney { amount } }
"""

REFUND_FIELDS = "id createdAt processedAt note totalRefundedSet { shopMoney { amount } }"

PRODUCT_FIELDS = "id createdAt updatedAt title handle productType vendor status tags"
VARIANT_FIELDS = "id title sku price"

CHECKOUT_FIELDS = """
  id createdAt updatedAt completedAt abandonedCheckoutUrl
  customer { id defaultEmailAddress { emailAddress } }
  totalPriceSet { shopMoney { amount currencyCode } }
"""
CHECKOUT_LINE_FIELDS = (
    "id title sku quantity product { id } variant { id } originalUnitPriceSet { shopMoney { amount } }"
)

BACKFILL_CUSTOMERS = f"query BackfillCustomers {{ customers {{ edges {{ node {{ {CUSTOMER_FIELDS} }} }} }} }}"
BACKFILL_ORDERS = f"""query BackfillOrders {{ orders {{ edges {{ node {{ {ORDER_FIELDS}
  refunds {{ {REFUND_FIELDS} }}
  lineItems {{ edges {{ node {{ {LINE_ITEM_FIELDS} }} }} }} }} }} }} }}"""
BACKFILL_PRODUCTS = f"""query BackfillProducts {{ products {{ edges {{ node {{ {PRODUCT_FIELDS}
  variants {{ edges {{ node {{ {VARIANT_FIELDS} }} }} }} }} }} }} }}"""
BACKFILL_CHECKOUTS = f"""query BackfillCheckouts {{ abandonedCheckouts {{ edges {{ node {{ {CHECKOUT_FIELDS}
  lineItems {{ edges {{ node {{ {CHECKOUT_LINE_FIELDS} }} }} }} }} }} }} }}"""

# resource -> (bulk query, groupObjects)
BACKFILL_QUERIES = {
    "customers": (BACKFILL_CUSTOMERS, False),
    "products": (BACKFILL_PRODUCTS, True),
    "orders": (BACKFILL_ORDERS, True),
    "checkouts": (BACKFILL_CHECKOUTS, True),
}

RUN_BULK_QUERY = """
mutation OrbitBulkOperationRunQuery($query: String!, $groupObjects: Boolean!) {
  bulkOperationRunQuery(query: $query, groupObjects: $groupObjects) {
    bulkOperation { id status }
    userErrors { field message code }
  }
}
"""

BULK_QUERY_STATUS = """
query OrbitBulkQueryStatus($id: ID!) {
  bulkOperation(id: $id) {
    id status errorCode objectCount rootObjectCount url partialDataUrl completedAt
  }
}
"""

# Reconciliation: one page of what changed since `query` (e.g. "updated_at:>'2026-01-01T00:00:00Z'").
RECONCILE_CUSTOMERS = f"""
query ReconcileCustomers($query: String!, $after: String) {{
  customers(first: 100, after: $after, query: $query, sortKey: UPDATED_AT) {{
    pageInfo {{ hasNextPage endCursor }}
    nodes {{ {CUSTOMER_FIELDS} }}
  }}
}}
"""
RECONCILE_ORDERS = f"""
query ReconcileOrders($query: String!, $after: String) {{
  orders(first: 2, after: $after, query: $query, sortKey: UPDATED_AT) {{
    pageInfo {{ hasNextPage endCursor }}
    nodes {{
      {ORDER_FIELDS}
      refunds(first: 3) {{
        {REFUND_FIELDS}
        refundLineItems(first: 10) {{
          nodes {{ quantity lineItem {{ id }} subtotalSet {{ shopMoney {{ amount }} }} }}
        }}
      }}
      lineItems(first: 48) {{ pageInfo {{ hasNextPage endCursor }} nodes {{ {LINE_ITEM_FIELDS} }} }}
    }}
  }}
}}
"""
# The rest of an order's line items when the first page above did not hold them all (100 a
# page keeps the query's cost, about 7 points a line, well under the 1,000-point maximum).
ORDER_LINE_ITEMS_PAGE = f"""
query OrderLineItemsPage($id: ID!, $after: String) {{
  order(id: $id) {{
    lineItems(first: 100, after: $after) {{
      pageInfo {{ hasNextPage endCursor }}
      nodes {{ {LINE_ITEM_FIELDS} }}
    }}
  }}
}}
"""
RECONCILE_PRODUCTS = f"""
query ReconcileProducts($query: String!, $after: String) {{
  products(first: 10, after: $after, query: $query, sortKey: UPDATED_AT) {{
    pageInfo {{ hasNextPage endCursor }}
    nodes {{ {PRODUCT_FIELDS} variants(first: 50) {{ nodes {{ {VARIANT_FIELDS} }} }} }}
  }}
}}
"""
RECONCILE_CHECKOUTS = f"""
query ReconcileCheckouts($query: String!, $after: String) {{
  abandonedCheckouts(first: 5, after: $after, query: $query) {{
    pageInfo {{ hasNextPage endCursor }}
    nodes {{ {CHECKOUT_FIELDS} lineItems(first: 30) {{ nodes {{ {CHECKOUT_LINE_FIELDS} }} }} }}
  }}
}}
"""

# resource -> (document, root field)
RECONCILE_QUERIES = {
    "customers": (RECONCILE_CUSTOMERS, "customers"),
    "products": (RECONCILE_PRODUCTS, "products"),
    "orders": (RECONCILE_ORDERS, "orders"),
    "checkouts": (RECONCILE_CHECKOUTS, "abandonedCheckouts"),
}

FINISHED = {"COMPLETED", "FAILED", "CANCELED", "EXPIRED"}


def start_bulk_query(client: AdminClient, resource: str) -> str:
    """Start the backfill query for `resource`; the bulk operation's id."""
    query, grouped = BACKFILL_QUERIES[resource]
    data = client.execute(RUN_BULK_QUERY, {"query": query, "groupObjects": grouped})
    return payload_of(data, "bulkOperationRunQuery")["bulkOperation"]["id"]


def bulk_query_status(client: AdminClient, operation_id: str) -> dict[str, Any] | None:
    return client.execute(BULK_QUERY_STATUS, {"id": operation_id})["bulkOperation"]


def jsonl_lines(url: str, *, timeout: float = 60.0) -> Iterator[bytes]:
    """The result file, line by line as it downloads (never held whole in memory)."""
    with httpx.stream("GET", url, timeout=timeout, follow_redirects=True) as response:
        response.raise_for_status()
        buffer = b""
        for chunk in response.iter_bytes(1 << 16):
            buffer += chunk
            *lines, buffer = buffer.split(b"\n")
            yield from (line for line in lines if line.strip())
        if buffer.strip():
            yield buffer


def changed_since(client: AdminClient, resource: str, since: str) -> Iterator[dict[str, Any]]:
    """Every node of `resource` updated after `since` (ISO UTC), page by page."""
    document, field = RECONCILE_QUERIES[resource]
    after: str | None = None
    while True:
        page = client.execute(document, {"query": f"updated_at:>'{since}'", "after": after})[field]
        yield from page["nodes"]
        if not page["pageInfo"]["hasNextPage"]:
            return
        after = page["pageInfo"]["endCursor"]


def remaining_line_items(client: AdminClient, order_id: str, after: str) -> Iterator[dict[str, Any]]:
    """An order's line items after the cursor `after`, page by page."""
    while True:
        order = client.execute(ORDER_LINE_ITEMS_PAGE, {"id": order_id, "after": after})["order"]
        if order is None:
            raise LookupError(f"order {order_id} is gone while its line items were read")
        page = order["lineItems"]
        yield from page["nodes"]
        if not page["pageInfo"]["hasNextPage"]:
            return
        after = page["pageInfo"]["endCursor"]
