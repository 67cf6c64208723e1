"""Where customers live, their phones, and their email and SMS marketing consent."""

from __future__ import annotations

import math
import random
from datetime import datetime

from devstore.seeding.context import Seeding
from devstore.seeding.data.places import CITIES, LOCATIONS, STREET_NAMES, City
from devstore.seeding.formats import iso
from devstore.seeding.people import Address, Person
from devstore.store import Record

LOCAL_RADIUS_KM = 25.0  # customers this close to the flagship sometimes buy in the shop


def give_addresses(ctx: Seeding, person: Person) -> None:
    rng = ctx.rng
    chance = {"newsletter": 0.1, "account": 0.4}.get(person.kind, 1.0)
    if rng.random() >= chance:
        return
    flagship = LOCATIONS[0]
    if person.kind == "staff":
        city = CITIES[0]
    else:
        city = rng.choices(CITIES, cum_weights=CITY_CUM_WEIGHTS)[0]
    person.addresses.append(random_address(rng, city))
    if person.kind in ("buyer", "wholesale") and rng.random() < 0.08:  # a work address
        person.addresses.append(random_address(rng, city))
    home = person.addresses[0]
    near = distance_km(home.latitude, home.longitude, flagship["latitude"], flagship["longitude"])
    person.local = near <= LOCAL_RADIUS_KM


CITY_CUM_WEIGHTS = [sum(c.weight for c in CITIES[: i + 1]) for i in range(len(CITIES))]


def random_address(rng: random.Random, city: City) -> Address:
    return Address(
        city=city,
        address1=f"{rng.randint(1, 2999)} {rng.choice(STREET_NAMES)}",
        address2=f"Apt {rng.randint(1, 30)}{rng.choice('ABCD')}" if rng.random() < 0.3 else None,
        zip=f"{city.zip_prefix}{rng.randint(1, 99):02d}",
        # Scatter homes around the city centre (a few km) so distances differ.
        latitude=round(city.latitude + rng.gauss(0, 0.03), 6),
        longitude=round(city.longitude + rng.gauss(0, 0.04), 6),
    )


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    dlat, dlon = math.radians(lat2 - lat1), math.radians(lon2 - lon1)
    a = (
        math.sin(dlat / 2) ** 2
        + math.cos(math.radians(lat1)) * math.cos(math.radians(lat2)) * math.sin(dlon / 2) ** 2
    )
    return 6371.0 * 2 * math.asin(math.sqrt(a))


def give_phone(ctx: Seeding, person: Person) -> None:
    rng = ctx.rng
    chance = {"staff": 1.0, "buyer": 0.45, "wholesale": 0.9}.get(person.kind, 0.15)
    if rng.random() >= chance:
        return
    city = person.addresses[0].city if person.addresses else rng.choice(CITIES)
    phone = f"+1{city.area_code}555{rng.randint(0, 9999):04d}"
    while phone in ctx.used_phones:  # Shopify keeps customer phones unique
        phone = f"+1{city.area_code}555{rng.randint(0, 9999):04d}"
    ctx.used_phones.add(phone)
    person.phone = phone


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
