"""Echo suppression: Shopify sends `customer.tags_added`/`customer.tags_removed` for Orbit's own
tagsAdd/tagsRemove too. The customers webhook handler asks `is_own_echo` before treating a tag
change as news (and marking the customer dirty), so a push never starts another push."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Shop, TagSync
from app.push.sync import tag_prefix
from app.push.tags import is_echo


def customer_id_of(global_id: str | int) -> int:
    """'gid://shopify/Customer/42' (as the tag webhooks carry it) -> 42."""
    return int(str(global_id).rsplit("/", 1)[-1])


def is_own_echo(session: Session, shop: Shop, topic: str, customer: str | int, tags: Iterable[str]) -> bool:
    """True when the tag webhook only reports what Orbit itself wrote (or is writing)."""
    if topic not in ("customer.tags_added", "customer.tags_removed"):
        return False
    row = session.scalars(
        select(TagSync).where(
            TagSync.shop_id == shop.id, TagSync.customer_shopify_id == customer_id_of(customer)
        )
    ).first()
    pushed = row.pushed if row is not None else []
    in_flight = row.in_flight if row is not None else None
    return is_echo(topic == "customer.tags_added", tags, pushed or [], in_flight, tag_prefix(shop))
