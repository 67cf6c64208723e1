"""Small translations from REST-shaped records to Admin GraphQL values, shared by all resolvers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from graphql import GraphQLEnumType, GraphQLError, GraphQLResolveInfo

from devstore.store import Record

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Typed:
    """A record whose GraphQL type is only known at run time (behind `Node`)."""

    type_name: str
    record: Record


def parse_time(value: Any) -> datetime | None:
    """ISO-8601 with any offset (or a bare date) -> aware UTC datetime; None when absent."""
    if not value:
        return None
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        return moment.astimezone(UTC)
    return parse_time_text(str(value))


@lru_cache(maxsize=1 << 18)
def parse_time_text(text: str) -> datetime | None:
    """Cached: every search and sort parses the same record timestamps again."""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def timestamp(value: Any) -> float:
    """Sortable seconds; absent times sort first."""
    moment = parse_time(value)
    return moment.timestamp() if moment else 0.0


def graphql_datetime(value: Any) -> str | None:
    """The Admin API writes DateTime in UTC with a Z suffix."""
    moment = parse_time(value)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def decimal(value: Any) -> Decimal:
    try:
        return Decimal(str(value)) if value not in (None, "") else Decimal("0")
    except InvalidOperation:
        return Decimal("0")


def decimal_text(value: Decimal) -> str:
    """Decimal and Money scalars serialise as strings; Shopify drops trailing zeros ("10.0")."""
    normalized = value.normalize()
    text = format(normalized, "f")
    return text if "." in text else text + ".0"


def money_v2(amount: Any, currency: str) -> dict[str, str]:
    return {"amount": decimal_text(decimal(amount)), "currencyCode": currency}


def money_bag(record: Record, field: str, currency: str, fallback: Any = None) -> dict:
    """A MoneyBag from `<field>_set` (shop and presentment money), else from the plain amount."""
    money_set = record.get(f"{field}_set")
    if isinstance(money_set, dict) and money_set.get("shop_money"):
        shop_money = money_set["shop_money"]
        presentment = money_set.get("presentment_money") or shop_money
        return {
            "shopMoney": money_v2(shop_money.get("amount"), shop_money.get("currency_code", currency)),
            "presentmentMoney": money_v2(
                presentment.get("amount"), presentment.get("currency_code", currency)
            ),
        }
    amount = record.get(field, fallback)
    return money_bag_of(decimal(amount), currency)


def money_bag_of(amount: Decimal, currency: str) -> dict:
    money = money_v2(amount, currency)
    return {"shopMoney": money, "presentmentMoney": dict(money)}


def tag_list(value: Any) -> list[str]:
    """REST carries tags as "a, b"; GraphQL as a list."""
    if not value:
        return []
    if isinstance(value, list | tuple):
        return [str(tag) for tag in value]
    return [tag.strip() for tag in str(value).split(",") if tag.strip()]


def enum_value(info: GraphQLResolveInfo, raw: Any) -> str | None:
    """REST's lower-case enum text -> the GraphQL enum value, or None when it has no match."""
    if raw in (None, ""):
        return None
    enum_type = info.return_type
    while hasattr(enum_type, "of_type"):
        enum_type = enum_type.of_type
    candidate = str(raw).strip().upper().replace(" ", "_").replace("-", "_")
    if isinstance(enum_type, GraphQLEnumType) and candidate in enum_type.values:
        return candidate
    return None


def shopify_gid(type_name: str, record_id: Any) -> str:
    return f"gid://shopify/{type_name}/{record_id}"


def unsupported(info: GraphQLResolveInfo) -> GraphQLError:
    return GraphQLError(
        f"The devstore does not implement {info.parent_type.name}.{info.field_name} yet.",
        extensions={"code": "DEVSTORE_UNSUPPORTED"},
    )
