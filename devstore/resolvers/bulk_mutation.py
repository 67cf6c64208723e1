"""`bulkOperationRunMutation`: one mutation run over every line of a staged JSONL of variables.

Built on the bulk query machinery (devstore/bulk.py): operations share its registry, ids, result
files, `bulkOperation(id:)` and the `bulk_operations/finish` webhook. Shopify's rules as
implemented (shopify.dev "Bulk import data with the GraphQL Admin API"): the mutation must be
a valid document with one mutation field; the staged file must exist (NO_SUCH_FILE) and hold
one JSON object per line (INVALID_STAGED_UPLOAD_FILE); up to five bulk mutations run at a
time per shop (LIMIT_REACHED); lines run in order without rate limiting, and the result file
has one line per input line: `{"data": ..., "__lineNumber": n}` (plus `errors` when any).
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graphql import (
    GraphQLResolveInfo,
    GraphQLSyntaxError,
    OperationDefinitionNode,
    OperationType,
    execute,
    parse,
)

from devstore.graphql_errors import validation_errors
from devstore.schema import admin_schema
from devstore.staged_uploads import staged_files
from devstore.state import current_state

Info = GraphQLResolveInfo
MAX_RUNNING_MUTATIONS = 5


def bulk_machinery():  # noqa: ANN201 - imported late: devstore.bulk imports the resolvers package
    from devstore import bulk

    return bulk


def mutation_operation_class():  # noqa: ANN201
    bulk = bulk_machinery()

    @dataclass
    class BulkMutation(bulk.BulkOperation):
        def as_graphql(self) -> dict[str, Any]:
            found = super().as_graphql()
            found["type"] = "MUTATION"
            return found

        def finish_webhook_body(self) -> dict[str, Any]:
            return {**super().finish_webhook_body(), "type": "mutation"}

    return BulkMutation


_class_lock = threading.Lock()
_operation_class: list[type] = []


def operation_class() -> type:
    with _class_lock:
        if not _operation_class:
            _operation_class.append(mutation_operation_class())
        return _operation_class[0]


def user_error(message: str, code: str, field: list[str] | None = None) -> dict[str, Any]:
    return {"field": field, "message": message, "code": code}


def is_mutation(operation: Any) -> bool:
    return isinstance(operation, operation_class())


def run_mutation(
    root: Any, info: Info, mutation: str, stagedUploadPath: str, clientIdentifier: str | None = None
) -> dict[str, Any]:
    schema = admin_schema()
    try:
        document = parse(mutation)
    except GraphQLSyntaxError as exc:
        return {
            "bulkOperation": None,
            "userErrors": [user_error(f"Invalid mutation: {exc.message}", "INVALID_MUTATION", ["mutation"])],
        }
    errors = validation_errors(schema, document)
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if not errors and (
        len(operations) != 1
        or operations[0].operation is not OperationType.MUTATION
        or len(operations[0].selection_set.selections) != 1
    ):
        errors = [{"message": "The document must hold one mutation with one mutation field"}]
    if errors:
        message = f"Invalid mutation: {errors[0]['message']}"
        return {"bulkOperation": None, "userErrors": [user_error(message, "INVALID_MUTATION", ["mutation"])]}
    state = current_state()
    shop = info.context.shop
    path = staged_files(state).read_path(shop.domain, stagedUploadPath)
    if path is None:
        message = "The JSONL file could not be found. Try uploading the file again."
        return {
            "bulkOperation": None,
            "userErrors": [user_error(message, "NO_SUCH_FILE", ["stagedUploadPath"])],
        }
    try:
        lines = [json.loads(raw) for raw in path.read_text().splitlines() if raw.strip()]
        if not all(isinstance(line, dict) for line in lines):
            raise ValueError("a line is not a JSON object")
    except ValueError:
        message = "The JSONL file submitted via stagedUploadsCreate is invalid."
        return {"bulkOperation": None, "userErrors": [user_error(message, "INVALID_STAGED_UPLOAD_FILE")]}
    registry = bulk_machinery().bulk_operations(state)
    with registry.lock:
        running = sum(
            1
            for op in registry.operations.values()
            if op.shop == shop.domain and is_mutation(op) and not op.finished
        )
        if running >= MAX_RUNNING_MUTATIONS:
            message = "A bulk mutation operation for this app and shop is already in progress."
            return {"bulkOperation": None, "userErrors": [user_error(message, "LIMIT_REACHED")]}
        operation = operation_class()(
            next(registry._ids), shop.domain, mutation, base_url=registry.base_url()
        )
        operation.path = registry.directory / f"{operation.token}.jsonl"
        operation.status = "RUNNING"
        registry.operations[operation.id] = operation
    context_args = {"shop": shop, "scopes": info.context.scopes, "client_id": info.context.client_id}
    threading.Thread(
        target=execute_lines,
        args=(state, operation, document, lines, context_args),
        daemon=True,
        name=f"bulk-mutation-{operation.id}",
    ).start()
    return {"bulkOperation": operation.as_graphql(), "userErrors": []}


def execute_lines(state: Any, operation: Any, document: Any, lines: list[dict], context_args: dict) -> None:
    from devstore.resolvers import RequestContext, resolve_field, resolve_type

    schema = admin_schema()
    registry = bulk_machinery().bulk_operations(state)
    size = 0
    try:
        with Path(operation.path).open("wb") as out:
            for number, variables in enumerate(lines):
                if operation.status == "CANCELING":
                    break
                # A fresh context per line: each line sees the writes of the lines before it.
                result = execute(
                    schema,
                    document,
                    context_value=RequestContext(**context_args),
                    variable_values=variables,
                    field_resolver=resolve_field,
                    type_resolver=resolve_type,
                )
                line: dict[str, Any] = {"data": result.data}
                if result.errors:
                    line["errors"] = [dict(e.formatted) for e in result.errors]
                line["__lineNumber"] = number
                raw = json.dumps(line, separators=(",", ":"), default=str).encode() + b"\n"
                out.write(raw)
                size += len(raw)
                operation.object_count += 1
                operation.root_object_count += 1
    except Exception:  # noqa: BLE001 - Shopify reports any crash as INTERNAL_SERVER_ERROR
        operation.error_code = "INTERNAL_SERVER_ERROR"
    operation.file_size = size
    with registry.lock:
        if operation.status == "CANCELING":
            operation.status = "CANCELED"
        else:
            operation.status = "FAILED" if operation.error_code else "COMPLETED"
        operation.completed_at = bulk_machinery().iso_now()
    shop = state.store.get(operation.shop)
    if shop is not None:
        state.webhooks.deliver(shop, "bulk_operations/finish", operation.finish_webhook_body())


def current(root: Any, info: Info, type: str = "QUERY") -> dict[str, Any] | None:
    """The shop's newest bulk operation of the given type."""
    registry = bulk_machinery().bulk_operations(current_state())
    wanted = type == "MUTATION"
    mine = [
        op
        for op in list(registry.operations.values())
        if op.shop == info.context.shop.domain and is_mutation(op) == wanted
    ]
    return max(mine, key=lambda op: op.id).as_graphql() if mine else None


TYPES = {
    "Mutation": {"bulkOperationRunMutation": run_mutation},
    "QueryRoot": {"currentBulkOperation": current},
}
