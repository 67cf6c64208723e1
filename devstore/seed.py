"""Fill a devstore shop with a deterministic, plausible men's grooming store (DESIGN 9).

`seed_shop` writes products, locations, discount codes, customers, orders (with refunds and
fulfillments) and abandoned checkouts, each a dict shaped like its Shopify webhook body. The
same `seed` and `now` always give the same data: every random draw comes from one
`random.Random(seed)` and the clock is read only when `now` is omitted.

The store is simulated, not sprinkled: customers are acquired over about two and a half years
(growing, with holiday peaks), buy a first basket built around a favourite category and its
usual companions, then come back after a gamma-distributed gap set by what they bought (beard
oil lasts about 60 days) until they drop out. That gives later analytics real signal: one-time
versus repeat buyers, replenishment cycles, churn, co-purchases and acquisition channels.

Choices worth knowing:
- Timestamps use devstore.store.now_iso's form (UTC, "Z"), not the shop-local offsets Shopify
  prints; both are ISO-8601.
- Shopify has no gender or age fields. About half the customers answered a sign-up quiz, kept as
  merchant tags: "gender:male", "age:25-34", "beard:full" (so "men aged 25-54" is expressible).
- Other merchant tags: "newsletter" (the theme's sign-up form), "wholesale", "influencer", and
  "staff" on the owner's account, which holds the few test orders (test: true).
- Cancelled orders are voided: their current_* totals are zero. Refunds lower current_* totals.
- Nested records (variants, line items, refunds, ...) carry global ids of their own Shopify types.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import math
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from devstore import seed_data as data
from devstore.store import Record, Shop, gid

HISTORY_DAYS = 900  # the store opened this long before `now`
CENT = Decimal("0.01")
ZERO = Decimal("0.00")
FREE_SHIPPING_FROM = Decimal("50.00")
STANDARD_SHIPPING = Decimal("5.95")
EXPRESS_SHIPPING = Decimal("14.95")
LOCAL_RADIUS_KM = 25.0  # customers this close to the flagship sometimes buy in the shop
ONLINE_STORE_APP_ID = 580111  # Shopify's app ids for the Online Store, POS and draft orders
POS_APP_ID = 129785
DRAFT_ORDERS_APP_ID = 1354745
MONTH_WEIGHT = (0.8, 0.85, 0.95, 0.95, 1.0, 1.2, 0.9, 0.9, 0.95, 1.0, 1.5, 1.7)  # Jan..Dec
AGE_BANDS = {"18-24": 15, "25-34": 35, "35-44": 28, "45-54": 14, "55+": 8}


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


# --- Shared state and small helpers -------------------------------------------------------------


@dataclass
class Offer:
    """A product as the simulation sees it: its record and when it could be bought."""

    spec: data.ProductSpec
    record: Record
    on_sale_from: datetime | None  # midnight UTC of its first day on sale; None: a draft
    on_sale_until: datetime | None  # midnight UTC of the day it was archived

    @property
    def handle(self) -> str:
        return self.record["handle"]

    def on_sale(self, day: date) -> bool:
        if self.on_sale_from is None or day < self.on_sale_from.date():
            return False
        return self.on_sale_until is None or day < self.on_sale_until.date()


@dataclass
class Promo:
    code: str
    value_type: str  # "percentage" or "fixed_amount"
    value: Decimal
    purpose: str  # "welcome", "winback" or "seasonal"
    starts: datetime
    ends: datetime | None
    minimum: Decimal = ZERO
    record: Record = field(default_factory=dict)

    def active(self, moment: datetime) -> bool:
        return self.starts <= moment and (self.ends is None or moment < self.ends)


@dataclass
class Shelf:
    """What could be bought on one day."""

    offers: list[Offer]
    by_handle: dict[str, Offer]


@dataclass
class Seeding:
    shop: Shop
    rng: random.Random
    now: datetime
    offers: list[Offer] = field(default_factory=list)
    promos: list[Promo] = field(default_factory=list)
    locations: list[Record] = field(default_factory=list)
    used_emails: set[str] = field(default_factory=set)
    used_phones: set[str] = field(default_factory=set)
    shelves: dict[date, Shelf] = field(default_factory=dict)
    last_id: int = 0

    def __post_init__(self) -> None:
        # Seeding runs under the shop's lock, so it can count ids itself from the shop's next
        # one and reserve them afterwards: the same ids, without a lock round-trip per record.
        self.last_id = self.shop.next_id() - 1

    def next_id(self) -> int:
        self.last_id += 1
        return self.last_id

    @property
    def opened_at(self) -> datetime:
        return self.now - timedelta(days=HISTORY_DAYS)

    @property
    def currency(self) -> str:
        return self.shop.currency

    def offer(self, handle: str) -> Offer | None:
        return next((o for o in self.offers if o.handle == handle), None)


def _resolve_now(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(UTC).replace(microsecond=0)
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return now.astimezone(UTC)


def iso(moment: datetime) -> str:
    """Same form as devstore.store.now_iso: UTC, seconds, 'Z' (every moment here is UTC)."""
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


@functools.lru_cache(maxsize=4096)  # a store's amounts repeat a lot; formatting them is hot
def money(amount: Decimal) -> str:
    return str(amount.quantize(CENT, ROUND_HALF_UP))


def money_set(amount: Decimal, currency: str) -> Record:
    value = money(amount)
    return {
        "shop_money": {"amount": value, "currency_code": currency},
        "presentment_money": {"amount": value, "currency_code": currency},
    }


def allocate(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """Split `total` in proportion to `weights` so that the cent parts add up exactly."""
    if len(weights) <= 1 or not total:  # the common cases: one line, or nothing to split
        return [total] + [ZERO] * (len(weights) - 1) if weights else []
    cents = int((total * 100).to_integral_value(ROUND_HALF_UP))
    weight_sum = sum(weights, ZERO)
    if weight_sum <= 0:
        return [Decimal(cents).scaleb(-2)] + [ZERO] * (len(weights) - 1)
    raw = [cents * w / weight_sum for w in weights]
    parts = [int(r) for r in raw]
    by_remainder = sorted(range(len(raw)), key=lambda i: raw[i] - parts[i], reverse=True)
    for i in by_remainder[: cents - sum(parts)]:
        parts[i] += 1
    return [Decimal(p).scaleb(-2) for p in parts]


def nested_gid(type_name: str, record_id: int) -> str:
    """Global id of a record that lives inside another one (line items, refunds, variants)."""
    return f"gid://shopify/{type_name}/{record_id}"


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def hex_token(rng: random.Random, bits: int = 128) -> str:
    return f"{rng.getrandbits(bits):0{bits // 4}x}"


def pick(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def random_moment(ctx: Seeding, start: datetime, end: datetime) -> datetime:
    """A moment in [start, end] weighted by store growth and the retail calendar."""
    span = (end - start).total_seconds()
    if span <= 0:
        return start
    opened, history = ctx.opened_at, HISTORY_DAYS * 86400
    while True:
        moment = start + timedelta(seconds=int(ctx.rng.random() * span))
        # Growth: a store twice as busy at the end of its history as at the start.
        growth = 0.45 + 0.55 * (moment - opened).total_seconds() / history
        weight = max(growth, 0.45) * MONTH_WEIGHT[moment.month - 1] / 1.7
        if ctx.rng.random() < weight:
            return moment


def midnight(moment: datetime) -> datetime:
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    dlat, dlon = math.radians(lat2 - lat1), math.radians(lon2 - lon1)
    a = (
        math.sin(dlat / 2) ** 2
        + math.cos(math.radians(lat1)) * math.cos(math.radians(lat2)) * math.sin(dlon / 2) ** 2
    )
    return 6371.0 * 2 * math.asin(math.sqrt(a))


# --- Locations, products and discount codes -------------------------------------------------------


def add_locations(ctx: Seeding) -> None:
    for spec in data.LOCATIONS:
        location_id = ctx.next_id()
        opened = iso(ctx.opened_at - timedelta(days=45))
        record = {
            "id": location_id,
            "name": spec["name"],
            "address1": spec["address1"],
            "address2": None,
            "city": spec["city"],
            "zip": spec["zip"],
            "province": spec["province"],
            "country": "US",
            "phone": spec["phone"],
            "created_at": opened,
            "updated_at": opened,
            "country_code": "US",
            "country_name": "United States",
            "province_code": spec["province_code"],
            "legacy": False,
            "active": True,
            "admin_graphql_api_id": gid("locations", location_id),
            "localized_country_name": "United States",
            "localized_province_name": spec["province"],
            "latitude": spec["latitude"],
            "longitude": spec["longitude"],
        }
        ctx.shop.locations[location_id] = record
        ctx.locations.append(record)


def add_products(ctx: Seeding) -> None:
    for index, spec in enumerate(data.PRODUCTS):
        offer = build_offer(ctx, index, spec)
        ctx.shop.products[offer.record["id"]] = offer.record
        ctx.offers.append(offer)


def build_offer(ctx: Seeding, index: int, spec: data.ProductSpec) -> Offer:
    rng = ctx.rng
    launch = midnight(ctx.opened_at + timedelta(days=spec.launch_day))
    created = launch - timedelta(days=rng.randint(5, 40), seconds=rng.randint(0, 86399))
    retired = None
    if spec.retire_day is not None:
        retired = midnight(ctx.opened_at + timedelta(days=spec.retire_day))
    updated = retired or min(ctx.now, launch + timedelta(days=rng.randint(0, 400)))
    if spec.status == "draft":
        created = ctx.now - timedelta(days=rng.randint(3, 30))
        updated = created
    product_id = ctx.next_id()
    variants = [
        variant_record(ctx, product_id, index, position, value, price, created, updated)
        for position, (value, price) in enumerate(spec.variants, start=1)
    ]
    image = image_record(ctx.next_id(), product_id, spec.title, slugify(spec.title), created)
    record = {
        "admin_graphql_api_id": gid("products", product_id),
        "body_html": f"<p>{spec.title}, from {spec.vendor}</p>",
        "created_at": iso(created),
        "handle": slugify(spec.title),
        "id": product_id,
        "product_type": spec.product_type,
        "published_at": iso(launch) if spec.status == "active" else None,
        "template_suffix": None,
        "title": spec.title,
        "updated_at": iso(updated),
        "vendor": spec.vendor,
        "status": spec.status,
        "published_scope": "global",
        "tags": ", ".join(spec.tags),
        "variants": variants,
        "options": [
            {
                "name": spec.option_name,
                "id": ctx.next_id(),
                "product_id": product_id,
                "position": 1,
                "values": [value for value, _ in spec.variants],
            }
        ],
        "images": [image],
        "image": dict(image),
        "variant_gids": [
            {"admin_graphql_api_id": v["admin_graphql_api_id"], "updated_at": v["updated_at"]}
            for v in variants
        ],
        "has_variants_that_requires_components": False,
        "category": None,
    }
    on_sale_from = None if spec.status == "draft" else launch
    return Offer(spec, record, on_sale_from, retired)


def variant_record(
    ctx: Seeding,
    product_id: int,
    product_index: int,
    position: int,
    value: str,
    price: str,
    created: datetime,
    updated: datetime,
) -> Record:
    variant_id = ctx.next_id()
    # A few variants run out, so stock levels are not all alike.
    stock = 0 if ctx.rng.random() < 0.05 else ctx.rng.randint(8, 400)
    return {
        "admin_graphql_api_id": nested_gid("ProductVariant", variant_id),
        "barcode": None,
        "compare_at_price": None,
        "created_at": iso(created),
        "id": variant_id,
        "inventory_policy": "deny",
        "position": position,
        "price": price,
        "product_id": product_id,
        "sku": f"ORB-{product_index + 1:03d}-{position}",
        "taxable": True,
        "title": value,
        "updated_at": iso(updated),
        "option1": value,
        "option2": None,
        "option3": None,
        "image_id": None,
        "inventory_item_id": ctx.next_id(),
        "inventory_quantity": stock,
        "old_inventory_quantity": stock,
        "requires_shipping": True,
    }


def image_record(image_id: int, product_id: int, title: str, handle: str, created: datetime) -> Record:
    return {
        "id": image_id,
        "product_id": product_id,
        "position": 1,
        "created_at": iso(created),
        "updated_at": iso(created),
        "alt": title,
        "width": 2048,
        "height": 2048,
        "src": f"https://cdn.shopify.com/s/files/1/0000/0001/files/{handle}.jpg",
        "variant_ids": [],
        "admin_graphql_api_id": nested_gid("ProductImage", image_id),
    }


def add_discount_codes(ctx: Seeding) -> None:
    for promo in plan_promos(ctx):
        code_id = ctx.next_id()
        promo.record = {
            "id": code_id,
            "price_rule_id": ctx.next_id(),
            "code": promo.code,
            "usage_count": 0,  # counted once the orders exist
            "created_at": iso(promo.starts - timedelta(days=2)),
            "updated_at": iso(promo.starts - timedelta(days=2)),
            "title": promo.code,
            "value_type": promo.value_type,
            "value": f"-{promo.value:.1f}",
            "prerequisite_subtotal_range": (
                {"greater_than_or_equal_to": f"{promo.minimum:.1f}"} if promo.minimum else None
            ),
            "starts_at": iso(promo.starts),
            "ends_at": iso(promo.ends) if promo.ends else None,
            "status": "ACTIVE" if promo.active(ctx.now) else "EXPIRED",
            "admin_graphql_api_id": gid("discount_codes", code_id),
        }
        ctx.shop.discount_codes[code_id] = promo.record
        ctx.promos.append(promo)


def plan_promos(ctx: Seeding) -> list[Promo]:
    """Evergreen welcome and win-back codes, an early campaign, and yearly seasonal codes."""
    opened = ctx.opened_at
    promos = [
        Promo("WELCOME10", "percentage", Decimal(10), "welcome", opened, None),
        Promo("TAKE5", "fixed_amount", Decimal(5), "winback", opened, None, Decimal(40)),
        Promo(
            "BEARDSEASON",
            "percentage",
            Decimal(20),
            "seasonal",
            opened + timedelta(days=30),
            opened + timedelta(days=75),
        ),
    ]
    for year in range(opened.year, ctx.now.year + 1):
        short = str(year)[2:]
        windows = [
            (f"DAD{short}", Decimal(15), datetime(year, 6, 1, 4, tzinfo=UTC), 16),
            (f"BFCM{short}", Decimal(20), datetime(year, 11, 22, 5, tzinfo=UTC), 11),
        ]
        for code, value, starts, days in windows:
            if opened <= starts < ctx.now:
                promos.append(Promo(code, "percentage", value, "seasonal", starts, starts + timedelta(days)))
    return sorted(promos, key=lambda p: p.starts)


# --- People: who they are and how they came --------------------------------------------------------


@dataclass
class Address:
    city: data.City
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


def plan_person(ctx: Seeding, index: int) -> Person:
    """One customer: identity, acquisition, consent and their whole purchase history."""
    rng = ctx.rng
    kind = "staff" if index == 0 else draw_kind(rng)
    female = kind not in ("staff", "wholesale") and rng.random() < 0.18
    first_name = rng.choice(data.FEMALE_FIRST_NAMES if female else data.MALE_FIRST_NAMES)
    last_name = rng.choice(data.LAST_NAMES)
    signup = kind if kind in ("newsletter", "account") else None
    if kind == "buyer" and rng.random() < 0.25:
        signup = pick(rng, {"newsletter": 70, "account": 30})
    created_at, first_order_at = plan_dates(ctx, kind, signup)
    favourite = pick(rng, data.CATEGORY_WEIGHTS)
    if female and rng.random() < 0.5:  # often buying a gift
        favourite = pick(rng, {"Gift Sets": 3, "Accessories": 2, "Fragrance": 2})
    person = Person(
        kind=kind,
        first_name=first_name,
        last_name=last_name,
        female=female,
        email=ctx.shop.email if kind == "staff" else unique_email(ctx, first_name, last_name),
        created_at=created_at,
        first_order_at=first_order_at,
        signup=signup,
        channel=pick(rng, {k: w for k, (w, _) in data.ACQUISITION_CHANNELS.items()}),
        favourite=favourite,
        deal_seeker=rng.random() < 0.12,
    )
    give_addresses(ctx, person)
    give_phone(ctx, person)
    give_tags_and_state(ctx, person)
    plan_orders(ctx, person)
    give_consent(ctx, person)
    plan_checkouts(ctx, person)
    return person


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
    domain = rng.choice(data.EMAIL_DOMAINS)
    email = f"{local}@{domain}"
    while email in ctx.used_emails or email == ctx.shop.email:
        email = f"{local}{rng.randint(100, 9999)}@{domain}"
    ctx.used_emails.add(email)
    return email


def give_addresses(ctx: Seeding, person: Person) -> None:
    rng = ctx.rng
    chance = {"newsletter": 0.1, "account": 0.4}.get(person.kind, 1.0)
    if rng.random() >= chance:
        return
    flagship = data.LOCATIONS[0]
    if person.kind == "staff":
        city = data.CITIES[0]
    else:
        city = rng.choices(data.CITIES, cum_weights=CITY_CUM_WEIGHTS)[0]
    person.addresses.append(random_address(rng, city))
    if person.kind in ("buyer", "wholesale") and rng.random() < 0.08:  # a work address
        person.addresses.append(random_address(rng, city))
    home = person.addresses[0]
    near = distance_km(home.latitude, home.longitude, flagship["latitude"], flagship["longitude"])
    person.local = near <= LOCAL_RADIUS_KM


CITY_CUM_WEIGHTS = [sum(c.weight for c in data.CITIES[: i + 1]) for i in range(len(data.CITIES))]


def random_address(rng: random.Random, city: data.City) -> Address:
    return Address(
        city=city,
        address1=f"{rng.randint(1, 2999)} {rng.choice(data.STREET_NAMES)}",
        address2=f"Apt {rng.randint(1, 30)}{rng.choice('ABCD')}" if rng.random() < 0.3 else None,
        zip=f"{city.zip_prefix}{rng.randint(1, 99):02d}",
        # Scatter homes around the city centre (a few km) so distances differ.
        latitude=round(city.latitude + rng.gauss(0, 0.03), 6),
        longitude=round(city.longitude + rng.gauss(0, 0.04), 6),
    )


def give_phone(ctx: Seeding, person: Person) -> None:
    rng = ctx.rng
    chance = {"staff": 1.0, "buyer": 0.45, "wholesale": 0.9}.get(person.kind, 0.15)
    if rng.random() >= chance:
        return
    city = person.addresses[0].city if person.addresses else rng.choice(data.CITIES)
    phone = f"+1{city.area_code}555{rng.randint(0, 9999):04d}"
    while phone in ctx.used_phones:  # Shopify keeps customer phones unique
        phone = f"+1{city.area_code}555{rng.randint(0, 9999):04d}"
    ctx.used_phones.add(phone)
    person.phone = phone


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
        person.note = rng.choice(data.CUSTOMER_NOTES)
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


def give_consent(ctx: Seeding, person: Person) -> None:
    """Email and SMS marketing consent in the Admin API's shape, dated when it was given."""
    rng = ctx.rng
    chance = {"staff": 1.0, "newsletter": 1.0, "account": 0.35, "abandoner": 0.3}.get(person.kind, 0.45)
    if person.signup == "newsletter":
        chance = 1.0
    consent_at = person.created_at if person.signup else person.first_order_at or person.created_at
    person.email_consent = {
        "state": "not_subscribed",
        "opt_in_level": "single_opt_in",
        "consent_updated_at": None,
    }
    if rng.random() < chance:
        confirmed = person.signup == "newsletter" and rng.random() < 0.4
        person.email_consent = {
            "state": "subscribed",
            "opt_in_level": "confirmed_opt_in" if confirmed else "single_opt_in",
            "consent_updated_at": iso(consent_at),
        }
        person.consent_changed.append(consent_at)
        person.subscribed_from = consent_at
        if person.kind != "staff" and rng.random() < 0.1:
            left = consent_at + (ctx.now - consent_at) * rng.random()
            person.unsubscribed_at = left
            person.email_consent = {
                "state": "unsubscribed",
                "opt_in_level": "single_opt_in",
                "consent_updated_at": iso(left),
            }
            person.consent_changed.append(left)
    if person.phone is not None:
        person.sms_consent = sms_consent(rng, person, consent_at)


