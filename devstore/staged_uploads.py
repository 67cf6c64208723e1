"""Staged uploads: `stagedUploadsCreate` hands out an upload target, and the devstore is that
target too (`POST /_devstore/staged-uploads`, multipart like Shopify's cloud-storage form).

Shopify answers `stagedUploadsCreate` for BULK_MUTATION_VARIABLES with a POST form target
whose parameters include `key`; the app posts those parameters plus the file, then passes the
`key` as `stagedUploadPath` to `bulkOperationRunMutation`. Files live in a temporary directory
per devstore; the 20 MB bulk-variables limit (PLATFORM 4.3) is enforced on upload.
"""

from __future__ import annotations

import tempfile
import threading
import uuid
from pathlib import Path
from typing import Any

from flask import Blueprint, jsonify, request
from graphql import GraphQLResolveInfo

from devstore.state import DevstoreState, current_state

bp = Blueprint("devstore_staged_uploads", __name__, url_prefix="/_devstore")

MAX_BULK_VARIABLES_BYTES = 20 * 1024 * 1024
SUPPORTED_RESOURCES = {"BULK_MUTATION_VARIABLES"}
_lock = threading.Lock()


class StagedFiles:
    """Uploaded files by key, on disk."""

    def __init__(self) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix="devstore-uploads-"))
        self.expected: dict[str, str] = {}  # key -> shop domain, from stagedUploadsCreate

    def path_for(self, key: str) -> Path:
        return self.directory / key.replace("/", "_")

    def read_path(self, shop: str, key: str) -> Path | None:
        path = self.path_for(key)
        return path if self.expected.get(key) == shop and path.exists() else None


def staged_files(state: DevstoreState) -> StagedFiles:
    with _lock:
        files = getattr(state, "_staged_files", None)
        if files is None:
            files = StagedFiles()
            state._staged_files = files  # type: ignore[attr-defined]
        return files


def staged_uploads_create(root: Any, info: GraphQLResolveInfo, input: list[dict[str, Any]]) -> dict[str, Any]:
    state = current_state()
    files = staged_files(state)
    base = f"http://{state.config.host}:{state.config.port}"
    targets, errors = [], []
    for index, item in enumerate(input):
        if item["resource"] not in SUPPORTED_RESOURCES:
            errors.append(
                {
                    "field": ["input", str(index), "resource"],
                    "message": "The devstore only stages bulk variables",
                }
            )
            continue
        key = f"tmp/{info.context.shop.id}/bulk/{uuid.uuid4()}/{item['filename']}"
        files.expected[key] = info.context.shop.domain
        parameters = {
            "Content-Type": item["mimeType"],
            "success_action_status": "201",
            "acl": "private",
            "key": key,
        }
        targets.append(
            {
                "url": f"{base}/_devstore/staged-uploads",
                "resourceUrl": f"{base}/_devstore/staged-uploads/{key}",
                "parameters": [{"name": k, "value": v} for k, v in parameters.items()],
            }
        )
    if errors:
        return {"stagedTargets": None, "userErrors": errors}
    return {"stagedTargets": targets, "userErrors": []}


@bp.post("/staged-uploads")
def receive_upload():
    """The upload target: a multipart form with the target's parameters and `file`."""
    files = staged_files(current_state())
    key = request.form.get("key", "")
    upload = request.files.get("file")
    if key not in files.expected:
        return jsonify(errors="unknown or missing key"), 403
    if upload is None:
        return jsonify(errors="missing file"), 400
    data = upload.read(MAX_BULK_VARIABLES_BYTES + 1)
    if len(data) > MAX_BULK_VARIABLES_BYTES:
        return jsonify(errors="EntityTooLarge: bulk variables are limited to 20 MB"), 400
    files.path_for(key).write_bytes(data)
    return jsonify(key=key, size=len(data)), 201


TYPES = {"Mutation": {"stagedUploadsCreate": staged_uploads_create}}
