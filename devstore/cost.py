"""Shopify's calculated query cost of an Admin API document: requested before, actual after.

Sources:
- "GraphQL Admin API rate limits",
  https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits : a field costs by what it
  returns: Scalar 0, Enum 0, Object 1, Interface and Union "Maximum of possible selections",
  Connection "Sized by `first` and `last` arguments", Mutation 10. "A single query may not exceed
  a cost of 1,000 points", checked on the requested cost before execution; afterwards the bucket
  is refunded the difference between requested and actual cost, which counts what came back.
- "Rate Limiting GraphQL APIs by Calculating Query Complexity" (Shopify Engineering),
  https://shopify.engineering/rate-limiting-graphql-apis-calculating-query-complexity : a
  connection costs "two points plus the number of returned objects"; mutations cost ten.

The rule as implemented:
- Connection: 2 + size * (1 + the selection on one element), size being `first` or `last`
  (literal or variable; absent counts 0, Shopify refuses such a connection anyway). `edges`,
  `node`, `nodes` and `pageInfo` are the connection's own wrapping, covered by the 2.
  So `product { variants(first: 250) { nodes { inventoryItem { id } } } }` is 1 + 2 + 250 * 2
  = 503, the figure a Shopify community thread (community.shopify.dev/t/23101) derives from the
  article. Responses measured on a live shop in 2026 have this shape too (with Shopify's own
  page size, below): a `pageInfo` adds nothing and an `options` list adds 1 per product.
- A list of objects that is not a connection costs like one object, as `options` does; so does
  `nodes(ids:)`, however many ids (unverified). The few lists that take `first`
  (Order.refunds, Customer.addresses...) are priced as connections when `first` or `last` is
  given, which errs high.
- Interface or union: the maximum, over its possible object types, of the selection's cost.
- Mutation field: 10, its payload's plain objects adding nothing (Shopify's web-pixel tutorial
  shows `webPixelCreate { userErrors {...} webPixel {...} }` at requested and actual cost 10);
  connections inside a payload are still sized.
- Fields sharing a response key are one field; fragments are expanded against the runtime type;
  `@skip`/`@include` are honoured.

Live Shopify has been measured (2026) charging less than this for big pages, as if
`first: 250` were about 11 objects. That sizing is unpublished, so the devstore keeps the
published linear rule: a document that fits 1,000 points here fits on Shopify too.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLBoolean,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    get_named_type,
    get_nullable_type,
    get_operation_ast,
    is_abstract_type,
    is_leaf_type,
    is_list_type,
    type_from_ast,
    value_from_ast,
)

MAX_SINGLE_QUERY_COST = 1000
OBJECT_COST = 1
CONNECTION_COST = 2
MUTATION_COST = 10
DOCUMENTATION_URL = "https://shopify.dev/api/usage/rate-limits"

# Wording and links as a live 2026 Admin API response carried them.
_MAX_COST_MESSAGE = (
    "Query cost is {cost}, which exceeds the single query max cost limit ({limit}).\n\n"
    "See https://shopify.dev/docs/api/usage/rate-limits for more information on how the\n"
    "cost of a query is calculated.\n\n"
    "To query larger amounts of data with fewer limits, bulk operations should be used instead.\n"
    "See https://shopify.dev/docs/api/usage/bulk-operations/queries for usage details.\n"
)

FieldNodes = tuple[FieldNode, ...]


class _Requested:
    """Stands in for response data when pricing a document before it runs."""


_REQUESTED = _Requested()


@dataclass(frozen=True)
class _Context:
    schema: GraphQLSchema
    fragments: dict[str, FragmentDefinitionNode]
    variables: dict[str, Any]
    # Field collection per (type, selection sets) is repeated for every list element.
    collected: dict[tuple[str, tuple[int, ...]], dict[str, FieldNodes]] = field(default_factory=dict)


def requested_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    variables: dict[str, Any] | None = None,
    operation_name: str | None = None,
) -> int:
    """The cost Shopify charges up front, from the document's shape and page sizes."""
    return _operation_cost(schema, document, variables, operation_name, _REQUESTED)


