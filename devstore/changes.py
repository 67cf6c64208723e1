"""Data changes in a devstore shop, each delivered to the app as the webhooks Shopify sends.

`ChangeFeed.apply(shop, {"kind": ..., ...})` changes the store and emits the matching topics,
bodies shaped like Shopify's REST resources (customers/* in the 2026-07 shape, without tags
or consent: `Shop.as_webhook_body`). Every change moves the shop's change clock forward by at
least a second, so each new `updated_at` is strictly later than any before it (Shopify's
timestamps have one-second resolution, and the app's staleness rule compares them).

Kinds: customer.create {first_name, last_name, email, accepts_marketing?}, customer.update {id, ...fields},
customer.delete {id} (customers without orders only, as in Shopify), order.create
{customer_id?, lines: [{variant_id, quantity}]}, order.fulfil {id}, order.cancel {id, reason?},
order.refund {id, line_item_id?}, checkout.create {customer_id, lines}, checkout.update
{id, email?}, checkout.complete {id} (becomes an order; the checkout is deleted), product.create
{title, price}, product.update {id, ...fields}, product.delete {id}.
"""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from devstore import change_records as build
from devstore.discount_orders import apply_order_options
from devstore.faults import FaultSettings, FaultyDelivery, Outgoing
from devstore.resolvers.common import parse_time
from devstore.seeding.formats import iso
from devstore.store import Record, Shop
from devstore.webhooks import triggered_at_header

if TYPE_CHECKING:
    from devstore.state import DevstoreState

CUSTOMER_FIELDS = {"first_name", "last_name", "email", "phone", "note", "state"}
PRODUCT_FIELDS = {"title", "product_type", "vendor", "status", "tags"}


class ChangeError(ValueError):
    """The change cannot be made (unknown kind or record, or Shopify would refuse it)."""


class ChangeFeed:
    def __init__(self, state: DevstoreState) -> None:
        self.state = state
        self.faults = FaultyDelivery(state.webhooks)
        self._clock: dict[str, datetime] = {}
        self._lock = threading.Lock()

    def set_faults(self, settings: FaultSettings) -> None:
        self.faults.configure(settings)

    def wait_delivered(self, timeout: float = 60.0) -> bool:
        """Every emitted webhook attempted and every retry done (for tests and traffic runs)."""
        self.faults.flush()
        return self.faults.wait_sent(timeout) and self.state.webhooks.wait_idle(timeout)

    def tick(self, shop: Shop) -> datetime:
        """The moment of the next change: now, but always at least a second after the last."""
        with self._lock:
            last = self._clock.get(shop.domain) or latest_update(shop)
            moment = max(datetime.now(UTC).replace(microsecond=0), last + timedelta(seconds=1))
            self._clock[shop.domain] = moment
            return moment

    def emit(self, shop: Shop, topic: str, body: Record, at: datetime, event_id: str | None = None) -> None:
        outgoing = Outgoing(
            shop=shop.domain,
            topic=topic,
            body=build.clone(body),
            webhook_id=str(uuid.uuid4()),
            event_id=event_id or str(uuid.uuid4()),
            triggered_at=triggered_at_header(at),
        )
        self.faults.send(outgoing)

    def apply(self, shop: Shop, change: dict[str, Any]) -> Record:
        handler = HANDLERS.get(str(change.get("kind")))
        if handler is None:
            raise ChangeError(f"unknown change kind {change.get('kind')!r}; known: {sorted(HANDLERS)}")
        with shop.lock:
            return handler(self, shop, change)


def latest_update(shop: Shop) -> datetime:
    moments = [
        parse_time(record.get("updated_at"))
        for resource in ("customers", "orders", "products", "checkouts")
        for record in shop.resource(resource).values()
    ]
    return max((m for m in moments if m), default=datetime.now(UTC).replace(microsecond=0))


def find(shop: Shop, resource: str, change: dict[str, Any], key: str = "id") -> Record:
    try:
        record = shop.resource(resource).get(int(change.get(key) or 0))
    except (TypeError, ValueError):
        record = None
    if record is None:
        raise ChangeError(f"no {resource[:-1]} with id {change.get(key)!r}")
    return record


def template(shop: Shop, resource: str) -> Record:
    records = shop.resource(resource)
    if not records:
        raise ChangeError(f"the shop has no {resource} to model a new one on")
    return records[min(records)]


def basket(shop: Shop, lines: Any) -> build.Basket:
    if not isinstance(lines, list) or not lines:
        raise ChangeError("lines must be a non-empty list of {variant_id, quantity}")
    variants = {int(v["id"]): (p, v) for p in shop.products.values() for v in p.get("variants") or []}
    chosen = []
    for line in lines:
        found = variants.get(int(line.get("variant_id") or 0))
        if found is None:
            raise ChangeError(f"no variant {line.get('variant_id')!r}")
        chosen.append((found[0], found[1], max(1, int(line.get("quantity") or 1))))
    return chosen


