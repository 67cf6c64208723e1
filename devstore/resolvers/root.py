"""QueryRoot: the entry points the app reads, with Shopify's access-scope checks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql import GraphQLError, GraphQLResolveInfo

from devstore.resolvers.common import Typed
from devstore.resolvers.connections import page
from devstore.resolvers.customers import (
    CUSTOMER_SEARCH_FIELDS,
    CUSTOMER_SORT_KEYS,
    customer_default_text,
)
from devstore.resolvers.orders import orders_page, search_orders
from devstore.resolvers.products import (
    PRODUCT_SEARCH_FIELDS,
    PRODUCT_SORT_KEYS,
    product_default_text,
)
from devstore.resolvers.search import matches, parse_search
from devstore.resolvers.shop import app_installation
from devstore.store import Record, parse_gid

Info = GraphQLResolveInfo
DEFAULT_COUNT_LIMIT = 10_000

# GraphQL type behind a gid -> (resource, scope needed to read it).
NODE_RESOURCES = {
    "Customer": ("customers", "read_customers"),
    "Order": ("orders", "read_orders"),
    "Product": ("products", "read_products"),
}


def require_scope(info: Info, scope: str) -> None:
    if not info.context.has_scope(scope):
        required = f"`{scope}` access scope."
        raise GraphQLError(
            f"Access denied for {info.field_name} field. Required access: {required}",
            extensions={
                "code": "ACCESS_DENIED",
                "documentation": "https://shopify.dev/api/usage/access-scopes",
                "requiredAccess": required,
            },
        )


def record_id_of(info: Info, global_id: str, type_name: str) -> int | None:
    try:
        found_type, record_id = parse_gid(global_id)
    except ValueError as exc:
        raise GraphQLError(
            f"Invalid global id '{global_id}'",
            extensions={"code": "argumentLiteralsIncompatible", "typeName": "CoercionError"},
        ) from exc
    return record_id if found_type == type_name else None


def search(
    info: Info, resource: str, query: str | None, fields: dict, default_text: Callable
) -> list[Record]:
    records = info.context.records(resource)
    if not query:
        return records
    groups = parse_search(query)
    return [r for r in records if matches(r, groups, fields, default_text)]


def count(records: list[Record], args: dict[str, Any]) -> dict[str, Any]:
    """Count with Shopify's cap: `limit` defaults to 10,000; an explicit null means no cap."""
    limit = args["limit"] if "limit" in args else DEFAULT_COUNT_LIMIT
    if limit is not None and len(records) > limit:
        return {"count": limit, "precision": "AT_LEAST"}
    return {"count": len(records), "precision": "EXACT"}


def single(resource: str, type_name: str, scope: str) -> Callable[..., Record | None]:
    def resolve(root: Any, info: Info, id: str) -> Record | None:
        require_scope(info, scope)
        record_id = record_id_of(info, id, type_name)
        return None if record_id is None else info.context.lookup(resource, record_id)

    return resolve


def customers(root: Any, info: Info, **args: Any) -> dict:
    require_scope(info, "read_customers")
    found = search(info, "customers", args.get("query"), CUSTOMER_SEARCH_FIELDS, customer_default_text)
    return page(found, CUSTOMER_SORT_KEYS.get(args.get("sortKey") or "ID", CUSTOMER_SORT_KEYS["ID"]), args)


def customers_count(root: Any, info: Info, **args: Any) -> dict:
    require_scope(info, "read_customers")
    found = search(info, "customers", args.get("query"), CUSTOMER_SEARCH_FIELDS, customer_default_text)
    return count(found, args)


def orders(root: Any, info: Info, **args: Any) -> dict:
    require_scope(info, "read_orders")
    return orders_page(search_orders(info.context.records("orders"), args.get("query")), args)


def orders_count(root: Any, info: Info, **args: Any) -> dict:
    require_scope(info, "read_orders")
    return count(search_orders(info.context.records("orders"), args.get("query")), args)


def products(root: Any, info: Info, **args: Any) -> dict:
    require_scope(info, "read_products")
    found = search(info, "products", args.get("query"), PRODUCT_SEARCH_FIELDS, product_default_text)
    return page(found, PRODUCT_SORT_KEYS.get(args.get("sortKey") or "ID", PRODUCT_SORT_KEYS["ID"]), args)


def products_count(root: Any, info: Info, **args: Any) -> dict:
    require_scope(info, "read_products")
    found = search(info, "products", args.get("query"), PRODUCT_SEARCH_FIELDS, product_default_text)
    return count(found, args)


def node(root: Any, info: Info, id: str) -> Typed | None:
    try:
        type_name, record_id = parse_gid(id)
    except ValueError as exc:
        raise GraphQLError(
            f"Invalid global id '{id}'",
            extensions={"code": "argumentLiteralsIncompatible", "typeName": "CoercionError"},
        ) from exc
    if type_name == "ProductVariant":
        require_scope(info, "read_products")
        found = info.context.variant(record_id)
        return Typed("ProductVariant", found[1]) if found else None
    if type_name not in NODE_RESOURCES:
        return None
    resource, scope = NODE_RESOURCES[type_name]
    require_scope(info, scope)
    record = info.context.lookup(resource, record_id)
    return Typed(type_name, record) if record is not None else None


def nodes(root: Any, info: Info, ids: list[str]) -> list[Typed | None]:
    if len(ids) > 250:
        raise GraphQLError("The ids argument accepts at most 250 ids.")
    return [node(root, info, global_id) for global_id in ids]


QUERY_ROOT_FIELDS = {
    "shop": lambda root, info: info.context.shop,
    "currentAppInstallation": lambda root, info: app_installation(info),
    "customer": single("customers", "Customer", "read_customers"),
    "customers": customers,
    "customersCount": customers_count,
    "order": single("orders", "Order", "read_orders"),
    "orders": orders,
    "ordersCount": orders_count,
    "product": single("products", "Product", "read_products"),
    "products": products,
    "productsCount": products_count,
    "node": node,
    "nodes": nodes,
}

TYPES = {"QueryRoot": QUERY_ROOT_FIELDS}