def actual_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    variables: dict[str, Any] | None,
    operation_name: str | None,
    data: dict[str, Any] | None,
) -> int:
    """The cost of what came back: connections count the elements actually returned."""
    actual = _operation_cost(schema, document, variables, operation_name, data or {})
    # Shopify only ever refunds, so the actual cost never exceeds the requested one.
    return min(actual, requested_cost(schema, document, variables, operation_name))


def exceeds_single_query_limit(cost: int) -> bool:
    return cost > MAX_SINGLE_QUERY_COST


def max_cost_exceeded_body(cost: int) -> dict[str, Any]:
    """The body Shopify answers (HTTP 200) when a document's requested cost is over 1,000."""
    message = _MAX_COST_MESSAGE.format(cost=cost, limit=MAX_SINGLE_QUERY_COST)
    extensions = {
        "code": "MAX_COST_EXCEEDED",
        "cost": cost,
        "maxCost": MAX_SINGLE_QUERY_COST,
        "documentation": DOCUMENTATION_URL,
    }
    return {"errors": [{"message": message, "extensions": extensions}]}


def _operation_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    variables: dict[str, Any] | None,
    operation_name: str | None,
    data: Any,
) -> int:
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        raise ValueError(f"no operation {operation_name!r} in the document")
    root = _root_type(schema, operation)
    ctx = _Context(schema, _fragments(document), _variables(schema, operation, variables))
    fields = _collect(ctx, root, [operation.selection_set])
    if operation.operation is OperationType.MUTATION:
        payloads = _each_field_cost(ctx, fields, root, data, in_payload=True)
        return sum(MUTATION_COST + payload for payload in payloads)
    return sum(_each_field_cost(ctx, fields, root, data, in_payload=False))


def _field_cost(
    ctx: _Context, parent: GraphQLObjectType, nodes: FieldNodes, value: Any, in_payload: bool
) -> int:
    """A field's cost; for a mutation root field, only what its payload adds to the 10."""
    definition = parent.fields.get(nodes[0].name.value)
    if definition is None:  # introspection (`__typename`...) or a field validation rejects
        return 0
    named = get_named_type(definition.type)
    if is_leaf_type(named):
        return 0
    size = _page_size(ctx, definition, nodes)
    if named.name.endswith("Connection"):
        return _connection_cost(ctx, named, nodes, size or 0, value)
    if is_list_type(get_nullable_type(definition.type)) and size is not None:
        return _sized_list_cost(ctx, named, nodes, size, value)
    own = 0 if in_payload else OBJECT_COST
    if value is _REQUESTED:
        return own + _object_cost(ctx, named, nodes, value, in_payload)
    # A null object was still looked up; a plain list is priced by its dearest element.
    items = value if isinstance(value, list) else [value]
    costs = (_object_cost(ctx, named, nodes, item, in_payload) for item in items if item is not None)
    return own + max(costs, default=0)


def _connection_cost(
    ctx: _Context, connection: GraphQLObjectType, nodes: FieldNodes, size: int, value: Any
) -> int:
    if value is None:  # a nullable connection that came back null
        return CONNECTION_COST
    parts = _collect(ctx, connection, _selection_sets(nodes))
    sources = _element_sources(ctx, connection, parts)
    # Fields beside the wrapping (a count, segment statistics) are priced once, not per element.
    extras = {
        key: sub for key, sub in parts.items() if sub[0].name.value not in ("edges", "nodes", "pageInfo")
    }
    extra_cost = sum(_each_field_cost(ctx, extras, connection, value, in_payload=False))
    if not sources:
        return CONNECTION_COST + extra_cost
    if value is _REQUESTED:
        merged = tuple(node for source in sources for node in source.nodes)
        element = _element_cost(ctx, sources[0].element_type, merged, value)
        return CONNECTION_COST + extra_cost + size * element
    # `nodes` and `edges.node` list the same objects, so the dearer reading stands for both.
    totals = [
        sum(
            _element_cost(ctx, source.element_type, source.nodes, item)
            for item in _elements(value, source.path)
        )
        for source in sources
    ]
    return CONNECTION_COST + extra_cost + max(totals)