# Customers ---------------------------------------------------------------------------------


def customer_create(feed: ChangeFeed, shop: Shop, change: dict[str, Any]) -> Record:
    at = feed.tick(shop)
    fields = {k: change[k] for k in CUSTOMER_FIELDS if k in change}
    record = build.new_customer(shop, template(shop, "customers"), shop.next_id(), fields, at)
    record["email_marketing_consent"] = {
        "state": "subscribed" if change.get("accepts_marketing") else "not_subscribed",
        "opt_in_level": "single_opt_in",
        "consent_updated_at": iso(at),
    }
    shop.customers[record["id"]] = record
    feed.emit(shop, "customers/create", shop.as_webhook_body("customers", record), at)
    # Current customers/* bodies carry no consent: Shopify sends it on its own topic.
    consent = {
        "customer_id": record["id"],
        "email_address": record["email"],
        "email_marketing_consent": dict(record["email_marketing_consent"]),
    }
    feed.emit(shop, "customers_email_marketing_consent/update", consent, at)
    return record


def customer_update(feed: ChangeFeed, shop: Shop, change: dict[str, Any]) -> Record:
    record = build.clone(find(shop, "customers", change))
    at = feed.tick(shop)
    record.update({k: change[k] for k in CUSTOMER_FIELDS if k in change}, updated_at=iso(at))
    shop.customers[record["id"]] = record
    feed.emit(shop, "customers/update", shop.as_webhook_body("customers", record), at)
    return record


def touch_customer(feed: ChangeFeed, shop: Shop, customer_id: int | None, at: datetime) -> None:
    """An order changes its customer too (last order, spend): Shopify sends customers/update."""
    record = shop.customers.get(customer_id) if customer_id else None
    if record is not None:
        record = {**record, "updated_at": iso(at)}
        shop.customers[record["id"]] = record
        feed.emit(shop, "customers/update", shop.as_webhook_body("customers", record), at)


def customer_delete(feed: ChangeFeed, shop: Shop, change: dict[str, Any]) -> Record:
    record = find(shop, "customers", change)
    if any((o.get("customer") or {}).get("id") == record["id"] for o in shop.orders.values()):
        raise ChangeError("a customer with orders cannot be deleted")
    at = feed.tick(shop)
    del shop.customers[record["id"]]
    body = {"id": record["id"], "tax_exemptions": [], "admin_graphql_api_id": record["admin_graphql_api_id"]}
    feed.emit(shop, "customers/delete", body, at)
    return body


# Orders ------------------------------------------------------------------------------------


def next_order_number(shop: Shop) -> int:
    return max((int(o.get("order_number") or 1000) for o in shop.orders.values()), default=1000) + 1


def order_create(feed: ChangeFeed, shop: Shop, change: dict[str, Any]) -> Record:
    customer = find(shop, "customers", change, "customer_id") if change.get("customer_id") else None
    chosen = basket(shop, change.get("lines"))
    at = feed.tick(shop)
    order = build.new_order(shop, template(shop, "orders"), customer, chosen, next_order_number(shop), at)
    order = apply_order_options(shop, order, customer, change)  # discount code, attributes, addresses
    shop.orders[order["id"]] = order
    event = str(uuid.uuid4())  # one merchant action, several topics
    feed.emit(shop, "orders/create", order, at, event)
    feed.emit(shop, "orders/paid", order, at, event)
    touch_customer(feed, shop, customer["id"] if customer else None, at)
    return order


def order_changed(feed: ChangeFeed, shop: Shop, order: Record, topic: str, at: datetime) -> Record:
    shop.orders[order["id"]] = order
    event = str(uuid.uuid4())
    feed.emit(shop, topic, order, at, event)
    feed.emit(shop, "orders/updated", order, at, event)
    return order


def order_fulfil(feed: ChangeFeed, shop: Shop, change: dict[str, Any]) -> Record:
    order = find(shop, "orders", change)
    if order.get("cancelled_at") or order.get("fulfillment_status") == "fulfilled":
        raise ChangeError("the order is cancelled or already fulfilled")
    at = feed.tick(shop)
    return order_changed(feed, shop, build.fulfilled(shop, order, at), "orders/fulfilled", at)


def order_cancel(feed: ChangeFeed, shop: Shop, change: dict[str, Any]) -> Record:
    order = find(shop, "orders", change)
    if order.get("cancelled_at") or order.get("fulfillment_status") or order.get("refunds"):
        raise ChangeError("only an open, unfulfilled, unrefunded order can be cancelled here")
    at = feed.tick(shop)
    order = order_changed(
        feed, shop, build.cancelled(order, change.get("reason") or "customer", at), "orders/cancelled", at
    )
    touch_customer(feed, shop, (order.get("customer") or {}).get("id"), at)
    return order


