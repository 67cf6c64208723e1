"""Query cost of real Admin API documents, checked against numbers worked out by hand.

Rule (devstore/cost.py): scalar and enum 0, object 1, connection 2 + size * (1 + one element's
selection), interface/union the dearest possible type, mutation field 10 with its payload's
plain objects free. Each row's comment is the arithmetic.
"""

from __future__ import annotations

from typing import Any

import pytest
from graphql import DocumentNode, GraphQLSchema, parse, validate

from devstore.cost import (
    MAX_SINGLE_QUERY_COST,
    actual_cost,
    exceeds_single_query_limit,
    max_cost_exceeded_body,
    requested_cost,
)
from devstore.schema import admin_schema

CUSTOMER_ID = '"gid://shopify/Customer/7100000000001"'


@pytest.fixture(scope="module")
def schema() -> GraphQLSchema:
    return admin_schema()


def document(schema: GraphQLSchema, source: str) -> DocumentNode:
    """Parse and insist the real schema accepts it, so every row is a document Shopify runs."""
    parsed = parse(source)
    assert [error.message for error in validate(schema, parsed)] == []
    return parsed


REQUESTED_ROWS = [
    # shop object 1; scalar name and enum currencyCode 0
    ("{ shop { name currencyCode } }", None, 1),
    # shop 1 + billingAddress object 1
    ("{ shop { name billingAddress { city } } }", None, 2),
    # two selections of one response key are one field: shop 1
    ("{ shop { name } shop { id } }", None, 1),
    # aliases make two fields: 1 + 1
    ("{ a: shop { name } b: shop { id } }", None, 2),
    # 2 + 10 customers * (1 + 0 for scalars)
    ("{ customers(first: 10) { nodes { id email } } }", None, 12),
    # edges/node/cursor/pageInfo are the connection's wrapping: still 2 + 10 * 1
    (
        "{ customers(first: 10) { edges { cursor node { id email } } pageInfo { hasNextPage endCursor } } }",
        None,
        12,
    ),
    # 2 + 10 * (1 customer + 1 defaultEmailAddress + 1 amountSpent)
    (
        "{ customers(first: 10) { nodes { id defaultEmailAddress { emailAddress } "
        "amountSpent { amount currencyCode } } } }",
        None,
        32,
    ),
    # 2 + 5 orders * (1 + lineItems (2 + 10 * 1))
    ("{ orders(first: 5) { nodes { name lineItems(first: 10) { nodes { title } } } } }", None, 67),
    # 2 + 3 * (1 + orders (2 + 4 * (1 + lineItems (2 + 5 * 1)))) = 2 + 3 * 35
    (
        "{ customers(first: 3) { nodes { orders(first: 4) { nodes { "
        "lineItems(first: 5) { nodes { title } } } } } } }",
        None,
        107,
    ),
    # `last` sizes like `first`: 2 + 3 * 1
    ("{ orders(last: 3) { nodes { id } } }", None, 5),
    # page size from a variable: 2 + 25 * 1
    ("query Page($n: Int!) { customers(first: $n) { nodes { id } } }", {"n": 25}, 27),
    # page size from the variable's default: 2 + 7 * 1
    ("query Page($n: Int = 7) { customers(first: $n) { nodes { id } } }", None, 9),
    # named fragment expanded on each node: 2 + 10 * (1 + defaultAddress 1)
    (
        "query { customers(first: 10) { nodes { ...Card } } } "
        "fragment Card on Customer { id defaultAddress { city } }",
        None,
        22,
    ),
    # interface: Order costs 1 + customer 1 + shippingAddress 1 = 3, Customer 1 + 1 = 2,
    # any other Node 1; the dearest is 3
    (
        f"{{ node(id: {CUSTOMER_ID}) {{ id "
        "... on Order { customer { id } shippingAddress { city } } "
        "... on Customer { defaultAddress { city } } } }",
        None,
        3,
    ),
    # union inside interface: customer 1 + metafield 1 + reference max(Product 1 + featuredMedia
    # (interface, 1) = 2, Collection 1, others 1) = 4
    (
        f'{{ customer(id: {CUSTOMER_ID}) {{ metafield(namespace: "orbit", key: "fav") {{ '
        "reference { ... on Product { title featuredMedia { id } } ... on Collection { title } } "
        "} } }",
        None,
        4,
    ),
    # connection of a union: 2 + 5 * (1 discount node + discount union 1)
    (
        "{ discountNodes(first: 5) { nodes { id discount { "
        "... on DiscountCodeBasic { title } ... on DiscountAutomaticBasic { title } } } } }",
        None,
        12,
    ),
    # an edges-only connection with a field beside the wrapping: 2 + statistics once
    # (1 + attributeStatistics 1) + 50 members * (1 + amountSpent 1)
    (
        '{ customerSegmentMembers(first: 50, segmentId: "gid://shopify/Segment/1") { '
        "totalCount edges { cursor node { id displayName amountSpent { amount } } } "
        'statistics { attributeStatistics(attributeName: "amount_spent") { sum } } } }',
        None,
        104,
    ),
    # a plain list of objects costs like one object: customer 1 + addresses 1
    (f"{{ customer(id: {CUSTOMER_ID}) {{ addresses {{ city }} }} }}", None, 2),
    # the same list given `first` is sized: customer 1 + (2 + 3 * 1)
    (f"{{ customer(id: {CUSTOMER_ID}) {{ addresses(first: 3) {{ city }} }} }}", None, 6),
    # @skip(if: true) drops the connection: shop 1
    (
        "query Q($skip: Boolean!) { shop { name } customers(first: 10) @skip(if: $skip) { nodes { id } } }",
        {"skip": True},
        1,
    ),
    # @skip(if: false) keeps it: 1 + (2 + 10 * 1)
    (
        "query Q($skip: Boolean!) { shop { name } customers(first: 10) @skip(if: $skip) { nodes { id } } }",
        {"skip": False},
        13,
    ),
    # @include(if: false) drops the object: 0
    ("{ shop @include(if: false) { name } }", None, 0),
    # mutation field 10; its payload's node and userErrors objects add nothing
    (
        f'mutation {{ tagsAdd(id: {CUSTOMER_ID}, tags: ["vip"]) {{ '
        "node { id } userErrors { field message } } }",
        None,
        10,
    ),
    # two mutation fields: 10 + 10
    (
        f'mutation {{ tagsAdd(id: {CUSTOMER_ID}, tags: ["vip"]) {{ userErrors {{ message }} }} '
        f'tagsRemove(id: {CUSTOMER_ID}, tags: ["old"]) {{ userErrors {{ message }} }} }}',
        None,
        20,
    ),
    # a connection inside a payload is still sized: 10 + orders (2 + 5 * 1)
    (
        f'mutation {{ customerUpdate(input: {{id: {CUSTOMER_ID}, note: "x"}}) {{ '
        "customer { id orders(first: 5) { nodes { id } } } userErrors { message } } }",
        None,
        17,
    ),
]


