"""The seeding run: set up the store, plan every customer's life, then write the records."""

from __future__ import annotations

import contextlib
import gc
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from devstore.seeding.catalogue import add_products
from devstore.seeding.checkouts import add_checkouts, plan_checkouts
from devstore.seeding.contacts import give_addresses, give_consent, give_phone
from devstore.seeding.context import HISTORY_DAYS, Seeding
from devstore.seeding.customers import add_customers
from devstore.seeding.discounts import add_discount_codes
from devstore.seeding.formats import iso
from devstore.seeding.locations import add_locations
from devstore.seeding.orders import add_orders
from devstore.seeding.people import Person, draw_person, give_tags_and_state
from devstore.seeding.purchases import plan_orders
from devstore.seeding.summary import SeedSummary, summarise
from devstore.store import Shop


def seed_shop(
    shop: Shop, *, customers: int = 500, seed: int = 42, now: datetime | None = None
) -> SeedSummary:
    """Add a plausible store's worth of records to `shop`; deterministic for a given seed and now."""
    ctx = Seeding(shop, random.Random(seed), _resolve_now(now))
    with shop.lock, cycle_collector_paused():
        add_locations(ctx)
        add_products(ctx)
        add_discount_codes(ctx)
        people = [plan_person(ctx, index) for index in range(customers)]
        add_customers(ctx, people)
        orders = add_orders(ctx, people)
        checkouts = add_checkouts(ctx, people)
        shop.reserve_ids_above(ctx.last_id)
    return summarise(ctx, people, orders, checkouts)


def make_demo_shop(
    domain: str = "orbit-demo.myshopify.com",
    customers: int = 500,
    seed: int = 42,
    *,
    now: datetime | None = None,
) -> Shop:
    """A new shop for `domain`, seeded; the shop's own id and dates are deterministic too."""
    moment = _resolve_now(now)
    handle = domain.split(".", 1)[0]
    shop = Shop(
        domain=domain,
        id=random.Random(f"shop:{domain}").randrange(10**10, 10**11),
        name=handle.replace("-", " ").title(),
        email=f"owner@{handle}.example.com",
        created_at=iso(moment - timedelta(days=HISTORY_DAYS + 30)),
    )
    seed_shop(shop, customers=customers, seed=seed, now=moment)
    return shop


def plan_person(ctx: Seeding, index: int) -> Person:
    """One customer: identity, acquisition, consent and their whole purchase history.

    The steps run in this order because each draws from the shared random stream: reordering
    them would change every store generated from a given seed.
    """
    person = draw_person(ctx, index)
    give_addresses(ctx, person)
    give_phone(ctx, person)
    give_tags_and_state(ctx, person)
    plan_orders(ctx, person)
    give_consent(ctx, person)
    plan_checkouts(ctx, person)
    return person


@contextlib.contextmanager
def cycle_collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while building millions of small, acyclic dicts.

    Otherwise it rescans the growing heap again and again, which costs about a third of the
    seeding time. The records hold no cycles; the planning objects that do are collected once
    the collector runs again.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _resolve_now(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(UTC).replace(microsecond=0)
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return now.astimezone(UTC)
