"""Customer records, their addresses, and the customer snapshot that orders and checkouts embed."""

from __future__ import annotations

from devstore.seeding.context import Seeding
from devstore.seeding.formats import iso
from devstore.seeding.people import Address, Person
from devstore.store import Record, gid

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
