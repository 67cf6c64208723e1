"""An order's fulfillment: handed over in the shop, or shipped from the warehouse with tracking."""

from __future__ import annotations

from datetime import datetime, timedelta

from devstore.seeding.context import Seeding
from devstore.seeding.draws import hex_token
from devstore.seeding.formats import iso, nested_gid
from devstore.store import Record


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