def _sized_list_cost(ctx: _Context, named: Any, nodes: FieldNodes, size: int, value: Any) -> int:
    if value is _REQUESTED:
        return CONNECTION_COST + size * _element_cost(ctx, named, nodes, value)
    items = value if isinstance(value, list) else []
    return CONNECTION_COST + sum(_element_cost(ctx, named, nodes, item) for item in items)


def _element_cost(ctx: _Context, named: Any, nodes: FieldNodes, item: Any) -> int:
    if item is None:
        return 0
    return OBJECT_COST + _object_cost(ctx, named, nodes, item, in_payload=False)


def _object_cost(ctx: _Context, named: Any, nodes: FieldNodes, value: Any, in_payload: bool) -> int:
    """The selection's cost on one object; for an interface or union, the dearest type."""
    costs = (
        sum(_each_field_cost(ctx, _collect(ctx, t, _selection_sets(nodes)), t, value, in_payload))
        for t in _runtime_types(ctx, named, value)
    )
    return max(costs, default=0)


def _each_field_cost(
    ctx: _Context,
    fields: dict[str, FieldNodes],
    parent: GraphQLObjectType,
    value: Any,
    in_payload: bool,
) -> Iterator[int]:
    for key, nodes in fields.items():
        if value is not _REQUESTED and (not isinstance(value, dict) or key not in value):
            continue  # absent from the response: never resolved, nothing spent
        yield _field_cost(ctx, parent, nodes, _child(value, key), in_payload)


class _ElementSource(NamedTuple):
    """Where a connection's elements sit in the response, and what was selected on them."""

    path: tuple[str, ...]
    element_type: Any
    nodes: FieldNodes


def _element_sources(
    ctx: _Context, connection: GraphQLObjectType, parts: dict[str, FieldNodes]
) -> list[_ElementSource]:
    sources = []
    for key, sub in parts.items():
        name = sub[0].name.value
        if name == "nodes":
            element_type = get_named_type(connection.fields["nodes"].type)
            sources.append(_ElementSource((key,), element_type, sub))
        elif name == "edges":
            edge_type = get_named_type(connection.fields["edges"].type)
            element_type = get_named_type(edge_type.fields["node"].type)
            for node_key, node_sub in _collect(ctx, edge_type, _selection_sets(sub)).items():
                if node_sub[0].name.value == "node":
                    sources.append(_ElementSource((key, node_key), element_type, node_sub))
    return sources


def _elements(value: Any, path: Sequence[str]) -> list[Any]:
    items = value.get(path[0]) if isinstance(value, dict) else None
    if not isinstance(items, list):
        return []
    if len(path) == 1:
        return items
    return [edge.get(path[1]) for edge in items if isinstance(edge, dict)]


def _runtime_types(ctx: _Context, named: Any, value: Any) -> list[GraphQLObjectType]:
    if not is_abstract_type(named):
        return [named]
    typename = value.get("__typename") if isinstance(value, dict) else None
    if isinstance(typename, str) and isinstance(ctx.schema.get_type(typename), GraphQLObjectType):
        return [ctx.schema.get_type(typename)]
    return list(ctx.schema.get_possible_types(named))


