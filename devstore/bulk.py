"""Bulk query operations: run in a background thread, JSONL written to a file, served over HTTP.

A `BulkOperation` goes CREATED -> RUNNING -> COMPLETED (or FAILED, or CANCELING -> CANCELED).
The run executes the query against the shop with every connection read in full (Shopify
ignores page sizes in bulk queries), writes Shopify's ungrouped JSONL, then delivers a signed
`bulk_operations/finish` webhook to the app. Up to five query operations may run at a time per
shop (API 2026-01 and later; PLATFORM 4.3).
"""

from __future__ import annotations

import json
import secrets
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graphql import DocumentNode, GraphQLResolveInfo, execute, get_named_type

from devstore.bulk_query import is_connection, jsonl_objects
from devstore.resolvers import RequestContext, resolve_field, resolve_type
from devstore.resolvers.connections import MAX_PAGE_SIZE
from devstore.schema import admin_schema
from devstore.store import Shop

if TYPE_CHECKING:
    from devstore.state import DevstoreState

MAX_RUNNING_QUERIES = 5
ACTIVE = ("CREATED", "RUNNING", "CANCELING")
BULK_ID_BASE = 4_100_000_000


def iso_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class BulkOperation:
    id: int
    shop: str
    query: str
    status: str = "CREATED"
    error_code: str | None = None
    object_count: int = 0
    root_object_count: int = 0
    file_size: int | None = None
    created_at: str = field(default_factory=iso_now)
    completed_at: str | None = None
    token: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    path: Path | None = None
    base_url: str = ""

    @property
    def gid(self) -> str:
        return f"gid://shopify/BulkOperation/{self.id}"

    @property
    def finished(self) -> bool:
        return self.status not in ACTIVE

    def as_graphql(self) -> dict[str, Any]:
        url = f"{self.base_url}/_devstore/bulk-results/{self.token}.jsonl"
        return {
            "id": self.gid,
            "status": self.status,
            "errorCode": self.error_code,
            "objectCount": str(self.object_count),
            "rootObjectCount": str(self.root_object_count),
            "fileSize": str(self.file_size) if self.file_size is not None else None,
            "url": url if self.status == "COMPLETED" and self.object_count else None,
            "partialDataUrl": url if self.status == "FAILED" and self.object_count else None,
            "createdAt": self.created_at,
            "completedAt": self.completed_at,
            "query": self.query,
            "type": "QUERY",
        }

    def finish_webhook_body(self) -> dict[str, Any]:
        """bulk_operations/finish as Shopify sends it (shopify-dev 2026-07 sample)."""
        return {
            "admin_graphql_api_id": self.gid,
            "completed_at": self.completed_at,
            "created_at": self.created_at,
            "error_code": self.error_code.lower() if self.error_code else None,
            "status": self.status.lower(),
            "type": "query",
        }