def sms_consent(rng: random.Random, person: Person, moment: datetime) -> Record:
    if rng.random() < 0.25:
        person.consent_changed.append(moment)
        return {
            "state": "subscribed",
            "opt_in_level": "single_opt_in",
            "consent_updated_at": iso(moment),
            "consent_collected_from": "shopify",
        }
    return {
        "state": "not_subscribed",
        "opt_in_level": "single_opt_in",
        "consent_updated_at": None,
        "consent_collected_from": "other",
    }


# --- Purchases: baskets, repeat cycles and what happened to each order -------------------------------


@dataclass
class Line:
    offer: Offer
    variant: Record
    quantity: int

    @property
    def gross(self) -> Decimal:
        return Decimal(self.variant["price"]) * self.quantity


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


@dataclass
class CheckoutPlan:
    person: Person
    created_at: datetime
    lines: list[Line]
    channel: str


def plan_orders(ctx: Seeding, person: Person) -> None:
    """The customer's purchases: a first basket, then repeats until they drop out or time ends."""
    if person.kind == "staff":
        plan_test_orders(ctx, person)
    if person.first_order_at is None:
        return
    rng = ctx.rng
    wholesale = person.kind == "wholesale"
    bias = data.CHANNEL_ONE_TIME_BIAS[person.channel] + (0.3 if person.female else 0.0)
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
        channel = person.channel if first else pick(rng, data.REPEAT_CHANNELS)
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


