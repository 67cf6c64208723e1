"""What a seeding run added, counted for the caller (the dev server's banner, the tests)."""

from __future__ import annotations

from dataclasses import dataclass

from devstore.seeding.context import Seeding
from devstore.seeding.people import Person
from devstore.store import Record


@dataclass(frozen=True)
class SeedSummary:
    """How many records of each kind `seed_shop` added."""

    products: int
    locations: int
    discount_codes: int
    customers: int
    customers_without_orders: int
    orders: int
    test_orders: int
    cancelled_orders: int
    refunded_orders: int
    discounted_orders: int
    checkouts: int


def summarise(
    ctx: Seeding, people: list[Person], orders: list[Record], checkouts: list[Record]
) -> SeedSummary:
    return SeedSummary(
        products=len(ctx.offers),
        locations=len(ctx.locations),
        discount_codes=len(ctx.promos),
        customers=len(people),
        customers_without_orders=sum(1 for p in people if not p.orders),
        orders=len(orders),
        test_orders=sum(1 for o in orders if o["test"]),
        cancelled_orders=sum(1 for o in orders if o["cancelled_at"]),
        refunded_orders=sum(1 for o in orders if o["refunds"]),
        discounted_orders=sum(1 for o in orders if o["discount_codes"]),
        checkouts=len(checkouts),
    )
