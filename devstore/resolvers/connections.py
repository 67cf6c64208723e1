"""Relay connections over in-memory lists, with Shopify's opaque keyset cursors.

A cursor is base64 of `{"last_id": ..., "last_value": ...}` (what Shopify's cursors decode to):
the sort value and id of the edge, so a page boundary survives records being added or removed
between requests.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from typing import Any

from graphql import GraphQLError

MAX_PAGE_SIZE = 250

SortKey = tuple[Any, int]


def encode_cursor(key: SortKey) -> str:
    value, record_id = key
    raw = json.dumps({"last_id": record_id, "last_value": value}, separators=(",", ":"))
    return base64.b64encode(raw.encode()).decode()


def decode_cursor(cursor: str) -> SortKey:
    try:
        data = json.loads(base64.b64decode(cursor.encode(), validate=True))
        return data["last_value"], int(data["last_id"])
    except (binascii.Error, ValueError, KeyError, TypeError) as exc:
        raise GraphQLError(f"Invalid cursor for current pagination sort: {cursor!r}") from exc


def check_page_size(first: int | None, last: int | None) -> None:
    if first is None and last is None:
        raise GraphQLError("you must provide one of first or last")
    for name, value in (("first", first), ("last", last)):
        if value is not None and value < 0:
            raise GraphQLError(f"The {name} argument must be a positive number.")
        if value is not None and value > MAX_PAGE_SIZE:
            raise GraphQLError(
                f"The {name} argument must be less than or equal to {MAX_PAGE_SIZE}.",
                extensions={"code": "BAD_REQUEST"},
            )


def connection(
    items: Sequence[Any],
    sort_key: Callable[[Any], SortKey],
    *,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
    reverse: bool = False,
) -> dict[str, Any]:
    """One page of `items` ordered by `sort_key` (then id), as a connection dict."""
    check_page_size(first, last)
    keyed = sorted(((sort_key(item), item) for item in items), key=lambda pair: pair[0])
    if reverse:
        keyed.reverse()

    def comes_after(key: SortKey, boundary: SortKey) -> bool:
        try:
            return key < boundary if reverse else key > boundary
        except TypeError as exc:  # a cursor taken under another sortKey
            raise GraphQLError("Invalid cursor for current pagination sort.") from exc

    start, end = 0, len(keyed)
    if after is not None:
        boundary = decode_cursor(after)
        start = next((i for i, (key, _) in enumerate(keyed) if comes_after(key, boundary)), end)
    if before is not None:
        boundary = decode_cursor(before)
        end = next((i for i in range(start, end) if not comes_after(boundary, keyed[i][0])), end)
        end = max(end, start)
    if first is not None:
        end = min(end, start + first)
    if last is not None:
        start = max(start, end - last)

    page = keyed[start:end]
    edges = [{"cursor": encode_cursor(key), "node": item} for key, item in page]
    return {
        "edges": edges,
        "nodes": [item for _, item in page],
        "pageInfo": {
            "hasNextPage": end < len(keyed),
            "hasPreviousPage": start > 0,
            "startCursor": edges[0]["cursor"] if edges else None,
            "endCursor": edges[-1]["cursor"] if edges else None,
        },
    }


def page(items: Sequence[Any], sort_key: Callable[[Any], SortKey], args: dict[str, Any]) -> dict:
    """`connection` with the standard arguments as the resolver received them."""
    return connection(
        items,
        sort_key,
        first=args.get("first"),
        after=args.get("after"),
        last=args.get("last"),
        before=args.get("before"),
        reverse=bool(args.get("reverse")),
    )


def positional_key(items: Sequence[Any], id_of: Callable[[Any], int]) -> Callable[[Any], SortKey]:
    """Sort key for lists that keep their stored order (line items, addresses)."""
    positions = {id(item): index for index, item in enumerate(items)}
    return lambda item: (positions[id(item)], id_of(item))