def shelf_on(ctx: Seeding, moment: datetime) -> Shelf:
    day = moment.date()
    shelf = ctx.shelves.get(day)
    if shelf is None:
        offers = [offer for offer in ctx.offers if offer.on_sale(day)]
        shelf = ctx.shelves[day] = Shelf(offers, {offer.handle: offer for offer in offers})
    return shelf


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


def plan_checkouts(ctx: Seeding, person: Person) -> None:
    """Abandoned checkouts: every abandoner lead, some other leads, some buyers between orders."""
    rng = ctx.rng
    moments: list[datetime] = []
    if person.kind == "abandoner":
        moments.append(person.created_at + timedelta(seconds=rng.randint(5, 120)))
        if rng.random() < 0.25:
            moments.append(random_moment(ctx, person.created_at, ctx.now))
    elif person.kind in ("newsletter", "account") and rng.random() < 0.12:
        moments.append(random_moment(ctx, person.created_at, ctx.now))
    elif person.kind == "buyer" and person.first_order_at and rng.random() < 0.22:
        moments.append(random_moment(ctx, person.first_order_at, ctx.now))
    for moment in moments:
        channel = person.channel if moment == moments[0] else pick(rng, data.REPEAT_CHANNELS)
        person.checkouts.append(CheckoutPlan(person, moment, first_basket(ctx, person, moment), channel))


