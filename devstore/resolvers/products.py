"""Product and ProductVariant: REST product records as the Admin API's types."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from graphql import GraphQLResolveInfo

from devstore.resolvers.common import (
    decimal,
    enum_value,
    graphql_datetime,
    money_v2,
    shopify_gid,
    tag_list,
    timestamp,
)
from devstore.resolvers.connections import page, positional_key
from devstore.resolvers.search import SearchField
from devstore.store import Record

Info = GraphQLResolveInfo
HTML_TAG = re.compile(r"<[^>]+>")


def variants(product: Record) -> list[Record]:
    return list(product.get("variants") or [])


def price_range(product: Record, info: Info) -> dict[str, Any]:
    prices = [decimal(v.get("price")) for v in variants(product)] or [Decimal(0)]
    currency = info.context.shop.currency
    return {
        "minVariantPrice": money_v2(min(prices), currency),
        "maxVariantPrice": money_v2(max(prices), currency),
    }


def variant_product(variant: Record, info: Info) -> Record | None:
    found = info.context.variant(variant.get("id"))
    if found:
        return found[0]
    product_id = variant.get("product_id")
    return info.context.lookup("products", int(product_id)) if product_id else None


def selected_options(variant: Record, info: Info) -> list[dict[str, str]]:
    product = variant_product(variant, info) or {}
    names = [o.get("name") for o in product.get("options") or []] or ["Title"]
    values = [variant.get(f"option{i}") for i in (1, 2, 3)]
    return [{"name": n, "value": v} for n, v in zip(names, values, strict=False) if v]


def variant_display_name(variant: Record, info: Info) -> str:
    product = variant_product(variant, info) or {}
    return f"{product.get('title', '')} - {variant.get('title') or 'Default Title'}"


PRODUCT_FIELDS = {
    "id": lambda p, info: p.get("admin_graphql_api_id") or shopify_gid("Product", p["id"]),
    "legacyResourceId": lambda p, info: str(p["id"]),
    "title": lambda p, info: p.get("title") or "",
    "handle": lambda p, info: p.get("handle") or "",
    "productType": lambda p, info: p.get("product_type") or "",
    "vendor": lambda p, info: p.get("vendor") or "",
    "status": lambda p, info: enum_value(info, p.get("status")) or "ACTIVE",
    "tags": lambda p, info: tag_list(p.get("tags")),
    "createdAt": lambda p, info: graphql_datetime(p.get("created_at")),
    "updatedAt": lambda p, info: graphql_datetime(p.get("updated_at") or p.get("created_at")),
    "publishedAt": lambda p, info: graphql_datetime(p.get("published_at")),
    "descriptionHtml": lambda p, info: p.get("body_html") or "",
    "description": lambda p, info, truncateAt=None: HTML_TAG.sub("", p.get("body_html") or "")[:truncateAt],
    "totalInventory": lambda p, info: sum(int(v.get("inventory_quantity") or 0) for v in variants(p)),
    "tracksInventory": lambda p, info: any(v.get("inventory_management") for v in variants(p)),
    "hasOnlyDefaultVariant": lambda p, info: len(variants(p)) <= 1,
    "isGiftCard": lambda p, info: False,
    "onlineStoreUrl": lambda p, info: None,
    "variantsCount": lambda p, info: {"count": len(variants(p)), "precision": "EXACT"},
    "priceRangeV2": price_range,
    "variants": lambda p, info, **args: page(
        variants(p), positional_key(variants(p), lambda v: int(v["id"])), args
    ),
    "metafield": lambda p, info, **args: None,
    "featuredImage": lambda p, info: None,
}

VARIANT_FIELDS = {
    "id": lambda v, info: v.get("admin_graphql_api_id") or shopify_gid("ProductVariant", v["id"]),
    "legacyResourceId": lambda v, info: str(v["id"]),
    "title": lambda v, info: v.get("title") or "Default Title",
    "displayName": variant_display_name,
    "sku": lambda v, info: v.get("sku"),
    "barcode": lambda v, info: v.get("barcode"),
    "price": lambda v, info: str(v.get("price") or "0.00"),
    "compareAtPrice": lambda v, info: v.get("compare_at_price"),
    "position": lambda v, info: int(v.get("position") or 1),
    "inventoryQuantity": lambda v, info: v.get("inventory_quantity"),
    "availableForSale": lambda v, info: (
        int(v.get("inventory_quantity") or 0) > 0 or v.get("inventory_policy") == "continue"
    ),
    "taxable": lambda v, info: bool(v.get("taxable", True)),
    "createdAt": lambda v, info: graphql_datetime(v.get("created_at")),
    "updatedAt": lambda v, info: graphql_datetime(v.get("updated_at") or v.get("created_at")),
    "product": variant_product,
    "selectedOptions": selected_options,
    "metafield": lambda v, info, **args: None,
    "image": lambda v, info: None,
}

TYPES = {"Product": PRODUCT_FIELDS, "ProductVariant": VARIANT_FIELDS}

PRODUCT_SORT_KEYS = {
    "ID": lambda p: (p["id"], p["id"]),
    "RELEVANCE": lambda p: (p["id"], p["id"]),
    "CREATED_AT": lambda p: (timestamp(p.get("created_at")), p["id"]),
    "UPDATED_AT": lambda p: (timestamp(p.get("updated_at") or p.get("created_at")), p["id"]),
    "PUBLISHED_AT": lambda p: (timestamp(p.get("published_at")), p["id"]),
    "TITLE": lambda p: ((p.get("title") or "").lower(), p["id"]),
    "PRODUCT_TYPE": lambda p: ((p.get("product_type") or "").lower(), p["id"]),
    "VENDOR": lambda p: ((p.get("vendor") or "").lower(), p["id"]),
    "INVENTORY_TOTAL": lambda p: (
        sum(int(v.get("inventory_quantity") or 0) for v in variants(p)),
        p["id"],
    ),
}

PRODUCT_SEARCH_FIELDS = {
    "id": SearchField("number", lambda p: p["id"]),
    "created_at": SearchField("time", lambda p: p.get("created_at")),
    "updated_at": SearchField("time", lambda p: p.get("updated_at") or p.get("created_at")),
    "title": SearchField("text", lambda p: p.get("title")),
    "handle": SearchField("text", lambda p: p.get("handle")),
    "product_type": SearchField("text", lambda p: p.get("product_type")),
    "vendor": SearchField("text", lambda p: p.get("vendor")),
    "status": SearchField("text", lambda p: p.get("status") or "active"),
    "tag": SearchField("tags", lambda p: tag_list(p.get("tags"))),
    "sku": SearchField("text", lambda p: [v.get("sku") for v in variants(p)]),
}


def product_default_text(product: Record) -> list[str]:
    return [product.get("title") or "", product.get("vendor") or "", product.get("product_type") or ""]
