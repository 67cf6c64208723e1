"""What goes in a basket: a first basket, buy-again of what runs out, companions and wholesale."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from devstore.seeding.catalogue import Offer, Shelf, shelf_on
from devstore.seeding.context import Seeding
from devstore.store import Record

if TYPE_CHECKING:
    from devstore.seeding.people import Person


@dataclass
class Line:
    offer: Offer
    variant: Record
    quantity: int

    @property
    def gross(self) -> Decimal:
        return Decimal(self.variant["price"]) * self.quantity


def first_basket(ctx: Seeding, person: Person, moment: datetime) -> list[Line]:
    """An anchor from the favourite category, then what usually goes with it."""
    rng, shelf = ctx.rng, shelf_on(ctx, moment)
    offers = shelf.offers
    category = person.favourite
    if moment.month in (11, 12) and rng.random() < 0.25:  # holiday gifting
        category = "Gift Sets"
    pool = [o for o in offers if o.spec.product_type == category] or offers
    anchor = rng.choices(pool, weights=[o.spec.popularity for o in pool])[0]
    lines = [new_line(rng, anchor, None)]
    add_companions(rng, lines, anchor, shelf.by_handle)
    return lines


def repeat_basket(
    ctx: Seeding, person: Person, owned: dict[str, tuple[Record, datetime]], moment: datetime
) -> list[Line]:
    """Mostly buy-again of what is running out, sometimes something new that fits."""
    rng, shelf = ctx.rng, shelf_on(ctx, moment)
    by_handle = shelf.by_handle
    due = []
    for handle, (variant, last) in owned.items():
        offer = by_handle.get(handle)
        if offer is not None and offer.spec.replenish_days:
            due.append(((moment - last).days / offer.spec.replenish_days, offer, variant))
    due.sort(key=lambda item: item[0], reverse=True)
    lines: list[Line] = []
    for rank, (ratio, offer, variant) in enumerate(due):
        if (rank == 0 and rng.random() < 0.8) or (ratio >= 0.8 and rng.random() < 0.35):
            lines.append(new_line(rng, offer, variant))
    if not lines or rng.random() < 0.3:
        novelty = something_new(rng, person, owned, shelf)
        if novelty is not None:
            lines.append(new_line(rng, novelty, None))
            add_companions(rng, lines, novelty, by_handle, chance=0.25)
    return lines or first_basket(ctx, person, moment)


def something_new(
    rng: random.Random,
    person: Person,
    owned: dict[str, tuple[Record, datetime]],
    shelf: Shelf,
) -> Offer | None:
    """A product not bought before: a companion of something owned, else the favourite category."""
    by_handle = shelf.by_handle
    companions = [
        by_handle[h]
        for owned_handle in owned
        if owned_handle in by_handle
        for h in by_handle[owned_handle].spec.companions
        if h in by_handle and h not in owned
    ]
    if companions and rng.random() < 0.6:
        return rng.choice(companions)
    fresh = [o for o in shelf.offers if o.handle not in owned]
    favourite = [o for o in fresh if o.spec.product_type == person.favourite]
    pool = favourite if favourite and rng.random() < 0.6 else fresh
    if not pool:
        return None
    return rng.choices(pool, weights=[o.spec.popularity for o in pool])[0]


def add_companions(
    rng: random.Random,
    lines: list[Line],
    anchor: Offer,
    by_handle: dict[str, Offer],
    chance: float = 0.45,
) -> None:
    """Co-purchase structure: each product's companions join the basket with falling odds."""
    in_basket = {line.offer.handle for line in lines}
    for position, handle in enumerate(anchor.spec.companions):
        offer = by_handle.get(handle)
        odds = chance if position == 0 else chance / 2
        if offer is not None and handle not in in_basket and rng.random() < odds:
            lines.append(new_line(rng, offer, None))
            in_basket.add(handle)
    impulse = by_handle.get("lip-balm")
    if impulse is not None and "lip-balm" not in in_basket and rng.random() < 0.05:
        lines.append(new_line(rng, impulse, None))


def wholesale_basket(ctx: Seeding, moment: datetime) -> list[Line]:
    rng = ctx.rng
    consumables = [o for o in shelf_on(ctx, moment).offers if o.spec.replenish_days]
    chosen = rng.sample(consumables, k=min(len(consumables), rng.randint(2, 5)))
    return [Line(o, o.record["variants"][0], rng.choice((6, 12, 12, 24))) for o in chosen]


def new_line(rng: random.Random, offer: Offer, variant: Record | None) -> Line:
    """A basket line; people stay with the scent or size they had before."""
    variants = offer.record["variants"]
    if variant is None or rng.random() < 0.15:
        variant = rng.choices(variants, weights=range(len(variants) + 1, 1, -1))[0]
    quantity = 1
    if offer.spec.replenish_days and rng.random() < 0.12:
        quantity = 2 if rng.random() < 0.85 else 3
    return Line(offer, variant, quantity)