# --- Records: customers -----------------------------------------------------------------------------

# The customer fields an order or checkout body carries (2026-07: no tags, no order counts).
EMBEDDED_CUSTOMER_KEYS = (
    "id", "email", "created_at", "updated_at", "first_name", "last_name", "state", "note",
    "verified_email", "multipass_identifier", "tax_exempt", "phone", "currency", "tax_exemptions",
    "admin_graphql_api_id", "default_address",
)  # fmt: skip


def add_customers(ctx: Seeding, people: list[Person]) -> None:
    # Shopify ids grow with time, so records are numbered in the order they were created.
    for person in sorted(people, key=lambda p: p.created_at):
        person.record = customer_record(ctx, person)
        ctx.shop.customers[person.record["id"]] = person.record


def customer_record(ctx: Seeding, person: Person) -> Record:
    customer_id = ctx.next_id()
    addresses = [
        address_record(person, address, ctx.next_id(), customer_id, position == 0)
        for position, address in enumerate(person.addresses)
    ]
    touched = [person.created_at, *person.consent_changed]
    touched += [o.placed_at for o in person.orders] + [c.created_at for c in person.checkouts]
    return {
        "id": customer_id,
        "created_at": iso(person.created_at),
        "updated_at": iso(min(ctx.now, max(touched))),
        "first_name": person.first_name,
        "last_name": person.last_name,
        "state": person.state,
        "note": person.note,
        "verified_email": person.state == "enabled" or ctx.rng.random() < 0.9,
        "multipass_identifier": None,
        "tax_exempt": person.kind == "wholesale",
        "email": person.email,
        "phone": person.phone,
        "currency": ctx.currency,
        "addresses": addresses,
        "tax_exemptions": [],
        "admin_graphql_api_id": gid("customers", customer_id),
        "default_address": dict(addresses[0]) if addresses else None,
        "tags": list(person.tags),
        "email_marketing_consent": person.email_consent,
        "sms_marketing_consent": person.sms_consent,
    }


def address_record(
    person: Person, address: Address, address_id: int, customer_id: int, default: bool
) -> Record:
    return {
        "id": address_id,
        "customer_id": customer_id,
        **order_address(person, address),
        "country_name": "United States",
        "default": default,
    }