def order_refund(feed: ChangeFeed, shop: Shop, change: dict[str, Any]) -> Record:
    order = find(shop, "orders", change)
    open_lines = [
        line for line in order["line_items"] if int(line.get("current_quantity", line["quantity"])) > 0
    ]
    if order.get("cancelled_at") or not open_lines:
        raise ChangeError("nothing left to refund on this order")
    wanted = change.get("line_item_id")
    line = next((li for li in open_lines if li["id"] == wanted), open_lines[0])
    at = feed.tick(shop)
    order, refund = build.refunded(shop, order, line, at)
    shop.orders[order["id"]] = order
    event = str(uuid.uuid4())
    feed.emit(shop, "refunds/create", refund, at, event)
    feed.emit(shop, "orders/updated", order, at, event)
    return refund


# Checkouts ---------------------------------------------------------------------------------


def checkout_create(feed: ChangeFeed, shop: Shop, change: dict[str, Any]) -> Record:
    customer = find(shop, "customers", change, "customer_id")
    chosen = basket(shop, change.get("lines"))
    at = feed.tick(shop)
    checkout = build.new_checkout(shop, template(shop, "checkouts"), customer, chosen, at)
    shop.checkouts[checkout["id"]] = checkout
    feed.emit(shop, "checkouts/create", checkout, at)
    return checkout


def checkout_update(feed: ChangeFeed, shop: Shop, change: dict[str, Any]) -> Record:
    checkout = build.clone(find(shop, "checkouts", change))
    at = feed.tick(shop)
    checkout.update(email=change.get("email", checkout.get("email")), updated_at=iso(at))
    shop.checkouts[checkout["id"]] = checkout
    feed.emit(shop, "checkouts/update", checkout, at)
    return checkout


def checkout_complete(feed: ChangeFeed, shop: Shop, change: dict[str, Any]) -> Record:
    """The buyer comes back and pays: an order is created and the checkout deleted."""
    checkout = find(shop, "checkouts", change)
    customer_id = (checkout.get("customer") or {}).get("id")
    lines = [{"variant_id": li["variant_id"], "quantity": li["quantity"]} for li in checkout["line_items"]]
    order = order_create(
        feed, shop, {"customer_id": customer_id if customer_id in shop.customers else None, "lines": lines}
    )
    at = feed.tick(shop)
    del shop.checkouts[checkout["id"]]
    feed.emit(shop, "checkouts/delete", build.checkout_delete_body(checkout), at)
    return order


# Products ----------------------------------------------------------------------------------


def product_create(feed: ChangeFeed, shop: Shop, change: dict[str, Any]) -> Record:
    at = feed.tick(shop)
    price = Decimal(str(change.get("price") or "19.00"))
    product = build.new_product(
        shop, template(shop, "products"), str(change.get("title") or "New product"), price, at
    )
    shop.products[product["id"]] = product
    feed.emit(shop, "products/create", product, at)
    return product


def product_update(feed: ChangeFeed, shop: Shop, change: dict[str, Any]) -> Record:
    product = build.clone(find(shop, "products", change))
    at = feed.tick(shop)
    product.update({k: change[k] for k in PRODUCT_FIELDS if k in change}, updated_at=iso(at))
    if "price" in change and product.get("variants"):
        product["variants"][0]["price"] = str(Decimal(str(change["price"])).quantize(Decimal("0.01")))
        product["variants"][0]["updated_at"] = iso(at)
    shop.products[product["id"]] = product
    feed.emit(shop, "products/update", product, at)
    return product


def product_delete(feed: ChangeFeed, shop: Shop, change: dict[str, Any]) -> Record:
    product = find(shop, "products", change)
    at = feed.tick(shop)
    del shop.products[product["id"]]
    body = {"id": product["id"]}
    feed.emit(shop, "products/delete", body, at)
    return body


HANDLERS = {
    "customer.create": customer_create,
    "customer.update": customer_update,
    "customer.delete": customer_delete,
    "order.create": order_create,
    "order.fulfil": order_fulfil,
    "order.cancel": order_cancel,
    "order.refund": order_refund,
    "checkout.create": checkout_create,
    "checkout.update": checkout_update,
    "checkout.complete": checkout_complete,
    "product.create": product_create,
    "product.update": product_update,
    "product.delete": product_delete,
}

_FEED_LOCK = threading.Lock()


def change_feed(state: DevstoreState) -> ChangeFeed:
    """The devstore's change feed, created on first use (kept on the state object)."""
    with _FEED_LOCK:
        feed = getattr(state, "_change_feed", None)
        if feed is None:
            feed = ChangeFeed(state)
            state._change_feed = feed  # type: ignore[attr-defined]
        return feed
