"""Bulk mutations: upload a JSONL of variables, run one mutation over every line, read results.

Steps (PLATFORM 4.3): `stagedUploadsCreate` (resource BULK_MUTATION_VARIABLES) gives an upload
target; the file goes there as a multipart POST with the target's parameters; the `key`
parameter is the `stagedUploadPath` for `bulkOperationRunMutation`; then poll the operation
until it ends and stream its result JSONL (one line per input line, in input order).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from app.shopify.client import AdminClient, ShopifyError, UserErrors, payload_of

STAGED_UPLOADS_CREATE = """
mutation OrbitStagedUploadsCreate($input: [StagedUploadInput!]!) {
  stagedUploadsCreate(input: $input) {
    stagedTargets { url resourceUrl parameters { name value } }
    userErrors { field message }
  }
}
"""

BULK_OPERATION_RUN_MUTATION = """
mutation OrbitBulkOperationRunMutation(
  $mutation: String!, $stagedUploadPath: String!, $clientIdentifier: String
) {
  bulkOperationRunMutation(
    mutation: $mutation, stagedUploadPath: $stagedUploadPath, clientIdentifier: $clientIdentifier
  ) {
    bulkOperation { id status }
    userErrors { field message code }
  }
}
"""

BULK_OPERATION_STATUS = """
query OrbitBulkOperationStatus($id: ID!) {
  bulkOperation(id: $id) {
    id status errorCode objectCount url partialDataUrl
  }
}
"""

FINISHED = {"COMPLETED", "FAILED", "CANCELED", "EXPIRED"}


class BulkOperationFailed(ShopifyError):
    def __init__(self, operation: dict[str, Any]) -> None:
        super().__init__(
            f"bulk operation {operation.get('id')} ended {operation.get('status')}: "
            f"{operation.get('errorCode')}"
        )
        self.operation = operation


def jsonl(lines: Iterable[dict[str, Any]]) -> bytes:
    return b"".join(json.dumps(line, separators=(",", ":")).encode() + b"\n" for line in lines)


def stage_upload(client: AdminClient, filename: str, body: bytes) -> str:
    """Upload a variables file; returns the stagedUploadPath to run a bulk mutation on."""
    data = client.execute(
        STAGED_UPLOADS_CREATE,
        {
            "input": [
                {
                    "resource": "BULK_MUTATION_VARIABLES",
                    "filename": filename,
                    "mimeType": "text/jsonl",
                    "httpMethod": "POST",
                    "fileSize": str(len(body)),
                }
            ]
        },
        operation_name="OrbitStagedUploadsCreate",
    )
    target = payload_of(data, "stagedUploadsCreate")["stagedTargets"][0]
    parameters = {p["name"]: p["value"] for p in target["parameters"]}
    response = client.http.post(
        target["url"], data=parameters, files={"file": (filename, body, "text/jsonl")}, timeout=120
    )
    if response.status_code >= 300:
        raise ShopifyError(f"staged upload refused: HTTP {response.status_code} {response.text[:200]}")
    return parameters["key"]


def run_bulk_mutation(client: AdminClient, mutation: str, staged_path: str, client_identifier: str) -> str:
    data = client.execute(
        BULK_OPERATION_RUN_MUTATION,
        {"mutation": mutation, "stagedUploadPath": staged_path, "clientIdentifier": client_identifier},
        operation_name="OrbitBulkOperationRunMutation",
    )
    payload = data.get("bulkOperationRunMutation") or {}
    if payload.get("userErrors"):
        raise UserErrors("bulkOperationRunMutation", payload["userErrors"])
    return payload["bulkOperation"]["id"]


def wait_for(
    client: AdminClient,
    operation_id: str,
    *,
    poll_seconds: float = 1.0,
    timeout: float = 24 * 3600,
    sleep: Callable[[float], None] = time.sleep,
) -> dict[str, Any]:
    """Poll until the operation ends; returns its final state or raises BulkOperationFailed."""
    deadline = time.monotonic() + timeout
    while True:
        data = client.execute(
            BULK_OPERATION_STATUS, {"id": operation_id}, operation_name="OrbitBulkOperationStatus"
        )
        operation = data.get("bulkOperation") or {}
        if operation.get("status") == "COMPLETED":
            return operation
        if operation.get("status") in FINISHED or time.monotonic() > deadline:
            raise BulkOperationFailed(operation)
        sleep(poll_seconds)


def result_lines(client: AdminClient, url: str | None) -> Iterator[dict[str, Any]]:
    """Stream the result JSONL line by line (never loaded whole)."""
    if not url:
        return
    with client.http.get(url, stream=True, timeout=120) as response:
        response.raise_for_status()
        for raw in response.iter_lines():
            if raw:
                yield json.loads(raw)