def order_address(person: Person, address: Address) -> Record:
    """The address shape orders and checkouts carry (with coordinates, as Shopify geocodes)."""
    city = address.city
    return {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "company": None,
        "address1": address.address1,
        "address2": address.address2,
        "city": city.name,
        "province": city.province,
        "country": "United States",
        "zip": address.zip,
        "phone": person.phone,
        "name": f"{person.first_name} {person.last_name}",
        "province_code": city.province_code,
        "country_code": "US",
        "latitude": address.latitude,
        "longitude": address.longitude,
    }


def embedded_customer(person: Person) -> Record:
    snapshot = {key: person.record[key] for key in EMBEDDED_CUSTOMER_KEYS}
    if snapshot["default_address"] is not None:
        snapshot["default_address"] = dict(snapshot["default_address"])
    return snapshot


# --- Records: orders, refunds and fulfillments ------------------------------------------------------


@dataclass
class PricedLine:
    line: Line
    discount: Decimal
    tax: Decimal
    refunded_quantity: int = 0
    record: Record = field(default_factory=dict)

    @property
    def net(self) -> Decimal:
        return self.line.gross - self.discount


@dataclass
class Pricing:
    lines: list[PricedLine]
    items_total: Decimal
    discount: Decimal
    shipping: Decimal
    tax: Decimal
    tax_rate: Decimal

    @property
    def subtotal(self) -> Decimal:
        return self.items_total - self.discount

    @property
    def total(self) -> Decimal:
        return self.subtotal + self.shipping + self.tax


def price_basket(lines: list[Line], promo: Promo | None, tax_rate: Decimal, shipping: Decimal) -> Pricing:
    """Totals that add up: subtotal = items - discounts; total = subtotal + shipping + tax."""
    gross = [line.gross for line in lines]
    items_total = sum(gross, ZERO)
    discount = ZERO
    if promo is not None and promo.value_type == "percentage":
        discount = (items_total * promo.value / 100).quantize(CENT, ROUND_HALF_UP)
    elif promo is not None:
        discount = min(promo.value, items_total)
    discounts = allocate(discount, gross)
    tax = ((items_total - discount) * tax_rate).quantize(CENT, ROUND_HALF_UP)
    taxes = allocate(tax, [g - d for g, d in zip(gross, discounts, strict=True)])
    priced = [PricedLine(*parts) for parts in zip(lines, discounts, taxes, strict=True)]
    return Pricing(priced, items_total, discount, shipping, tax, tax_rate)


def add_orders(ctx: Seeding, people: list[Person]) -> list[Record]:
    plans = sorted((o for p in people for o in p.orders), key=lambda o: o.placed_at)
    first_number = 1001 + len(ctx.shop.orders)
    records = []
    for number, plan in enumerate(plans, start=first_number):
        record = order_record(ctx, plan, number)
        ctx.shop.orders[record["id"]] = record
        records.append(record)
        if plan.promo is not None:
            plan.promo.record["usage_count"] += 1
    return records


def shipping_for(ctx: Seeding, plan: OrderPlan, items_total: Decimal) -> tuple[str, Decimal]:
    if plan.source_name != "web":
        return "Wholesale Freight", ZERO  # unused for POS, which ships nothing
    if ctx.rng.random() < 0.08:
        return "Express Shipping", EXPRESS_SHIPPING
    if items_total >= FREE_SHIPPING_FROM:
        return "Free Shipping", ZERO
    return "Standard Shipping", STANDARD_SHIPPING