class BulkOperations:
    """Every bulk operation the devstore ran, per shop; one per devstore app."""

    def __init__(self, state: DevstoreState) -> None:
        self.state = state
        self.lock = threading.Lock()
        self.operations: dict[int, BulkOperation] = {}
        self.directory = Path(tempfile.mkdtemp(prefix="devstore-bulk-"))
        self._ids = iter(range(BULK_ID_BASE, 1 << 62))
        # Seconds to pause after each JSONL line (tests use it to catch an operation running).
        self.line_delay = 0.0
        # Seconds to pause after each line served (a slow download that tests can interrupt).
        self.serve_delay = 0.0

    def base_url(self) -> str:
        config = self.state.config
        return f"http://{config.host}:{config.port}"

    def running_count(self, shop: str) -> int:
        return sum(1 for op in self.operations.values() if op.shop == shop and not op.finished)

    def start(
        self, shop: Shop, scopes: tuple[str, ...], query: str, document: DocumentNode
    ) -> BulkOperation | None:
        """A new RUNNING operation, or None when the shop already runs the maximum."""
        with self.lock:
            if self.running_count(shop.domain) >= MAX_RUNNING_QUERIES:
                return None
            operation = BulkOperation(next(self._ids), shop.domain, query, base_url=self.base_url())
            operation.path = self.directory / f"{operation.token}.jsonl"
            self.operations[operation.id] = operation
        context = RequestContext(shop=shop, scopes=scopes, client_id=self.state.config.client_id)
        thread = threading.Thread(
            target=self._run,
            args=(operation, shop, context, document),
            name=f"bulk-{operation.id}",
            daemon=True,
        )
        operation.status = "RUNNING"
        thread.start()
        return operation

    def get(self, shop: str, operation_id: int) -> BulkOperation | None:
        operation = self.operations.get(operation_id)
        return operation if operation is not None and operation.shop == shop else None

    def by_token(self, token: str) -> BulkOperation | None:
        return next((op for op in self.operations.values() if op.token == token), None)

    def cancel(self, operation: BulkOperation) -> bool:
        with self.lock:
            if operation.finished:
                return False
            operation.status = "CANCELING"
            return True

    def _run(
        self, operation: BulkOperation, shop: Shop, context: RequestContext, document: DocumentNode
    ) -> None:
        schema = admin_schema()
        try:
            result = execute(
                schema,
                document,
                context_value=context,
                field_resolver=bulk_resolve_field,
                type_resolver=resolve_type,
            )
            if result.errors:
                codes = {(e.extensions or {}).get("code") for e in result.errors}
                operation.error_code = (
                    "ACCESS_DENIED" if "ACCESS_DENIED" in codes else "INTERNAL_SERVER_ERROR"
                )
            self._write(operation, document, result.data or {})
        except Exception:  # noqa: BLE001 - Shopify reports any crash as INTERNAL_SERVER_ERROR
            operation.error_code = "INTERNAL_SERVER_ERROR"
        with self.lock:
            if operation.status == "CANCELING":
                operation.status = "CANCELED"
            else:
                operation.status = "FAILED" if operation.error_code else "COMPLETED"
            operation.completed_at = iso_now()
        self.state.webhooks.deliver(shop, "bulk_operations/finish", operation.finish_webhook_body())

    def _write(self, operation: BulkOperation, document: DocumentNode, data: dict[str, Any]) -> None:
        assert operation.path is not None
        size = 0
        with operation.path.open("wb") as fh:
            for line in jsonl_objects(admin_schema(), document, data):
                if operation.status == "CANCELING":
                    break
                raw = json.dumps(line, separators=(",", ":"), default=str).encode() + b"\n"
                fh.write(raw)
                size += len(raw)
                operation.object_count += 1
                if "__parentId" not in line:
                    operation.root_object_count += 1
                if self.line_delay:
                    time.sleep(self.line_delay)
        operation.file_size = size


def bulk_resolve_field(source: Any, info: GraphQLResolveInfo, **args: Any) -> Any:
    """The normal resolvers, except that a connection is read to its end, page by page."""
    if not is_connection(get_named_type(info.return_type)):
        return resolve_field(source, info, **args)
    nodes: list[Any] = []
    paging = {**args, "first": MAX_PAGE_SIZE, "last": None, "before": None, "after": None}
    while True:
        page = resolve_field(source, info, **paging)
        nodes.extend(page["nodes"])
        if not page["pageInfo"]["hasNextPage"]:
            break
        paging["after"] = page["pageInfo"]["endCursor"]
    return {
        "edges": [{"cursor": "", "node": node} for node in nodes],
        "nodes": nodes,
        "pageInfo": {"hasNextPage": False, "hasPreviousPage": False, "startCursor": None, "endCursor": None},
    }


_REGISTRY_LOCK = threading.Lock()


def bulk_operations(state: DevstoreState) -> BulkOperations:
    """The devstore's bulk registry, created on first use (kept on the state object)."""
    with _REGISTRY_LOCK:
        registry = getattr(state, "_bulk_operations", None)
        if registry is None:
            registry = BulkOperations(state)
            state._bulk_operations = registry  # type: ignore[attr-defined]
        return registry
