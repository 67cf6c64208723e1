"""Who the customers are and how they came: kind, name, sign-up, dates, channel and merchant tags."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from devstore.seeding.context import Seeding
from devstore.seeding.data.marketing import ACQUISITION_CHANNELS
from devstore.seeding.data.names import EMAIL_DOMAINS, FEMALE_FIRST_NAMES, LAST_NAMES, MALE_FIRST_NAMES
from devstore.seeding.data.notes import CUSTOMER_NOTES
from devstore.seeding.data.products import CATEGORY_WEIGHTS
from devstore.seeding.draws import pick, random_moment
from devstore.store import Record

if TYPE_CHECKING:
    from devstore.seeding.checkouts import CheckoutPlan
    from devstore.seeding.data.places import City
    from devstore.seeding.purchases import OrderPlan

AGE_BANDS = {"18-24": 15, "25-34": 35, "35-44": 28, "45-54": 14, "55+": 8}


@dataclass
class Address:
    city: City
    address1: str
    address2: str | None
    zip: str
    latitude: float
    longitude: float


@dataclass
class Person:
    kind: str  # "staff", "wholesale", "buyer", or a lead: "newsletter", "account", "abandoner"
    first_name: str
    last_name: str
    female: bool
    email: str
    created_at: datetime
    first_order_at: datetime | None
    signup: str | None  # "newsletter" or "account" when they signed up before buying
    channel: str  # acquisition channel of their first visit
    favourite: str  # the product type their first basket is built around
    deal_seeker: bool
    addresses: list[Address] = field(default_factory=list)
    phone: str | None = None
    tags: list[str] = field(default_factory=list)
    note: str | None = None
    state: str = "disabled"
    email_consent: Record = field(default_factory=dict)
    sms_consent: Record | None = None
    consent_changed: list[datetime] = field(default_factory=list)
    local: bool = False
    orders: list[OrderPlan] = field(default_factory=list)
    checkouts: list[CheckoutPlan] = field(default_factory=list)
    record: Record = field(default_factory=dict)

    subscribed_from: datetime | None = None
    unsubscribed_at: datetime | None = None

    def subscribed_at(self, moment: datetime) -> bool:
        """Whether email marketing consent stood at `moment` (for buyer_accepts_marketing)."""
        if self.subscribed_from is None or moment < self.subscribed_from:
            return False
        return self.unsubscribed_at is None or moment < self.unsubscribed_at


def draw_kind(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.015:
        return "wholesale"
    if roll < 0.325:  # about three in ten customers have never ordered
        return pick(rng, {"newsletter": 50, "account": 20, "abandoner": 30})
    return "buyer"


def draw_person(ctx: Seeding, index: int) -> Person:
    """One customer's identity and acquisition; `seeder.plan_person` adds the rest."""
    rng = ctx.rng
    kind = "staff" if index == 0 else draw_kind(rng)
    female = kind not in ("staff", "wholesale") and rng.random() < 0.18
    first_name = rng.choice(FEMALE_FIRST_NAMES if female else MALE_FIRST_NAMES)
    last_name = rng.choice(LAST_NAMES)
    signup = kind if kind in ("newsletter", "account") else None
    if kind == "buyer" and rng.random() < 0.25:
        signup = pick(rng, {"newsletter": 70, "account": 30})
    created_at, first_order_at = plan_dates(ctx, kind, signup)
    favourite = pick(rng, CATEGORY_WEIGHTS)
    if female and rng.random() < 0.5:  # often buying a gift
        favourite = pick(rng, {"Gift Sets": 3, "Accessories": 2, "Fragrance": 2})
    return Person(
        kind=kind,
        first_name=first_name,
        last_name=last_name,
        female=female,
        email=ctx.shop.email if kind == "staff" else unique_email(ctx, first_name, last_name),
        created_at=created_at,
        first_order_at=first_order_at,
        signup=signup,
        channel=pick(rng, {k: w for k, (w, _) in ACQUISITION_CHANNELS.items()}),
        favourite=favourite,
        deal_seeker=rng.random() < 0.12,
    )


def plan_dates(ctx: Seeding, kind: str, signup: str | None) -> tuple[datetime, datetime | None]:
    """When the customer record appeared, and when (if ever) its first order was placed."""
    rng, opened, now = ctx.rng, ctx.opened_at, ctx.now
    if kind == "staff":
        return opened - timedelta(days=3), opened + timedelta(minutes=rng.randint(10, 90))
    if kind in ("buyer", "wholesale") and signup is None:
        # Guest checkout: the customer record is created with the first order.
        first = random_moment(ctx, opened, now - timedelta(hours=1))
        return first - timedelta(seconds=rng.randint(60, 900)), first
    created = random_moment(ctx, opened, now - timedelta(hours=1))
    if kind != "buyer":
        return created, None
    first = created + timedelta(days=rng.expovariate(1 / 25))
    if first > now:
        first = created + (now - created) * rng.random()
    return created, first


def unique_email(ctx: Seeding, first_name: str, last_name: str) -> str:
    rng = ctx.rng
    first, last = (re.sub(r"[^a-z]", "", n.lower()) for n in (first_name, last_name))
    local = rng.choice((f"{first}.{last}", f"{first}{last}", f"{first[0]}{last}", f"{first}_{last}"))
    if rng.random() < 0.3:
        local += str(rng.randint(1, 99))
    domain = rng.choice(EMAIL_DOMAINS)
    email = f"{local}@{domain}"
    while email in ctx.used_emails or email == ctx.shop.email:
        email = f"{local}{rng.randint(100, 9999)}@{domain}"
    ctx.used_emails.add(email)
    return email


def give_tags_and_state(ctx: Seeding, person: Person) -> None:
    """Merchant tags, note and account state; no `orbit:` tags, Orbit writes those itself."""
    rng, tags = ctx.rng, person.tags
    if person.kind == "staff":
        tags.append("staff")
        person.note, person.state = "Store owner's account, used for test orders.", "enabled"
        return
    if person.signup == "newsletter":
        tags.append("newsletter")  # what the theme's newsletter form adds
    if person.kind == "wholesale":
        tags.append("wholesale")
        person.note = "Wholesale account: net 30 terms."
    elif rng.random() < 0.004:
        tags.append("influencer")
    if rng.random() < 0.55:
        tags.extend(profile_quiz_tags(rng, person))
    if person.note is None and rng.random() < 0.03:
        person.note = rng.choice(CUSTOMER_NOTES)
    if person.kind in ("wholesale", "account") or person.signup == "account":
        person.state = "enabled"
    elif person.kind == "buyer":
        person.state = pick(rng, {"enabled": 33, "disabled": 65, "invited": 2})


def profile_quiz_tags(rng: random.Random, person: Person) -> list[str]:
    """Answers to the sign-up grooming quiz, kept as tags because Shopify has no such fields."""
    tags = [f"gender:{'female' if person.female else 'male'}", f"age:{pick(rng, AGE_BANDS)}"]
    if not person.female:
        styles = {"full": 2, "stubble": 1, "clean-shaven": 1}
        if person.favourite == "Beard Care":
            styles = {"full": 8, "stubble": 2, "clean-shaven": 0.2}
        elif person.favourite == "Shaving":
            styles = {"full": 0.3, "stubble": 2, "clean-shaven": 7}
        tags.append(f"beard:{pick(rng, styles)}")
    return tags
