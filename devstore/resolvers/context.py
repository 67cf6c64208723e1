"""Per-request context for resolvers: the shop, the caller's scopes and lazily built indexes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from devstore.resolvers.common import timestamp
from devstore.store import Record, Shop


def order_customer_id(order: Record) -> int | None:
    customer = order.get("customer")
    if isinstance(customer, dict) and customer.get("id") is not None:
        return int(customer["id"])
    if order.get("customer_id") is not None:
        return int(order["customer_id"])
    return None


@dataclass
class RequestContext:
    shop: Shop
    scopes: tuple[str, ...]
    client_id: str
    _snapshots: dict[str, list[Record]] = field(default_factory=dict)
    _orders_by_customer: dict[int, list[Record]] | None = None
    _variants: dict[int, tuple[Record, Record]] | None = None
    _memo: dict[str, Any] = field(default_factory=dict)

    def memo(self, name: str, build: Callable[[], Any]) -> Any:
        """A per-request derived index, built once on first use."""
        if name not in self._memo:
            self._memo[name] = build()
        return self._memo[name]

    def records(self, resource: str) -> list[Record]:
        """A stable snapshot of one resource for this request (other threads may add records)."""
        if resource not in self._snapshots:
            with self.shop.lock:
                self._snapshots[resource] = list(self.shop.resource(resource).values())
        return self._snapshots[resource]

    def lookup(self, resource: str, record_id: int) -> Record | None:
        with self.shop.lock:
            return self.shop.resource(resource).get(record_id)

    def orders_of(self, customer_id: int) -> list[Record]:
        """The customer's orders, oldest first; one pass over all orders per request."""
        if self._orders_by_customer is None:
            grouped: dict[int, list[Record]] = defaultdict(list)
            for order in self.records("orders"):
                owner = order_customer_id(order)
                if owner is not None:
                    grouped[owner].append(order)
            for orders in grouped.values():
                orders.sort(key=lambda o: (timestamp(o.get("created_at")), o["id"]))
            self._orders_by_customer = dict(grouped)
        return self._orders_by_customer.get(int(customer_id), [])

    def variant(self, variant_id: Any) -> tuple[Record, Record] | None:
        """(product, variant) for a variant id."""
        if variant_id is None:
            return None
        if self._variants is None:
            self._variants = {
                int(variant["id"]): (product, variant)
                for product in self.records("products")
                for variant in product.get("variants") or []
                if variant.get("id") is not None
            }
        return self._variants.get(int(variant_id))

    def has_scope(self, needed: str) -> bool:
        """write_x implies read_x, as in Shopify."""
        if needed in self.scopes:
            return True
        return needed.startswith("read_") and "write_" + needed[5:] in self.scopes