def order_record(ctx: Seeding, plan: OrderPlan, number: int) -> Record:
    rng, shop, person, currency = ctx.rng, ctx.shop, plan.person, ctx.currency
    order_id = ctx.next_id()
    flagship = ctx.locations[0]
    pos = plan.source_name == "pos"
    address = None
    if person.addresses and not pos:
        address = person.addresses[-1] if rng.random() < 0.2 else person.addresses[0]
    tax_city = data.CITIES[0] if pos or address is None else address.city
    tax_rate = ZERO if person.kind == "wholesale" else Decimal(tax_city.tax_rate)
    items_total = sum((line.gross for line in plan.lines), ZERO)
    shipping_title, shipping = shipping_for(ctx, plan, items_total)
    pricing = price_basket(plan.lines, plan.promo, tax_rate, shipping)
    name = f"#{number}"
    mark_refunded_quantities(rng, plan, pricing)
    cancelled = plan.fate == "cancelled"
    fulfilled_at = None
    if not cancelled and not plan.test:
        delay = timedelta(0) if pos else timedelta(hours=rng.randint(12, 72))
        fulfilled_at = plan.placed_at + delay if plan.placed_at + delay <= ctx.now else None
    tax_title = f"{tax_city.province_code} Sales Tax"
    for priced in pricing.lines:
        priced.record = line_item_record(ctx, priced, tax_title, tax_rate, fulfilled_at, cancelled)
    gateways = payment_gateways(rng, plan)
    refunds = []
    refunded = dict.fromkeys(("subtotal", "tax", "discounts", "total"), ZERO)
    if plan.fate in ("refund_full", "refund_partial"):
        refund, refunded = refund_record(ctx, order_id, plan, pricing, gateways[0])
        refunds.append(refund)
    if cancelled:
        current = dict.fromkeys(("subtotal", "tax", "discounts", "total"), ZERO)
    else:
        current = {
            "subtotal": pricing.subtotal - refunded["subtotal"],
            "tax": pricing.tax - refunded["tax"],
            "discounts": pricing.discount - refunded["discounts"],
            "total": pricing.total - refunded["total"],
        }
    token = hex_token(rng)
    updated = max(filter(None, (plan.placed_at, fulfilled_at, plan.fate_at)))
    web = plan.source_name == "web"
    anchor = plan.lines[0].offer
    landing = landing_site(ctx, plan.channel, anchor) if web else None
    referrer = data.ACQUISITION_CHANNELS[plan.channel][1] if web and plan.channel else None
    return {
        "id": order_id,
        "admin_graphql_api_id": gid("orders", order_id),
        "app_id": {"web": ONLINE_STORE_APP_ID, "pos": POS_APP_ID}.get(plan.source_name, DRAFT_ORDERS_APP_ID),
        "browser_ip": f"203.0.113.{rng.randint(1, 254)}" if web else None,
        "buyer_accepts_marketing": person.subscribed_at(plan.placed_at),
        "cancel_reason": (
            pick(rng, {"customer": 6, "inventory": 2, "fraud": 1, "declined": 1}) if cancelled else None
        ),
        "cancelled_at": iso(plan.fate_at) if cancelled and plan.fate_at else None,
        "cart_token": hex_token(rng) if web else None,
        "checkout_id": ctx.next_id() if web else None,
        "checkout_token": hex_token(rng) if web else None,
        "client_details": client_details(rng) if web else None,
        "closed_at": (
            iso(plan.fate_at) if cancelled and plan.fate_at else iso(fulfilled_at) if fulfilled_at else None
        ),
        "confirmation_number": "".join(rng.choices("ABCDEFGHJKLMNPQRSTUVWXYZ23456789", k=9)),
        "confirmed": True,
        "contact_email": person.email,
        "created_at": iso(plan.placed_at),
        "currency": currency,
        "current_subtotal_price": money(current["subtotal"]),
        "current_subtotal_price_set": money_set(current["subtotal"], currency),
        "current_total_additional_fees_set": None,
        "current_total_discounts": money(current["discounts"]),
        "current_total_discounts_set": money_set(current["discounts"], currency),
        "current_total_duties_set": None,
        "current_total_price": money(current["total"]),
        "current_total_price_set": money_set(current["total"], currency),
        "current_total_tax": money(current["tax"]),
        "current_total_tax_set": money_set(current["tax"], currency),
        "customer_locale": "en-US",
        "device_id": None,
        "discount_codes": discount_code_lines(plan.promo, pricing.discount),
        "email": person.email,
        "estimated_taxes": False,
        "financial_status": financial_status(plan),
        "fulfillment_status": "fulfilled" if fulfilled_at else None,
        "landing_site": landing,
        "landing_site_ref": None,
        "location_id": flagship["id"] if pos else None,
        "merchant_of_record_app_id": None,
        "name": name,
        "note": None,
        "note_attributes": survey_answer(rng, plan) if web and plan.first else [],
        "number": number - 1000,
        "order_number": number,
        "order_status_url": (
            f"https://{shop.domain}/{shop.id}/orders/{token}/authenticate?key={hex_token(rng)}"
        ),
        "original_total_additional_fees_set": None,
        "original_total_duties_set": None,
        "payment_gateway_names": gateways,
        "phone": None,
        "po_number": None,
        "presentment_currency": currency,
        "processed_at": iso(plan.placed_at),
        "reference": None,
        "referring_site": referrer,
        "source_identifier": None,
        "source_name": plan.source_name,
        "source_url": None,
        "subtotal_price": money(pricing.subtotal),
        "subtotal_price_set": money_set(pricing.subtotal, currency),
        "tags": "wholesale" if person.kind == "wholesale" else "",
        "tax_exempt": person.kind == "wholesale",
        "tax_lines": tax_lines(pricing.tax, tax_rate, tax_title, currency),
        "taxes_included": False,
        "test": plan.test,
        "token": token,
        "total_discounts": money(pricing.discount),
        "total_discounts_set": money_set(pricing.discount, currency),
        "total_line_items_price": money(pricing.items_total),
        "total_line_items_price_set": money_set(pricing.items_total, currency),
        "total_outstanding": "0.00",
        "total_price": money(pricing.total),
        "total_price_set": money_set(pricing.total, currency),
        "total_shipping_price_set": money_set(pricing.shipping, currency),
        "total_tax": money(pricing.tax),
        "total_tax_set": money_set(pricing.tax, currency),
        "total_tip_received": "0.00",
        "total_weight": sum(line.offer.spec.grams * line.quantity for line in plan.lines),
        "updated_at": iso(updated),
        "user_id": None,
        "billing_address": order_address(person, address) if address else None,
        "customer": embedded_customer(person),
        "discount_applications": discount_applications(plan.promo),
        "fulfillments": (
            [fulfillment_record(ctx, order_id, name, fulfilled_at, pos)] if fulfilled_at else []
        ),
        "line_items": [priced.record for priced in pricing.lines],
        "payment_terms": None,
        "refunds": refunds,
        "shipping_address": order_address(person, address) if address else None,
        "shipping_lines": ([] if pos else [shipping_line(ctx.next_id(), shipping_title, shipping, currency)]),
    }


def financial_status(plan: OrderPlan) -> str:
    return {
        "cancelled": "voided",
        "refund_full": "refunded",
        "refund_partial": "partially_refunded",
    }.get(plan.fate or "", "paid")


def payment_gateways(rng: random.Random, plan: OrderPlan) -> list[str]:
    if plan.test:
        return ["bogus"]
    if plan.source_name == "shopify_draft_order":
        return ["manual"]
    if plan.source_name == "pos":
        return ["cash"] if rng.random() < 0.15 else ["shopify_payments"]
    return ["paypal"] if rng.random() < 0.15 else ["shopify_payments"]


def client_details(rng: random.Random) -> Record:
    return {
        "accept_language": "en-US,en;q=0.9",
        "browser_height": None,
        "browser_ip": f"198.51.100.{rng.randint(1, 254)}",
        "browser_width": None,
        "session_hash": None,
        "user_agent": rng.choice(data.USER_AGENTS),
    }


def landing_site(ctx: Seeding, channel: str | None, anchor: Offer) -> str:
    """The first page of the visit, with UTM parameters when a campaign link brought it."""
    rng = ctx.rng
    path = rng.choice(
        ("/", f"/products/{anchor.handle}", f"/collections/{slugify(anchor.spec.product_type)}")
    )
    utm = data.UTM.get(channel or "")
    if utm is None or (channel == "instagram" and rng.random() < 0.4):  # bio links carry no UTM
        return path
    campaign = rng.choice(data.CAMPAIGNS)
    return f"{path}?{utm.format(campaign=campaign, click=hex_token(rng, 64))}"


def survey_answer(rng: random.Random, plan: OrderPlan) -> list[Record]:
    """A post-purchase survey that about a quarter of first-time buyers answer."""
    if plan.channel is None or rng.random() >= 0.25:
        return []
    return [{"name": "How did you hear about us?", "value": data.SURVEY_ANSWERS[plan.channel]}]


def discount_code_lines(promo: Promo | None, amount: Decimal) -> list[Record]:
    if promo is None:
        return []
    return [{"code": promo.code, "amount": money(amount), "type": promo.value_type}]


