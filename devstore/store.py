"""The devstore's data: shops and their resources, held in memory.

Every resource record is a plain dict shaped exactly like the body Shopify sends in that
resource's webhook (REST field names, snake_case, ISO-8601 strings, money as decimal strings),
so webhook delivery serialises a record as it is and the GraphQL resolvers translate it to the
Admin API's camelCase types. Fields that current webhook bodies omit but the Admin API still
exposes (customer `tags`, `email_marketing_consent`, `sms_marketing_consent`) are kept on the
record and listed in `WEBHOOK_HIDDEN_FIELDS`, so a webhook body can leave them out.

Ids are Shopify-sized integers; the GraphQL id of a record is `gid://shopify/<Type>/<id>`.
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

Record = dict[str, Any]

# Resource name -> GraphQL type name used in its global id.
GID_TYPES = {
    "customers": "Customer",
    "orders": "Order",
    "products": "Product",
    "checkouts": "AbandonedCheckout",
    "discount_codes": "DiscountCodeNode",
    "locations": "Location",
}

# Fields a record keeps for the Admin API that the 2026-07 webhook bodies no longer carry.
WEBHOOK_HIDDEN_FIELDS = {
    "customers": {"tags", "email_marketing_consent", "sms_marketing_consent"},
}

FIRST_ID = 7_100_000_000_000


def gid(resource: str, record_id: int) -> str:
    return f"gid://shopify/{GID_TYPES[resource]}/{record_id}"


def parse_gid(value: str) -> tuple[str, int]:
    """'gid://shopify/Customer/42' -> ('Customer', 42); ValueError when malformed."""
    prefix = "gid://shopify/"
    if not value.startswith(prefix):
        raise ValueError(f"not a Shopify global id: {value!r}")
    type_name, _, raw_id = value[len(prefix) :].partition("/")
    raw_id = raw_id.split("?", 1)[0]
    if not type_name or not raw_id.isdigit():
        raise ValueError(f"not a Shopify global id: {value!r}")
    return type_name, int(raw_id)


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass
class Shop:
    """One store: its identity, its resources and the apps installed in it."""

    domain: str  # "demo.myshopify.com"
    id: int
    name: str
    email: str
    currency: str = "USD"
    iana_timezone: str = "America/New_York"
    plan_name: str = "basic"
    country_code: str = "US"  # the billing address's country (shop.billingAddress)
    created_at: str = field(default_factory=now_iso)
    customers: dict[int, Record] = field(default_factory=dict)
    orders: dict[int, Record] = field(default_factory=dict)
    products: dict[int, Record] = field(default_factory=dict)
    checkouts: dict[int, Record] = field(default_factory=dict)
    discount_codes: dict[int, Record] = field(default_factory=dict)
    locations: dict[int, Record] = field(default_factory=dict)
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(FIRST_ID), repr=False)

    def next_id(self) -> int:
        with self.lock:
            return next(self._ids)

    def reserve_ids_above(self, used: int) -> None:
        """After loading records with explicit ids, make sure new ids never collide."""
        with self.lock:
            current = next(self._ids)
            self._ids = itertools.count(max(current, used + 1))

    def resource(self, name: str) -> dict[int, Record]:
        if name not in GID_TYPES:
            raise KeyError(name)
        return getattr(self, name)

    def as_webhook_body(self, resource: str, record: Record) -> Record:
        hidden = WEBHOOK_HIDDEN_FIELDS.get(resource, set())
        return {k: v for k, v in record.items() if k not in hidden}


class Store:
    """All shops the devstore serves, keyed by myshopify domain."""

    def __init__(self) -> None:
        self.shops: dict[str, Shop] = {}
        self.lock = threading.RLock()

    def add_shop(self, shop: Shop) -> Shop:
        with self.lock:
            self.shops[shop.domain] = shop
        return shop

    def get(self, domain: str) -> Shop | None:
        return self.shops.get(domain.lower())
