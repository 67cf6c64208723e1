"""Shopify customer segments that mirror Orbit's pushed segments (`customer_tags CONTAINS`)."""

from __future__ import annotations

from typing import Any

from app.shopify.client import AdminClient, payload_of

SEGMENT_CREATE = """
mutation OrbitSegmentCreate($name: String!, $query: String!) {
  segmentCreate(name: $name, query: $query) {
    segment { id name query }
    userErrors { field message }
  }
}
"""

SEGMENT_UPDATE = """
mutation OrbitSegmentUpdate($id: ID!, $name: String, $query: String) {
  segmentUpdate(id: $id, name: $name, query: $query) {
    segment { id name query }
    userErrors { field message }
  }
}
"""

SEGMENT_DELETE = """
mutation OrbitSegmentDelete($id: ID!) {
  segmentDelete(id: $id) {
    deletedSegmentId
    userErrors { field message }
  }
}
"""

SEGMENTS = """
query OrbitSegments($first: Int!, $after: String, $query: String) {
  segments(first: $first, after: $after, query: $query) {
    nodes { id name query }
    pageInfo { hasNextPage endCursor }
  }
}
"""


def create_segment(client: AdminClient, name: str, query: str) -> dict[str, Any]:
    data = client.execute(SEGMENT_CREATE, {"name": name, "query": query}, operation_name="OrbitSegmentCreate")
    return payload_of(data, "segmentCreate")["segment"]


def update_segment(client: AdminClient, segment_gid: str, name: str, query: str) -> dict[str, Any] | None:
    """Rename or re-query; None when Shopify no longer has the segment."""
    data = client.execute(
        SEGMENT_UPDATE, {"id": segment_gid, "name": name, "query": query}, operation_name="OrbitSegmentUpdate"
    )
    payload = data.get("segmentUpdate") or {}
    if payload.get("userErrors") and _is_missing(payload["userErrors"]):
        return None
    return payload_of(data, "segmentUpdate")["segment"]


def delete_segment(client: AdminClient, segment_gid: str) -> None:
    """Delete; a segment Shopify already lost counts as deleted."""
    data = client.execute(SEGMENT_DELETE, {"id": segment_gid}, operation_name="OrbitSegmentDelete")
    payload = data.get("segmentDelete") or {}
    if payload.get("userErrors") and _is_missing(payload["userErrors"]):
        return
    payload_of(data, "segmentDelete")


def _is_missing(errors: list[dict[str, Any]]) -> bool:
    return all("does not exist" in str(e.get("message", "")).lower() for e in errors)


def segments_named(client: AdminClient, name: str) -> list[dict[str, Any]]:
    """The shop's segments with exactly this name (at most one, since names are unique).

    Pages through every segment rather than trusting a search filter: a shop has few
    segments, and an exact match is what matters."""
    found, after = [], None
    while True:
        data = client.execute(SEGMENTS, {"first": 250, "after": after}, operation_name="OrbitSegments")
        connection = data["segments"]
        found.extend(s for s in connection["nodes"] if s["name"] == name)
        if not connection["pageInfo"]["hasNextPage"]:
            return found
        after = connection["pageInfo"]["endCursor"]