def discount_applications(promo: Promo | None) -> list[Record]:
    if promo is None:
        return []
    return [
        {
            "target_type": "line_item",
            "type": "discount_code",
            "value": f"{promo.value:.1f}",
            "value_type": promo.value_type,
            "allocation_method": "across",
            "target_selection": "all",
            "code": promo.code,
        }
    ]


def tax_lines(amount: Decimal, rate: Decimal, title: str, currency: str) -> list[Record]:
    if rate == 0:
        return []
    return [
        {
            "channel_liable": False,
            "price": money(amount),
            "price_set": money_set(amount, currency),
            "rate": float(rate),
            "title": title,
        }
    ]


def shipping_line(line_id: int, title: str, price: Decimal, currency: str) -> Record:
    return {
        "id": line_id,
        "carrier_identifier": None,
        "code": title,
        "discounted_price": money(price),
        "discounted_price_set": money_set(price, currency),
        "phone": None,
        "price": money(price),
        "price_set": money_set(price, currency),
        "requested_fulfillment_service_id": None,
        "source": "shopify",
        "title": title,
        "tax_lines": [],
        "discount_allocations": [],
    }


def line_item_record(
    ctx: Seeding,
    priced: PricedLine,
    tax_title: str,
    tax_rate: Decimal,
    fulfilled_at: datetime | None,
    cancelled: bool,
) -> Record:
    line, currency = priced.line, ctx.currency
    spec, variant = line.offer.spec, line.variant
    line_id = ctx.next_id()
    variant_title = None if variant["title"] == "Default Title" else variant["title"]
    remaining = 0 if cancelled else line.quantity - priced.refunded_quantity
    allocations = []
    if priced.discount:
        allocations.append(
            {
                "amount": money(priced.discount),
                "amount_set": money_set(priced.discount, currency),
                "discount_application_index": 0,
            }
        )
    return {
        "id": line_id,
        "admin_graphql_api_id": nested_gid("LineItem", line_id),
        "attributed_staffs": [],
        "current_quantity": remaining,
        "fulfillable_quantity": 0 if fulfilled_at or cancelled else line.quantity,
        "fulfillment_service": "manual",
        "fulfillment_status": "fulfilled" if fulfilled_at else None,
        "gift_card": False,
        "grams": spec.grams,
        "name": f"{spec.title} - {variant_title}" if variant_title else spec.title,
        "price": variant["price"],
        "price_set": money_set(Decimal(variant["price"]), currency),
        "product_exists": True,
        "product_id": line.offer.record["id"],
        "properties": [],
        "quantity": line.quantity,
        "requires_shipping": True,
        "sku": variant["sku"],
        "taxable": True,
        "title": spec.title,
        "total_discount": "0.00",
        "total_discount_set": money_set(ZERO, currency),
        "variant_id": variant["id"],
        "variant_inventory_management": "shopify",
        "variant_title": variant_title,
        "vendor": spec.vendor,
        "tax_lines": tax_lines(priced.tax, tax_rate, tax_title, currency),
        "duties": [],
        "discount_allocations": allocations,
    }


def fulfillment_record(ctx: Seeding, order_id: int, name: str, at: datetime, pos: bool) -> Record:
    rng = ctx.rng
    fulfillment_id = ctx.next_id()
    location = ctx.locations[0] if pos else ctx.locations[-1]
    tracking: list[str] = []
    urls: list[str] = []
    company = None
    if not pos:
        company = rng.choice(("USPS", "UPS"))
        if company == "USPS":
            number = f"9400{rng.randrange(10**18):018d}"
            url = f"https://tools.usps.com/go/TrackConfirmAction?tLabels={number}"
        else:
            number = f"1Z{hex_token(rng, 64).upper()}"
            url = f"https://www.ups.com/track?tracknum={number}"
        tracking, urls = [number], [url]
    delivered = pos or at + timedelta(days=4) <= ctx.now
    return {
        "id": fulfillment_id,
        "admin_graphql_api_id": nested_gid("Fulfillment", fulfillment_id),
        "created_at": iso(at),
        "location_id": location["id"],
        "name": f"{name}.1",
        "order_id": order_id,
        "service": "manual",
        "shipment_status": None if pos else "delivered" if delivered else "in_transit",
        "status": "success",
        "tracking_company": company,
        "tracking_number": tracking[0] if tracking else None,
        "tracking_numbers": tracking,
        "tracking_url": urls[0] if urls else None,
        "tracking_urls": urls,
        "updated_at": iso(at),
    }


def mark_refunded_quantities(rng: random.Random, plan: OrderPlan, pricing: Pricing) -> None:
    if plan.fate == "refund_full":
        for priced in pricing.lines:
            priced.refunded_quantity = priced.line.quantity
    elif plan.fate == "refund_partial":
        rng.choice(pricing.lines).refunded_quantity = 1


def refund_record(
    ctx: Seeding, order_id: int, plan: OrderPlan, pricing: Pricing, gateway: str
) -> tuple[Record, dict[str, Decimal]]:
    """One refund: the returned units, their share of discount and tax, and the money back.

    Also returns what it took off the order's subtotal, tax, discounts and total, from which
    the order's current_* figures follow.
    """
    rng, currency = ctx.rng, ctx.currency
    refund_id = ctx.next_id()
    at = plan.fate_at or plan.placed_at
    restock = rng.random() < 0.6
    location_id = ctx.locations[-1]["id"]  # returns go back to the warehouse
    refund_lines = []
    taken = dict.fromkeys(("subtotal", "tax", "discounts", "total"), ZERO)
    for priced in pricing.lines:
        quantity = priced.refunded_quantity
        if not quantity:
            continue
        share = Decimal(quantity) / priced.line.quantity
        subtotal = (priced.net * share).quantize(CENT, ROUND_HALF_UP)
        tax = (priced.tax * share).quantize(CENT, ROUND_HALF_UP)
        taken["subtotal"] += subtotal
        taken["tax"] += tax
        taken["discounts"] += (priced.discount * share).quantize(CENT, ROUND_HALF_UP)
        taken["total"] += subtotal + tax
        refund_lines.append(
            {
                "id": ctx.next_id(),
                "quantity": quantity,
                "line_item_id": priced.record["id"],
                "location_id": location_id if restock else None,
                "restock_type": "return" if restock else "no_restock",
                "subtotal": float(subtotal),
                "total_tax": float(tax),
                "subtotal_set": money_set(subtotal, currency),
                "total_tax_set": money_set(tax, currency),
                "line_item": dict(priced.record),
            }
        )
    adjustments = []
    if plan.fate == "refund_full" and pricing.shipping:
        taken["total"] += pricing.shipping
        adjustments.append(
            {
                "id": ctx.next_id(),
                "order_id": order_id,
                "refund_id": refund_id,
                "amount": money(-pricing.shipping),
                "amount_set": money_set(-pricing.shipping, currency),
                "tax_amount": "0.00",
                "tax_amount_set": money_set(ZERO, currency),
                "kind": "shipping_refund",
                "reason": "Shipping refund",
            }
        )
    transaction = refund_transaction(ctx, order_id, taken["total"], at, gateway, plan.source_name)
    record = {
        "id": refund_id,
        "order_id": order_id,
        "created_at": iso(at),
        "note": rng.choice(data.REFUND_NOTES),
        "user_id": None,
        "processed_at": iso(at),
        "restock": restock,
        "duties": [],
        "total_duties_set": money_set(ZERO, currency),
        "return": None,
        "admin_graphql_api_id": nested_gid("Refund", refund_id),
        "refund_line_items": refund_lines,
        "transactions": [transaction],
        "order_adjustments": adjustments,
    }
    return record, taken


