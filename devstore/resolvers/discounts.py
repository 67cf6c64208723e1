"""Basic code discounts: `discountCodeBasicCreate`, `codeDiscountNodeByCode`,
`discountCodeDeactivate`, and the fields of what they return.

Records live in `Shop.discount_codes` in the REST price-rule shape the seeder uses (code,
value_type, value, prerequisite_subtotal_range, starts_at, ends_at, status), plus what the
GraphQL input adds (usage_limit, applies_once_per_customer, segment ids, title, tags), so an order
created with the code (devstore/discount_orders.py) applies it as Shopify's checkout would.
Codes compare case-insensitively and are unique per shop, as in Shopify; messages and codes of
userErrors are the devstore's own wording where Shopify's were not verified.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from graphql import GraphQLResolveInfo

from devstore.resolvers.common import Typed, decimal_text, graphql_datetime
from devstore.resolvers.root import require_scope
from devstore.store import Record, Shop, gid, parse_gid

Info = GraphQLResolveInfo
MAX_CODE_LENGTH = 255


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def find_by_code(shop: Shop, code: str) -> Record | None:
    wanted = code.strip().upper()
    with shop.lock:
        return next(
            (r for r in shop.discount_codes.values() if str(r.get("code", "")).upper() == wanted), None
        )


def user_error(field: list[str], message: str, code: str) -> dict[str, Any]:
    return {"field": field, "message": message, "code": code}


def value_of(customer_gets: dict[str, Any]) -> tuple[str, Decimal] | None:
    value = (customer_gets or {}).get("value") or {}
    try:
        if value.get("percentage") is not None:
            percentage = Decimal(str(value["percentage"]))
            return ("percentage", -(percentage * 100)) if 0 < percentage <= 1 else None
        amount = (value.get("discountAmount") or {}).get("amount")
        if amount is not None and Decimal(str(amount)) > 0:
            return "fixed_amount", -Decimal(str(amount))
    except (InvalidOperation, ValueError):
        return None
    return None


def discount_code_basic_create(root: Any, info: Info, basicCodeDiscount: dict[str, Any]) -> dict[str, Any]:
    require_scope(info, "write_discounts")
    given = basicCodeDiscount
    shop = info.context.shop
    code = str(given.get("code") or "").strip()
    errors = []
    if not code:
        errors.append(user_error(["basicCodeDiscount", "code"], "Code can't be blank", "BLANK"))
    elif len(code) > MAX_CODE_LENGTH:
        errors.append(user_error(["basicCodeDiscount", "code"], "Code is too long", "TOO_LONG"))
    value = value_of(given.get("customerGets") or {})
    if value is None:
        errors.append(
            user_error(
                ["basicCodeDiscount", "customerGets"], "Value must be a percentage or an amount", "INVALID"
            )
        )
    context = given.get("context") or {}
    selection = given.get("customerSelection") or {}
    if context and selection:
        errors.append(
            user_error(
                ["basicCodeDiscount"], "Only one of context and customerSelection may be given", "INVALID"
            )
        )
    segments = ((context or selection).get("customerSegments") or {}).get("add") or []
    subtotal = ((given.get("minimumRequirement") or {}).get("subtotal") or {}).get(
        "greaterThanOrEqualToSubtotal"
    )
    with shop.lock:
        if code and find_by_code(shop, code) is not None:
            errors.append(user_error(["basicCodeDiscount", "code"], "Code must be unique", "TAKEN"))
        if errors:
            return {"codeDiscountNode": None, "userErrors": errors}
        record_id = shop.next_id()
        stamp = now_iso()
        record = {
            "id": record_id,
            "price_rule_id": shop.next_id(),
            "code": code,
            "title": given.get("title") or code,
            "usage_count": 0,
            "created_at": stamp,
            "updated_at": stamp,
            "value_type": value[0],
            "value": decimal_text(value[1]),
            "prerequisite_subtotal_range": (
                {"greater_than_or_equal_to": str(subtotal)} if subtotal is not None else None
            ),
            "starts_at": given.get("startsAt") or stamp,
            "ends_at": given.get("endsAt"),
            "status": "ACTIVE",
            "usage_limit": given.get("usageLimit"),
            "applies_once_per_customer": bool(given.get("appliesOncePerCustomer")),
            "segment_ids": [str(s) for s in segments],
            "customer_ids": [
                str(c) for c in ((context or selection).get("customers") or {}).get("add") or []
            ],
            "tags": list(given.get("tags") or []),
            "used_by": [],
            "admin_graphql_api_id": gid("discount_codes", record_id),
        }
        shop.discount_codes[record_id] = record
    return {"codeDiscountNode": node(record), "userErrors": []}


def code_discount_node_by_code(root: Any, info: Info, code: str) -> dict[str, Any] | None:
    require_scope(info, "read_discounts")
    record = find_by_code(info.context.shop, code)
    return node(record) if record is not None else None


def discount_code_deactivate(root: Any, info: Info, id: str) -> dict[str, Any]:
    require_scope(info, "write_discounts")
    shop = info.context.shop
    try:
        type_name, record_id = parse_gid(id)
    except ValueError:
        type_name, record_id = "", 0
    with shop.lock:
        record = shop.discount_codes.get(record_id) if type_name == "DiscountCodeNode" else None
        if record is None:
            return {
                "codeDiscountNode": None,
                "userErrors": [user_error(["id"], "Discount does not exist", "INVALID")],
            }
        record.update(status="EXPIRED", ends_at=record.get("ends_at") or now_iso(), updated_at=now_iso())
    return {"codeDiscountNode": node(record), "userErrors": []}


def node(record: Record) -> dict[str, Any]:
    return {"id": record["admin_graphql_api_id"], "codeDiscount": Typed("DiscountCodeBasic", basic(record))}


def basic(record: Record) -> dict[str, Any]:
    usage = int(record.get("usage_count") or 0)
    return {
        "title": record.get("title") or record["code"],
        "status": record.get("status") or "ACTIVE",
        "usageLimit": record.get("usage_limit"),
        "asyncUsageCount": usage,
        "appliesOncePerCustomer": bool(record.get("applies_once_per_customer")),
        "startsAt": graphql_datetime(record.get("starts_at")),
        "endsAt": graphql_datetime(record.get("ends_at")),
        "createdAt": graphql_datetime(record.get("created_at")),
        "updatedAt": graphql_datetime(record.get("updated_at")),
        "summary": f"{record.get('value')} {record.get('value_type')}",
        "shortSummary": f"{record.get('value')} {record.get('value_type')}",
        "tags": list(record.get("tags") or []),
        "codes": {"nodes": [{"code": record["code"], "asyncUsageCount": usage}]},
    }


TYPES = {
    "Mutation": {
        "discountCodeBasicCreate": discount_code_basic_create,
        "discountCodeDeactivate": discount_code_deactivate,
    },
    "QueryRoot": {"codeDiscountNodeByCode": code_discount_node_by_code},
}
