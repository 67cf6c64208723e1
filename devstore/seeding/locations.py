"""The store's locations: the Brooklyn flagship and the warehouse that ships online orders."""

from __future__ import annotations

from datetime import timedelta

from devstore.seeding.context import Seeding
from devstore.seeding.data.places import LOCATIONS
from devstore.seeding.formats import iso
from devstore.store import gid


def add_locations(ctx: Seeding) -> None:
    for spec in LOCATIONS:
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
