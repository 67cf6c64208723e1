"""Bulk query documents: Shopify's restrictions on them, and their result as JSONL lines.

Rules (PLATFORM 4.3; shopify.dev "Perform bulk operations with the GraphQL Admin API",
Operation restrictions): the document is a query with at least one connection and at most
five, connections nest at most two levels deep, the top-level `node`/`nodes` fields are not
allowed, a connection may not sit inside a list field, and a node that has a nested
connection must select `id` (its children point back at it with `__parentId`).

The JSONL output is ungrouped (`groupObjects: false`, the 2026-01+ default): one line per
node of each connection; a nested connection's nodes get their own lines, after their
parent's, with `"__parentId"` holding the parent's id. Everything else stays inline.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    get_named_type,
)

MAX_CONNECTIONS = 5
MAX_DEPTH = 2


class BulkQueryInvalid(Exception):
    """The document breaks one of the bulk query rules; the message is the user error."""


@dataclass(frozen=True)
class Selected:
    key: str  # response key (alias or name)
    field: GraphQLField
    node: FieldNode


def is_connection(type_: GraphQLNamedType) -> bool:
    return (
        isinstance(type_, GraphQLObjectType)
        and type_.name.endswith("Connection")
        and "pageInfo" in type_.fields
        and ("edges" in type_.fields or "nodes" in type_.fields)
    )


def is_list(type_: Any) -> bool:
    if isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    return isinstance(type_, GraphQLList)


def fragments_of(document: DocumentNode) -> dict[str, FragmentDefinitionNode]:
    return {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}


def selected_fields(
    parent: GraphQLNamedType, selection_set: SelectionSetNode | None, fragments: dict
) -> list[Selected]:
    """The fields a selection set asks of `parent`, fragments flattened (conditions trusted)."""
    found: list[Selected] = []
    if selection_set is None or not hasattr(parent, "fields"):
        return found
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            field = parent.fields.get(selection.name.value)
            if field is not None:
                key = selection.alias.value if selection.alias else selection.name.value
                found.append(Selected(key, field, selection))
        elif isinstance(selection, InlineFragmentNode):
            found.extend(selected_fields(parent, selection.selection_set, fragments))
        elif isinstance(selection, FragmentSpreadNode) and selection.name.value in fragments:
            found.extend(selected_fields(parent, fragments[selection.name.value].selection_set, fragments))
    return found


def node_selection(
    connection: GraphQLObjectType, node: FieldNode, fragments: dict
) -> SelectionSetNode | None:
    """The selection made on the connection's nodes, via `edges { node }` or `nodes`."""
    for selected in selected_fields(connection, node.selection_set, fragments):
        if selected.field is connection.fields.get("nodes"):
            return selected.node.selection_set
        if selected.field is connection.fields.get("edges"):
            edge_type = get_named_type(selected.field.type)
            for inner in selected_fields(edge_type, selected.node.selection_set, fragments):
                if inner.node.name.value == "node":
                    return inner.node.selection_set
    return None


def connection_node_type(connection: GraphQLObjectType) -> GraphQLNamedType:
    if "nodes" in connection.fields:
        return get_named_type(connection.fields["nodes"].type)
    edge = get_named_type(connection.fields["edges"].type)
    return get_named_type(edge.fields["node"].type)


def check_bulk_query(schema: GraphQLSchema, document: DocumentNode) -> None:
    """Raise BulkQueryInvalid unless the (schema-valid) document is a usable bulk query."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if len(operations) != 1 or operations[0].operation is not OperationType.QUERY:
        raise BulkQueryInvalid("Bulk queries must contain exactly one query operation.")
    fragments = fragments_of(document)
    root = schema.query_type
    count = 0
    for selected in selected_fields(root, operations[0].selection_set, fragments):
        if selected.node.name.value in ("node", "nodes"):
            raise BulkQueryInvalid(
                "The top-level `node` and `nodes` fields are not supported in bulk queries."
            )
        count += _count_connections(selected, 0, in_list=False, fragments=fragments)
    if count == 0:
        raise BulkQueryInvalid("Bulk queries must contain at least one connection.")
    if count > MAX_CONNECTIONS:
        raise BulkQueryInvalid(f"Bulk queries cannot contain more than {MAX_CONNECTIONS} connections.")


def _count_connections(selected: Selected, depth: int, *, in_list: bool, fragments: dict) -> int:
    named = get_named_type(selected.field.type)
    if is_connection(named):
        if in_list:
            raise BulkQueryInvalid(
                "Queries that contain a connection field within a list field are not currently supported."
            )
        depth += 1
        if depth > MAX_DEPTH:
            raise BulkQueryInvalid(
                f"Bulk queries cannot contain connections with a nesting depth greater than {MAX_DEPTH}."
            )
        node_type = connection_node_type(named)
        inner = selected_fields(node_type, node_selection(named, selected.node, fragments), fragments)
        nested = sum(_count_connections(s, depth, in_list=False, fragments=fragments) for s in inner)
        if nested and not any(s.key == "id" and s.node.name.value == "id" for s in inner):
            raise BulkQueryInvalid(
                f"The parent 'node' field for a nested connection must select the 'id' field "
                f"('{selected.node.name.value}')."
            )
        return 1 + nested
    children = selected_fields(named, selected.node.selection_set, fragments)
    list_here = in_list or is_list(selected.field.type)
    return sum(_count_connections(s, depth, in_list=list_here, fragments=fragments) for s in children)


def jsonl_objects(schema: GraphQLSchema, document: DocumentNode, data: dict[str, Any]) -> Iterator[dict]:
    """The result as Shopify writes it: one dict per connection node, children after parents."""
    fragments = fragments_of(document)
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    yield from _objects_in(schema.query_type, operation.selection_set, data, None, fragments)


def _objects_in(
    type_: GraphQLNamedType,
    selection_set: SelectionSetNode | None,
    value: Any,
    parent_id: Any,
    fragments: dict,
) -> Iterator[dict]:
    """Connections found in `value` (an object that is not itself a line), emitted as lines."""
    if not isinstance(value, dict):
        return
    for selected in selected_fields(type_, selection_set, fragments):
        named = get_named_type(selected.field.type)
        child = value.get(selected.key)
        if is_connection(named):
            yield from _connection_lines(named, selected.node, child, parent_id, fragments)
        elif isinstance(child, dict):
            yield from _objects_in(named, selected.node.selection_set, child, parent_id, fragments)


def _connection_lines(
    connection: GraphQLObjectType, node: FieldNode, value: Any, parent_id: Any, fragments: dict
) -> Iterator[dict]:
    if not isinstance(value, dict):
        return
    nodes = value.get("nodes")
    if nodes is None:
        nodes = [edge.get("node") for edge in value.get("edges") or [] if isinstance(edge, dict)]
    node_type = connection_node_type(connection)
    selection = node_selection(connection, node, fragments)
    fields = selected_fields(node_type, selection, fragments)
    for item in nodes:
        if not isinstance(item, dict):
            continue
        line = {}
        nested = []
        for selected in fields:
            if selected.key not in item:
                continue
            if is_connection(get_named_type(selected.field.type)):
                nested.append(selected)
            else:
                line[selected.key] = item[selected.key]
        if parent_id is not None:
            line["__parentId"] = parent_id
        yield line
        for selected in nested:
            yield from _connection_lines(
                get_named_type(selected.field.type),
                selected.node,
                item[selected.key],
                item.get("id"),
                fragments,
            )
