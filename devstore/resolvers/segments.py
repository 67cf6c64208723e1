"""Customer segments: `segmentCreate`, `segmentUpdate`, `segmentDelete` and the `segments` and
`segment` queries. The devstore keeps a segment's query as text; it checks that it is not blank
and, for the form Orbit writes (`customer_tags CONTAINS '<tag>'`), that the quote is closed.
Names are unique per shop, as in the admin. Messages are the devstore's own wording.
"""

from __future__ import annotations

import itertools
import re
from datetime import UTC, datetime
from typing import Any

from graphql import GraphQLResolveInfo

from devstore.resolvers.connections import page
from devstore.store import parse_gid

Info = GraphQLResolveInfo
MAX_NAME_LENGTH = 255
TAG_CONDITION = re.compile(r"^customer_tags\s+(NOT\s+)?CONTAINS\s+'((?:[^'\\]|\\.)*)'$")
_ids = itertools.count(520_000_000)


def segment_store(shop: Any) -> dict[int, dict[str, Any]]:
    found = getattr(shop, "_segments", None)
    if found is None:
        found = {}
        shop._segments = found
    return found


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def problems(shop: Any, name: str | None, query: str | None, own_id: int | None) -> list[dict[str, Any]]:
    errors = []
    if name is not None:
        if not name.strip():
            errors.append({"field": ["name"], "message": "Name can't be blank"})
        elif len(name) > MAX_NAME_LENGTH:
            errors.append({"field": ["name"], "message": "Name is too long (maximum is 255 characters)"})
        elif any(s["name"] == name and s["id"] != own_id for s in segment_store(shop).values()):
            errors.append({"field": ["name"], "message": "Name has already been taken"})
    if query is not None:
        text = query.strip()
        if not text:
            errors.append({"field": ["query"], "message": "Query can't be blank"})
        elif text.startswith("customer_tags") and not TAG_CONDITION.match(text):
            errors.append(
                {"field": ["query"], "message": "Query is invalid: expected customer_tags CONTAINS '<tag>'"}
            )
    return errors


def segment_id(info: Info, global_id: str) -> int | None:
    try:
        type_name, record_id = parse_gid(global_id)
    except ValueError:
        return None
    return record_id if type_name == "Segment" else None


def as_graphql(segment: dict[str, Any]) -> dict[str, Any]:
    return {**segment, "id": f"gid://shopify/Segment/{segment['id']}"}


def segment_create(root: Any, info: Info, name: str, query: str) -> dict[str, Any]:
    shop = info.context.shop
    with shop.lock:
        errors = problems(shop, name, query, None)
        if errors:
            return {"segment": None, "userErrors": errors}
        stamp = now_iso()
        segment = {
            "id": next(_ids),
            "name": name,
            "query": query.strip(),
            "creationDate": stamp,
            "lastEditDate": stamp,
        }
        segment_store(shop)[segment["id"]] = segment
    return {"segment": as_graphql(segment), "userErrors": []}


def segment_update(root: Any, info: Info, id: str, name: str | None = None, query: str | None = None) -> dict:
    shop = info.context.shop
    with shop.lock:
        segment = segment_store(shop).get(segment_id(info, id) or -1)
        if segment is None:
            return {"segment": None, "userErrors": [{"field": ["id"], "message": "Segment does not exist"}]}
        errors = problems(shop, name, query, segment["id"])
        if errors:
            return {"segment": None, "userErrors": errors}
        if name is not None:
            segment["name"] = name
        if query is not None:
            segment["query"] = query.strip()
        segment["lastEditDate"] = now_iso()
    return {"segment": as_graphql(segment), "userErrors": []}


def segment_delete(root: Any, info: Info, id: str) -> dict[str, Any]:
    shop = info.context.shop
    with shop.lock:
        removed = segment_store(shop).pop(segment_id(info, id) or -1, None)
    if removed is None:
        return {
            "deletedSegmentId": None,
            "userErrors": [{"field": ["id"], "message": "Segment does not exist"}],
        }
    return {"deletedSegmentId": id, "userErrors": []}


def segments(root: Any, info: Info, **args: Any) -> dict[str, Any]:
    with info.context.shop.lock:
        found = [as_graphql(s) for s in segment_store(info.context.shop).values()]
    wanted = (args.get("query") or "").strip().lower()
    if wanted:
        found = [s for s in found if wanted.removeprefix("name:").strip("'\"") in s["name"].lower()]
    return page(found, lambda s: (s["creationDate"], int(s["id"].rsplit("/", 1)[1])), args)


def segment(root: Any, info: Info, id: str) -> dict[str, Any] | None:
    found = segment_store(info.context.shop).get(segment_id(info, id) or -1)
    return as_graphql(found) if found else None


TYPES = {
    "Mutation": {
        "segmentCreate": segment_create,
        "segmentUpdate": segment_update,
        "segmentDelete": segment_delete,
    },
    "QueryRoot": {"segments": segments, "segment": segment},
}