def refund_transaction(
    ctx: Seeding, order_id: int, amount: Decimal, at: datetime, gateway: str, source: str
) -> Record:
    transaction_id = ctx.next_id()
    return {
        "id": transaction_id,
        "admin_graphql_api_id": nested_gid("OrderTransaction", transaction_id),
        "order_id": order_id,
        "amount": money(amount),
        "kind": "refund",
        "gateway": gateway,
        "status": "success",
        "message": "Refunded",
        "created_at": iso(at),
        "processed_at": iso(at),
        "test": False,
        "authorization": None,
        "currency": ctx.currency,
        "location_id": None,
        "user_id": None,
        "parent_id": ctx.next_id(),  # the sale it refunds, not modelled separately
        "device_id": None,
        "receipt": {},
        "error_code": None,
        "source_name": source,
    }


# --- Records: abandoned checkouts --------------------------------------------------------------------


def add_checkouts(ctx: Seeding, people: list[Person]) -> list[Record]:
    plans = sorted((c for p in people for c in p.checkouts), key=lambda c: c.created_at)
    records = []
    for plan in plans:
        record = checkout_record(ctx, plan)
        ctx.shop.checkouts[record["id"]] = record
        records.append(record)
    return records


def checkout_record(ctx: Seeding, plan: CheckoutPlan) -> Record:
    """An abandoned checkout: contact and basket given, never paid (completed_at stays null)."""
    rng, shop, person, currency = ctx.rng, ctx.shop, plan.person, ctx.currency
    checkout_id = ctx.next_id()
    address = person.addresses[0] if person.addresses else None
    tax_rate = Decimal(address.city.tax_rate) if address else ZERO
    pricing = price_basket(plan.lines, None, tax_rate, ZERO)
    token = hex_token(rng)
    tax_title = f"{address.city.province_code} Sales Tax" if address else ""
    warehouse = ctx.locations[-1]["id"]
    updated = min(ctx.now, plan.created_at + timedelta(minutes=rng.randint(1, 30)))
    return {
        "id": checkout_id,
        "token": token,
        "cart_token": hex_token(rng),
        "email": person.email,
        "gateway": None,
        "buyer_accepts_marketing": person.subscribed_at(plan.created_at),
        "created_at": iso(plan.created_at),
        "updated_at": iso(updated),
        "landing_site": landing_site(ctx, plan.channel, plan.lines[0].offer),
        "note": None,
        "note_attributes": [],
        "referring_site": data.ACQUISITION_CHANNELS[plan.channel][1],
        "shipping_lines": [],
        "taxes_included": False,
        "total_weight": sum(line.offer.spec.grams * line.quantity for line in plan.lines),
        "currency": currency,
        "completed_at": None,
        "closed_at": None,
        "user_id": None,
        "location_id": None,
        "source_identifier": None,
        "source_url": None,
        "device_id": None,
        "phone": person.phone,
        "customer_locale": "en-US",
        "line_items": [
            checkout_line(rng, priced, tax_title, tax_rate, warehouse, currency) for priced in pricing.lines
        ],
        "name": f"#{checkout_id}",
        "source": None,
        "abandoned_checkout_url": (
            f"https://{shop.domain}/{shop.id}/checkouts/{token}/recover?key={hex_token(rng)}"
        ),
        "discount_codes": [],
        "tax_lines": tax_lines(pricing.tax, tax_rate, tax_title, currency),
        "source_name": "web",
        "presentment_currency": currency,
        "buyer_accepts_sms_marketing": False,
        "sms_marketing_phone": None,
        "total_discounts": money(pricing.discount),
        "total_line_items_price": money(pricing.items_total),
        "total_price": money(pricing.total),
        "total_tax": money(pricing.tax),
        "subtotal_price": money(pricing.subtotal),
        "total_duties": None,
        "billing_address": order_address(person, address) if address else None,
        "shipping_address": order_address(person, address) if address else None,
        "customer": embedded_customer(person),
    }


def checkout_line(
    rng: random.Random,
    priced: PricedLine,
    tax_title: str,
    tax_rate: Decimal,
    warehouse_id: int,
    currency: str,
) -> Record:
    line = priced.line
    spec, variant = line.offer.spec, line.variant
    variant_title = "" if variant["title"] == "Default Title" else variant["title"]
    return {
        "applied_discounts": [],
        "discount_allocations": [],
        "key": hex_token(rng),
        "destination_location_id": None,
        "fulfillment_service": "manual",
        "gift_card": False,
        "grams": spec.grams,
        "origin_location_id": warehouse_id,
        "presentment_title": spec.title,
        "presentment_variant_title": variant_title,
        "product_id": line.offer.record["id"],
        "properties": None,
        "quantity": line.quantity,
        "requires_shipping": True,
        "sku": variant["sku"],
        "tax_lines": tax_lines(priced.tax, tax_rate, tax_title, currency),
        "taxable": True,
        "title": spec.title,
        "variant_id": variant["id"],
        "variant_title": variant_title,
        "variant_price": variant["price"],
        "vendor": spec.vendor,
        "user_id": None,
        "unit_price_measurement": None,
        "rank": None,
        "compare_at_price": None,
        "line_price": money(line.gross),
        "price": variant["price"],
    }
