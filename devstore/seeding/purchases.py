"""Each customer's orders over time: repeat cycles, drop-out, discount codes and what went wrong."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from devstore.seeding.baskets import Line, first_basket, repeat_basket, wholesale_basket
from devstore.seeding.context import Seeding
from devstore.seeding.data.marketing import CHANNEL_ONE_TIME_BIAS, REPEAT_CHANNELS
from devstore.seeding.draws import pick, random_moment
from devstore.seeding.formats import ZERO
from devstore.store import Record

if TYPE_CHECKING:
    from devstore.seeding.discounts import Promo
    from devstore.seeding.people import Person


@dataclass
class OrderPlan:
    person: Person
    placed_at: datetime
    lines: list[Line]
    source_name: str  # "web", "pos" or "shopify_draft_order"
    channel: str | None  # how the visit arrived; None for shop and draft orders
    first: bool
    promo: Promo | None = None
    test: bool = False
    fate: str | None = None  # "cancelled", "refund_full" or "refund_partial"
    fate_at: datetime | None = None


def plan_orders(ctx: Seeding, person: Person) -> None:
    """The customer's purchases: a first basket, then repeats until they drop out or time ends."""
    if person.kind == "staff":
        plan_test_orders(ctx, person)
    if person.first_order_at is None:
        return
    rng = ctx.rng
    wholesale = person.kind == "wholesale"
    bias = CHANNEL_ONE_TIME_BIAS[person.channel] + (0.3 if person.female else 0.0)
    drop_after_first = 0.05 if wholesale else min(0.95, max(0.05, 0.36 + bias))
    drop_later = 0.04 if wholesale else rng.betavariate(2, 7)
    pace = rng.lognormvariate(0, 0.35)  # some people use things up faster than others
    owned: dict[str, tuple[Record, datetime]] = {}
    moment = person.first_order_at
    while moment <= ctx.now and len(person.orders) < 60:
        first = not person.orders
        if wholesale:
            lines = wholesale_basket(ctx, moment)
        elif first:
            lines = first_basket(ctx, person, moment)
        else:
            lines = repeat_basket(ctx, person, owned, moment)
        person.orders.append(order_plan(ctx, person, moment, lines, first))
        for line in lines:
            owned[line.offer.handle] = (line.variant, moment)
        if rng.random() < (drop_after_first if first else drop_later):
            break
        moment += timedelta(days=next_gap_days(rng, lines, pace, wholesale))


def next_gap_days(rng: random.Random, lines: list[Line], pace: float, wholesale: bool) -> float:
    """Days to the next order: gamma around the shortest replenishment cycle in the basket."""
    cycles = [line.offer.spec.replenish_days for line in lines if line.offer.spec.replenish_days]
    cycle = 45 if wholesale else (min(cycles) if cycles else 110)
    return 1 + rng.gammavariate(4, cycle * pace / 4)


def plan_test_orders(ctx: Seeding, person: Person) -> None:
    """The merchant's own test orders: three on opening day, a couple after theme changes."""
    rng, opened = ctx.rng, ctx.opened_at
    moments = [opened + timedelta(minutes=rng.randint(5, 240)) for _ in range(3)]
    moments += [random_moment(ctx, opened, ctx.now) for _ in range(2)]
    for moment in sorted(moments):
        plan = OrderPlan(person, moment, first_basket(ctx, person, moment), "web", "direct", False)
        plan.test = True
        person.orders.append(plan)
    person.first_order_at = None  # test orders do not make the merchant a customer


def order_plan(ctx: Seeding, person: Person, moment: datetime, lines: list[Line], first: bool) -> OrderPlan:
    rng = ctx.rng
    if person.kind == "wholesale" and rng.random() < 0.7:
        source, channel = "shopify_draft_order", None
    elif person.local and rng.random() < 0.3:
        source, channel = "pos", None
    else:
        source = "web"
        channel = person.channel if first else pick(rng, REPEAT_CHANNELS)
    plan = OrderPlan(person, moment, lines, source, channel, first)
    if person.kind != "wholesale":
        plan.promo = choose_promo(ctx, plan)
    plan.fate, plan.fate_at = choose_fate(ctx, plan)
    return plan


def choose_promo(ctx: Seeding, plan: OrderPlan) -> Promo | None:
    """Discount codes: seasonal sales, the welcome code after signing up, win-back emails."""
    rng, person = ctx.rng, plan.person
    eagerness = 3.0 if person.deal_seeker else 1.0
    active = [p for p in ctx.promos if p.active(plan.placed_at)]
    chosen = None
    seasonal = [p for p in active if p.purpose == "seasonal"]
    welcome = [p for p in active if p.purpose == "welcome"]
    winback = [p for p in active if p.purpose == "winback"]
    if seasonal and rng.random() < 0.22 * eagerness:
        chosen = seasonal[-1]
    elif plan.first and welcome:
        newsletter = person.signup == "newsletter"
        if rng.random() < (0.45 if newsletter else 0.015 * eagerness):
            chosen = welcome[0]
    elif not plan.first and winback and rng.random() < 0.025 * eagerness:
        chosen = winback[0]
    items_total = sum((line.gross for line in plan.lines), ZERO)
    if chosen is not None and items_total < chosen.minimum:
        return None
    return chosen


def choose_fate(ctx: Seeding, plan: OrderPlan) -> tuple[str | None, datetime | None]:
    """About 1.5% cancelled, 1.5% refunded in full and 2.5% in part, if there was time."""
    rng = ctx.rng
    roll = rng.random()
    if roll < 0.015:
        return "cancelled", min(ctx.now, plan.placed_at + timedelta(minutes=rng.randint(10, 1200)))
    if roll >= 0.055:
        return None, None
    fate = "refund_full" if roll < 0.03 else "refund_partial"
    if fate == "refund_partial" and sum(line.quantity for line in plan.lines) < 2:
        fate = "refund_full"
    at = plan.placed_at + timedelta(days=rng.randint(4, 30), seconds=rng.randint(0, 86399))
    return (fate, at) if at <= ctx.now else (None, None)
