"""bulkOperationRunQuery, bulkOperationCancel and bulkOperation(id:); currentBulkOperation, for
both operation types, lives with the bulk mutations (devstore/resolvers/bulk_mutation.py)."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLError, GraphQLResolveInfo, GraphQLSyntaxError, parse

from devstore.bulk_query import BulkQueryInvalid, check_bulk_query
from devstore.graphql_errors import validation_errors
from devstore.schema import admin_schema
from devstore.state import current_state
from devstore.store import parse_gid

Info = GraphQLResolveInfo


def bulk_operations(state):  # noqa: ANN001, ANN201 - imported late: devstore.bulk imports the resolvers
    from devstore.bulk import bulk_operations as registry

    return registry(state)


def user_error(message: str, code: str | None = "INVALID", field: list[str] | None = None) -> dict:
    return {"field": field if field is not None else ["query"], "message": message, "code": code}


def run_query(root: Any, info: Info, query: str, groupObjects: bool = False) -> dict:
    """Validate the inner query like Shopify, then start it in the background."""
    schema = admin_schema()
    try:
        document = parse(query)
    except GraphQLSyntaxError as exc:
        return {"bulkOperation": None, "userErrors": [user_error(f"Invalid bulk query: {exc.message}")]}
    errors = validation_errors(schema, document)
    if errors:
        return {
            "bulkOperation": None,
            "userErrors": [user_error(f"Invalid bulk query: {errors[0]['message']}")],
        }
    try:
        check_bulk_query(schema, document)
    except BulkQueryInvalid as exc:
        return {"bulkOperation": None, "userErrors": [user_error(str(exc))]}
    context = info.context
    operation = bulk_operations(current_state()).start(context.shop, context.scopes, query, document)
    if operation is None:
        message = (
            "A bulk query operation for this app and shop is already in progress: "
            "the maximum number of concurrent bulk query operations has been reached."
        )
        return {"bulkOperation": None, "userErrors": [user_error(message, "LIMIT_REACHED", field=[])]}
    return {"bulkOperation": operation.as_graphql(), "userErrors": []}


def cancel(root: Any, info: Info, id: str) -> dict:
    registry = bulk_operations(current_state())
    operation = registry.get(info.context.shop.domain, operation_id(id))
    if operation is None:
        return {
            "bulkOperation": None,
            "userErrors": [{"field": ["id"], "message": "Bulk operation does not exist"}],
        }
    if not registry.cancel(operation):
        message = f"A bulk operation cannot be canceled when it is {operation.status.lower()}"
        return {"bulkOperation": operation.as_graphql(), "userErrors": [{"field": None, "message": message}]}
    return {"bulkOperation": operation.as_graphql(), "userErrors": []}


def operation_id(global_id: str) -> int:
    try:
        type_name, record_id = parse_gid(global_id)
    except ValueError as exc:
        raise GraphQLError(
            f"Invalid global id '{global_id}'", extensions={"code": "argumentLiteralsIncompatible"}
        ) from exc
    return record_id if type_name == "BulkOperation" else -1


def by_id(root: Any, info: Info, id: str) -> dict | None:
    operation = bulk_operations(current_state()).get(info.context.shop.domain, operation_id(id))
    return operation.as_graphql() if operation else None


TYPES = {
    "Mutation": {"bulkOperationRunQuery": run_query, "bulkOperationCancel": cancel},
    # currentBulkOperation (queries and mutations alike) is devstore/resolvers/bulk_mutation.py's.
    "QueryRoot": {"bulkOperation": by_id},
}