def _collect(
    ctx: _Context, runtime: GraphQLObjectType, selection_sets: Iterable[SelectionSetNode]
) -> dict[str, FieldNodes]:
    """Fields by response key for one runtime type, as GraphQL execution would merge them."""
    sets = tuple(selection_sets)
    cache_key = (runtime.name, tuple(id(s) for s in sets))
    if cache_key not in ctx.collected:
        out: dict[str, list[FieldNode]] = {}
        for selection_set in sets:
            _collect_into(ctx, runtime, selection_set, out, set())
        ctx.collected[cache_key] = {key: tuple(nodes) for key, nodes in out.items()}
    return ctx.collected[cache_key]


def _collect_into(
    ctx: _Context,
    runtime: GraphQLObjectType,
    selection_set: SelectionSetNode,
    out: dict[str, list[FieldNode]],
    visited: set[str],
) -> None:
    for selection in selection_set.selections:
        if not _included(ctx, selection):
            continue
        if isinstance(selection, FieldNode):
            key = selection.alias.value if selection.alias else selection.name.value
            out.setdefault(key, []).append(selection)
        elif isinstance(selection, InlineFragmentNode):
            condition = selection.type_condition.name.value if selection.type_condition else None
            if _applies(ctx, condition, runtime):
                _collect_into(ctx, runtime, selection.selection_set, out, visited)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = ctx.fragments.get(name)
            if fragment is None or name in visited:
                continue
            visited.add(name)
            if _applies(ctx, fragment.type_condition.name.value, runtime):
                _collect_into(ctx, runtime, fragment.selection_set, out, visited)


def _applies(ctx: _Context, condition: str | None, runtime: GraphQLObjectType) -> bool:
    if condition is None or condition == runtime.name:
        return True
    target = ctx.schema.get_type(condition)
    return is_abstract_type(target) and ctx.schema.is_sub_type(target, runtime)


def _included(ctx: _Context, selection: Any) -> bool:
    for directive in selection.directives or ():
        name = directive.name.value
        if name not in ("skip", "include"):
            continue
        condition = next((a.value for a in directive.arguments or () if a.name.value == "if"), None)
        flag = value_from_ast(condition, GraphQLNonNull(GraphQLBoolean), ctx.variables)
        if (name == "skip" and flag is True) or (name == "include" and flag is not True):
            return False
    return True


def _page_size(ctx: _Context, definition: Any, nodes: FieldNodes) -> int | None:
    """The largest `first`/`last` given on the field, or None when neither is."""
    sizes = []
    for node in nodes:
        for argument in node.arguments or ():
            name = argument.name.value
            if name in ("first", "last") and name in definition.args:
                size = value_from_ast(argument.value, definition.args[name].type, ctx.variables)
                if isinstance(size, int):
                    sizes.append(max(size, 0))
    return max(sizes) if sizes else None


def _child(value: Any, key: str) -> Any:
    if value is _REQUESTED:
        return _REQUESTED
    return value.get(key) if isinstance(value, dict) else None


def _selection_sets(nodes: FieldNodes) -> list[SelectionSetNode]:
    return [node.selection_set for node in nodes if node.selection_set is not None]


def _fragments(document: DocumentNode) -> dict[str, FragmentDefinitionNode]:
    return {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}


def _variables(
    schema: GraphQLSchema, operation: OperationDefinitionNode, given: dict[str, Any] | None
) -> dict[str, Any]:
    """Given values, else declared defaults; validation of the values happens elsewhere."""
    given = given or {}
    values: dict[str, Any] = {}
    for definition in operation.variable_definitions or ():
        name = definition.variable.name.value
        if name in given:
            values[name] = given[name]
        elif definition.default_value is not None:
            input_type = type_from_ast(schema, definition.type)
            if input_type is not None:
                values[name] = value_from_ast(definition.default_value, input_type)
    return values


def _root_type(schema: GraphQLSchema, operation: OperationDefinitionNode) -> GraphQLObjectType:
    root = schema.get_root_type(operation.operation)
    if root is None:
        raise ValueError(f"the schema has no {operation.operation.value} type")
    return root
