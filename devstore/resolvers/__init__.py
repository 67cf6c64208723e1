"""Field resolvers for Shopify's Admin schema, keyed by GraphQL type and field name.

The schema is Shopify's introspection result, so it carries no resolvers of its own; graphql-core
calls `resolve_field` for every field. Types listed in `RESOLVERS` are backed by REST-shaped
records and only resolve the fields listed for them; any other object is a dict the resolvers
built with camelCase keys already.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from functools import cache
from typing import Any

from graphql import GraphQLAbstractType, GraphQLResolveInfo, is_non_null_type

from devstore import staged_uploads
from devstore.resolvers import (
    bulk,
    bulk_mutation,
    checkouts,
    customers,
    discounts,
    metafields,
    order_buyer,
    orders,
    pipeline_fields,
    products,
    root,
    segments,
    shop,
    store_credit,
    tags,
)
from devstore.resolvers.common import Typed, unsupported
from devstore.resolvers.context import RequestContext

__all__ = ["RESOLVERS", "RequestContext", "resolve_field", "resolve_type"]


def merged_types(*modules: Any) -> dict[str, dict[str, Callable[..., Any]]]:
    """Each module's TYPES, merged per GraphQL type: several modules add QueryRoot fields and
    Mutation fields (the mutation registry), so no module's entries replace another's."""
    types: dict[str, dict[str, Callable[..., Any]]] = {}
    for module in modules:
        for type_name, fields in module.TYPES.items():
            types.setdefault(type_name, {}).update(fields)
    return types


# To add a mutation or a root field: give your module TYPES = {"Mutation": {...}} (or
# "QueryRoot") and add the module to this list.
RESOLVERS = merged_types(
    root,
    shop,
    customers,
    orders,
    products,
    checkouts,
    bulk,
    tags,
    metafields,
    segments,
    staged_uploads,
    bulk_mutation,
    pipeline_fields,
    discounts,
    store_credit,
    order_buyer,
)
ROOT_TYPES = {"QueryRoot", "Mutation", "Subscription"}


def resolve_field(source: Any, info: GraphQLResolveInfo, **args: Any) -> Any:
    if isinstance(source, Typed):
        source = source.record
    parent = info.parent_type.name
    fields = RESOLVERS.get(parent)
    if fields is not None:
        resolver = fields.get(info.field_name)
        if resolver is not None:
            accepted = accepted_arguments(resolver)
            if accepted is not None:
                args = {name: value for name, value in args.items() if name in accepted}
            return resolver(source, info, **args)
    elif isinstance(source, dict) and info.field_name in source:
        return source[info.field_name]
    # A root field the devstore lacks, or a required value it cannot produce: say so plainly
    # rather than answer with a null Shopify would never send.
    if parent in ROOT_TYPES or is_non_null_type(info.return_type):
        raise unsupported(info)
    return None


@cache
def accepted_arguments(resolver: Callable[..., Any]) -> frozenset[str] | None:
    """The GraphQL arguments a resolver takes; None when it takes them all (**args).

    graphql-core passes every argument that has a default, and resolvers name only those they use.
    """
    parameters = inspect.signature(resolver).parameters.values()
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters):
        return None
    return frozenset(p.name for p in parameters)


def resolve_type(value: Any, info: GraphQLResolveInfo, abstract_type: GraphQLAbstractType) -> str | None:
    """Concrete type of a value in an interface or union position (node, nodes)."""
    if isinstance(value, Typed):
        return value.type_name
    return None
