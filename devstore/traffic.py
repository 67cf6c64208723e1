"""A traffic generator: realistic store activity, deterministic for a seed, as webhooks.

Each step draws one kind of change from a fixed mix (new sign-ups, repeat orders of existing
customers, guest orders, fulfilments, refunds, cancellations, checkouts abandoned, updated or
completed, product edits, the odd deleted lead) and applies it through `ChangeFeed`, so the
app hears about it exactly as it would from Shopify. Targets are drawn from the shop's
current records in id order, so the same seed on the same shop gives the same changes.
"""

from __future__ import annotations

import random
from collections import Counter
from typing import Any

from devstore.changes import ChangeError, ChangeFeed
from devstore.discount_orders import with_referral
from devstore.seeding.data.names import EMAIL_DOMAINS, FEMALE_FIRST_NAMES, LAST_NAMES, MALE_FIRST_NAMES
from devstore.store import Record, Shop

MIX = {
    "customer.create": 12,
    "customer.update": 7,
    "customer.delete": 1,
    "order.create": 30,
    "order.guest": 2,
    "order.fulfil": 12,
    "order.refund": 5,
    "order.cancel": 4,
    "checkout.create": 10,
    "checkout.update": 3,
    "checkout.complete": 4,
    "product.update": 4,
    "product.create": 1,
}
NOTES = ("Prefers email contact", "Wholesale enquiry", "Gift buyer", None, "Asked about beard oil refills")


class Traffic:
    def __init__(self, feed: ChangeFeed, shop: Shop, seed: int) -> None:
        self.feed, self.shop = feed, shop
        self.rng = random.Random(seed)
        self.kinds = list(MIX)
        self.weights = [MIX[k] for k in self.kinds]
        self.serial = 0

    def pick(self, records: dict[int, Record], keep=lambda r: True) -> Record | None:
        candidates = [records[k] for k in sorted(records) if keep(records[k])]
        return self.rng.choice(candidates) if candidates else None

    def lines(self) -> list[dict[str, int]]:
        products = [p for _, p in sorted(self.shop.products.items()) if p.get("variants")]
        chosen = self.rng.sample(products, k=min(len(products), self.rng.choice((1, 1, 2, 3))))
        return [
            {"variant_id": self.rng.choice(p["variants"])["id"], "quantity": self.rng.choice((1, 1, 1, 2))}
            for p in chosen
        ]

    def change(self) -> dict[str, Any] | None:
        kind = self.rng.choices(self.kinds, self.weights)[0]
        shop, rng = self.shop, self.rng
        if kind == "customer.create":
            self.serial += 1
            first = rng.choice(MALE_FIRST_NAMES if rng.random() < 0.8 else FEMALE_FIRST_NAMES)
            last = rng.choice(LAST_NAMES)
            email = f"{first}.{last}.{self.serial}.{rng.randrange(10**6)}@{rng.choice(EMAIL_DOMAINS)}".lower()
            subscribes = rng.random() < 0.4
            return {
                "kind": kind,
                "first_name": first,
                "last_name": last,
                "email": email,
                "accepts_marketing": subscribes,
            }
        if kind == "customer.update":
            customer = self.pick(shop.customers)
            note = rng.choice(NOTES)
            return customer and {"kind": kind, "id": customer["id"], "note": note, "state": "enabled"}
        if kind == "customer.delete":
            buyers = {(o.get("customer") or {}).get("id") for o in shop.orders.values()}
            buyers |= {(c.get("customer") or {}).get("id") for c in shop.checkouts.values()}
            lead = self.pick(shop.customers, lambda c: c["id"] not in buyers)
            return lead and {"kind": kind, "id": lead["id"]}
        if kind in ("order.create", "order.guest"):
            customer = self.pick(shop.customers) if kind == "order.create" else None
            wanted = {"kind": "order.create", "customer_id": customer and customer["id"]}
            wanted["lines"] = self.lines()
            return with_referral(wanted, shop, customer, rng)  # draws only if the shop has referral codes
        if kind == "order.fulfil":
            order = self.pick(
                shop.orders, lambda o: not o.get("cancelled_at") and not o.get("fulfillment_status")
            )
            return order and {"kind": kind, "id": order["id"]}
        if kind == "order.refund":
            order = self.pick(
                shop.orders, lambda o: not o.get("cancelled_at") and o.get("financial_status") == "paid"
            )
            return order and {"kind": kind, "id": order["id"]}
        if kind == "order.cancel":
            order = self.pick(
                shop.orders,
                lambda o: (
                    not o.get("cancelled_at") and not o.get("fulfillment_status") and not o.get("refunds")
                ),
            )
            return order and {
                "kind": kind,
                "id": order["id"],
                "reason": rng.choice(("customer", "inventory")),
            }
        if kind == "checkout.create":
            customer = self.pick(shop.customers)
            return customer and {"kind": kind, "customer_id": customer["id"], "lines": self.lines()}
        if kind in ("checkout.update", "checkout.complete"):
            checkout = self.pick(shop.checkouts, lambda c: not c.get("completed_at"))
            return checkout and {"kind": kind, "id": checkout["id"]}
        if kind == "product.update":
            product = self.pick(shop.products)
            if product is None:
                return None
            price = (product.get("variants") or [{}])[0].get("price") or "10.00"
            bump = rng.choice(("-1.00", "1.00", "2.00"))
            return {"kind": kind, "id": product["id"], "price": str(max(1, float(price) + float(bump)))}
        self.serial += 1
        return {
            "kind": "product.create",
            "title": f"Limited batch {self.serial}",
            "price": rng.choice(("14", "24")),
        }


def run_traffic(feed: ChangeFeed, shop: Shop, changes: int, seed: int) -> dict[str, int]:
    """Apply `changes` changes and send their webhooks; counts of what was done, by kind."""
    traffic = Traffic(feed, shop, seed)
    counts: Counter[str] = Counter()
    for _ in range(changes):
        with shop.lock:
            change = traffic.change()
            if change is None:
                counts["skipped"] += 1
                continue
            try:
                feed.apply(shop, change)
                counts[change["kind"]] += 1
            except ChangeError:
                counts["skipped"] += 1
    return dict(counts)
