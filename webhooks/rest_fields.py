"""Reading single values out of Shopify REST/webhook bodies: ids, timestamps, money, tags.

Pure helpers for webhooks/records.py (and the GraphQL parsers beside it); no I/O imports.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any


class PayloadError(ValueError):
    """A body lacks something Orbit cannot do without (an id), or has it in an unusable form."""


def gid_number(value: Any) -> int | None:
    """'gid://shopify/Customer/42' (or 42, or '42') -> 42; None when absent."""
    if type(value) is str:  # the common case first: the backfill reads millions of ids
        text = value
    elif value is None:
        return None
    elif isinstance(value, bool):
        raise PayloadError(f"not an id: {value!r}")
    elif isinstance(value, int):
        return value
    else:
        text = str(value)
    if text == "":
        return None
    if text.startswith("gid://"):
        text = text.rsplit("/", 1)[-1].split("?", 1)[0]
    if not text.isdigit():
        raise PayloadError(f"not an id: {value!r}")
    return int(text)


def resource_id(payload: Mapping[str, Any], gid_key: str = "admin_graphql_api_id", id_key: str = "id") -> int:
    """The resource's exact id: from its GraphQL id when present, because REST bodies that went
    through a JavaScript JSON round-trip carry 64-bit `id`s rounded to 53 bits."""
    number = gid_number(payload.get(gid_key)) if payload.get(gid_key) else gid_number(payload.get(id_key))
    if number is None:
        raise PayloadError(f"body has no {id_key!r}")
    return number


def optional_id(value: Any) -> int | None:
    try:
        return gid_number(value)
    except PayloadError:
        return None


def timestamp(value: Any) -> datetime | None:
    """ISO-8601 with any offset (or 'Z') -> aware UTC; None when absent or unreadable."""
    if not value or not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def money(value: Any, default: Decimal | None = Decimal("0")) -> Decimal | None:
    """'12.50', 12.5, {'amount': '12.50'} (MoneyV2) or a REST *_set -> Decimal."""
    if type(value) is not str and isinstance(value, Mapping):  # str first: no ABC check
        if "shop_money" in value:
            value = value["shop_money"]
        value = value.get("amount")
    if value is None or value == "":
        return default
    try:
        # str() first: a float such as 29.0 must become Decimal('29.0'), not its binary expansion.
        return Decimal(str(value))
    except InvalidOperation:
        raise PayloadError(f"not an amount: {value!r}") from None


def tag_list(value: Any) -> tuple[str, ...]:
    """REST 'a, b' or GraphQL ['a', 'b'] -> ('a', 'b'), trimmed, empties dropped, order kept."""
    if value is None:
        return ()
    items = value.split(",") if isinstance(value, str) else [str(item) for item in value]
    return tuple(tag for tag in (item.strip() for item in items) if tag)


def text(value: Any, limit: int | None = None) -> str | None:
    if value is None:
        return None
    result = str(value)
    return result[:limit] if limit else result


def integer(value: Any, default: int = 0) -> int:
    if value is None or value == "":
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise PayloadError(f"not an integer: {value!r}") from None