@pytest.mark.parametrize(("source", "variables", "expected"), REQUESTED_ROWS)
def test_requested_cost_follows_the_published_rule(
    schema: GraphQLSchema, source: str, variables: dict[str, Any] | None, expected: int
) -> None:
    assert requested_cost(schema, document(schema, source), variables) == expected


def test_the_named_operation_is_the_one_priced(schema: GraphQLSchema) -> None:
    source = (
        "query Cheap { shop { name } } "
        "query Dear { customers(first: 50) { nodes { id } } }"  # 2 + 50 * 1
    )
    parsed = document(schema, source)
    assert requested_cost(schema, parsed, None, "Cheap") == 1
    assert requested_cost(schema, parsed, None, "Dear") == 52


def test_an_unknown_operation_name_is_refused(schema: GraphQLSchema) -> None:
    with pytest.raises(ValueError, match="Missing"):
        requested_cost(schema, document(schema, "query A { shop { name } }"), None, "Missing")


ORDERS_WITH_LINES = "{ orders(first: 5) { nodes { name lineItems(first: 10) { nodes { title } } } } }"

ACTUAL_ROWS = [
    # 2 + order one (1 + 2 + 2 lines) + order two (1 + 2 + 0 lines); requested 67
    (
        ORDERS_WITH_LINES,
        None,
        {
            "orders": {
                "nodes": [
                    {"name": "#1001", "lineItems": {"nodes": [{"title": "A"}, {"title": "B"}]}},
                    {"name": "#1002", "lineItems": {"nodes": []}},
                ]
            }
        },
        10,
    ),
    # an empty page still costs the connection's 2
    ("{ customers(first: 10) { nodes { id } } }", None, {"customers": {"nodes": []}}, 2),
    # 2 + (1 + a null defaultEmailAddress still looked up 1) + (1 + 1)
    (
        "{ customers(first: 10) { edges { node { id defaultEmailAddress { emailAddress } } } "
        "pageInfo { hasNextPage } } }",
        None,
        {
            "customers": {
                "edges": [
                    {"node": {"id": "1", "defaultEmailAddress": None}},
                    {"node": {"id": "2", "defaultEmailAddress": {"emailAddress": "a@b.c"}}},
                ],
                "pageInfo": {"hasNextPage": False},
            }
        },
        6,
    ),
    # product not found: its 1 is spent, the 250-variant page (1 + 2 + 250 * 2 = 503) is not
    (
        "query V($id: ID!) { product(id: $id) { variants(first: 250) { nodes { "
        "inventoryItem { id tracked } } } } }",
        {"id": "gid://shopify/Product/1"},
        {"product": None},
        1,
    ),
    # a mutation costs its 10 whatever came back
    (
        f'mutation {{ tagsAdd(id: {CUSTOMER_ID}, tags: ["vip"]) {{ node {{ id }} '
        "userErrors { field message } } }",
        None,
        {"tagsAdd": {"node": {"id": "gid://shopify/Customer/1"}, "userErrors": []}},
        10,
    ),
    # __typename names the runtime type. The same key `x` is a 5-line page on an Order
    # (1 + 2 + 5 = 8 requested) but money on a Customer: 1 + 1, where reading the
    # Customer's data as an Order would charge 1 + 2
    (
        f"{{ node(id: {CUSTOMER_ID}) {{ __typename "
        "... on Order { x: lineItems(first: 5) { nodes { id } } } "
        "... on Customer { x: amountSpent { amount } } } }",
        None,
        {"node": {"__typename": "Customer", "x": {"amount": "12.50"}}},
        2,
    ),
    # nothing came back (the request failed): nothing spent
    ("{ shop { name } }", None, None, 0),
]


@pytest.mark.parametrize(("source", "variables", "data", "expected"), ACTUAL_ROWS)
def test_actual_cost_counts_what_came_back(
    schema: GraphQLSchema,
    source: str,
    variables: dict[str, Any] | None,
    data: dict[str, Any] | None,
    expected: int,
) -> None:
    assert actual_cost(schema, document(schema, source), variables, None, data) == expected


def test_actual_cost_never_exceeds_the_requested_cost(schema: GraphQLSchema) -> None:
    # No `first`: requested 2 + 0; the three nodes returned would count 2 + 3.
    parsed = document(schema, "{ customers { nodes { id } } }")
    data = {"customers": {"nodes": [{"id": "1"}, {"id": "2"}, {"id": "3"}]}}
    assert requested_cost(schema, parsed) == 2
    assert actual_cost(schema, parsed, None, None, data) == 2


@pytest.mark.parametrize(
    ("line_items", "expected", "over"),
    [
        (96, 992, False),  # 2 + 10 * (1 + 2 + 96)
        (97, 1002, True),  # 2 + 10 * (1 + 2 + 97)
    ],
)
def test_a_document_over_1000_points_is_flagged(
    schema: GraphQLSchema, line_items: int, expected: int, over: bool
) -> None:
    source = (
        "query Lines($n: Int!) { orders(first: 10) { nodes { lineItems(first: $n) { nodes { title } } } } }"
    )
    cost = requested_cost(schema, document(schema, source), {"n": line_items})
    assert cost == expected
    assert exceeds_single_query_limit(cost) is over


def test_exactly_1000_points_is_allowed() -> None:
    assert MAX_SINGLE_QUERY_COST == 1000
    assert exceeds_single_query_limit(1000) is False
    assert exceeds_single_query_limit(1001) is True


def test_max_cost_exceeded_body_is_shaped_like_shopifys() -> None:
    body = max_cost_exceeded_body(1002)
    assert set(body) == {"errors"}  # Shopify sends no top-level cost extension here
    (error,) = body["errors"]
    assert error["message"].startswith(
        "Query cost is 1002, which exceeds the single query max cost limit (1000).\n\n"
    )
    assert error["extensions"] == {
        "code": "MAX_COST_EXCEEDED",
        "cost": 1002,
        "maxCost": 1000,
        "documentation": "https://shopify.dev/api/usage/rate-limits",
    }
