"""Echo suppression: Shopify sends `customer.tags_added`/`customer.tags_removed`, and a
`customers/update`, for Orbit's own tagsAdd/tagsRemove too. The customers webhook handler (and
the drain's batched path for customers/update) ask `is_own_echo` / `own_update_echoes` before
treating a delivery as news and marking the customer dirty, so a push never starts another push."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Customer, Shop, TagSync
from app.push.sync import tag_prefix
from app.push.tags import is_echo, is_owned


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


# customers/update ------------------------------------------------------------------------------
#
# Shopify also sends customers/update for Orbit's tagsAdd/tagsRemove (the write bumps the
# customer's updated_at). A current (2026-07+) body carries no tags, so the echo shows as "the
# same customer with a newer updated_at". The rule: the delivery is Orbit's own echo when every
# field it carries equals the stored mirror (tags, when an older body carries them, may differ
# only by Orbit's own tags as pushed) AND Orbit wrote this customer's tags at about that
# updated_at: a write is in flight, or the push recorded one (tag_sync.updated_at, bumped when a
# write is sent and when its answer is recorded) at most ECHO_WINDOW before it. A real change
# (email, name, address, state, someone else's tag) differs from the mirror and is news.

ECHO_WINDOW = timedelta(minutes=10)  # from the request to the recorded answer (bulk runs take minutes)
CLOCK_SKEW = timedelta(minutes=1)  # Shopify's clock against ours
UNCOMPARED = ("shopify_id", "shopify_created_at", "shopify_updated_at", "tags")
# The mirror columns a customers/* body can carry (webhooks/upserts.py `_customer_values`).
STORED_COLUMNS = (
    "email",
    "first_name",
    "last_name",
    "phone",
    "state",
    "verified_email",
    "note",
    "city",
    "province_code",
    "country_code",
    "zip",
    "latitude",
    "longitude",
    "tags",
    "email_marketing_state",
    "email_marketing_updated_at",
    "sms_marketing_state",
)


def wrote_around(updated_at: datetime | None, last_write_at: datetime | None, in_flight: object) -> bool:
    """Could Orbit's own tag write be what set the customer's `updated_at`?"""
    if in_flight:
        return True
    if updated_at is None or last_write_at is None:
        return False
    return last_write_at - ECHO_WINDOW <= updated_at <= last_write_at + CLOCK_SKEW


def same_value(body: Any, stored: Any) -> bool:
    numbers = (int, float, Decimal)
    if isinstance(body, numbers) and isinstance(stored, numbers) and not isinstance(body, bool):
        return float(body) == float(stored)
    return body == stored


def only_orbit_tags_differ(
    body_tags: Iterable[str],
    stored_tags: Iterable[str],
    pushed: Iterable[str],
    in_flight: Mapping[str, Iterable[str]] | None,
    prefix: str,
) -> bool:
    """The body's tags are the stored ones with Orbit's tags as Orbit pushed (or is pushing)
    them. Orbit's tags: its prefix, or in its record (so a prefix change in flight counts)."""
    flight = in_flight or {}
    recorded, adding, removing = set(pushed), set(flight.get("add", ())), set(flight.get("remove", ()))

    def ours(tag: str) -> bool:
        return is_owned(tag, prefix) or tag in recorded or tag in adding or tag in removing

    body, stored = {t.strip() for t in body_tags}, {t.strip() for t in stored_tags}
    if {t for t in body if not ours(t)} != {t for t in stored if not ours(t)}:
        return False
    owned = {t for t in body if ours(t)}
    return owned in (recorded, (recorded | adding) - removing, {t for t in stored if ours(t)})


def update_is_echo(
    body: Mapping[str, Any],
    stored: Mapping[str, Any],
    sync: Mapping[str, Any] | None,
    prefix: str,
) -> bool:
    """Pure: one customers/update body (the mirror's column names, as webhooks/upserts.py
    writes them) against the stored row and the customer's tag_sync (pushed, in_flight,
    updated_at; None when Orbit never tagged the customer)."""
    if sync is None or not wrote_around(
        body.get("shopify_updated_at"), sync["updated_at"], sync["in_flight"]
    ):
        return False
    if any(not same_value(value, stored.get(name)) for name, value in body.items() if name not in UNCOMPARED):
        return False
    if "tags" in body:
        return only_orbit_tags_differ(
            body["tags"], stored.get("tags") or [], sync["pushed"] or [], sync["in_flight"], prefix
        )
    return True


def own_update_echoes(session: Session, shop: Shop, bodies: Sequence[Mapping[str, Any]]) -> list[bool]:
    """For each customers/update body (mirror column names), whether it is Orbit's own echo.
    Two queries for the lot; a shop Orbit never tagged costs only the first."""
    ids = sorted({body["shopify_id"] for body in bodies})
    if not ids:
        return []
    found = session.execute(
        select(TagSync.customer_shopify_id, TagSync.pushed, TagSync.in_flight, TagSync.updated_at).where(
            TagSync.shop_id == shop.id, TagSync.customer_shopify_id.in_(ids)
        )
    )
    syncs = {row[0]: {"pushed": row[1], "in_flight": row[2], "updated_at": row[3]} for row in found}
    candidates = [
        body["shopify_id"]
        for body in bodies
        if body["shopify_id"] in syncs
        and wrote_around(
            body.get("shopify_updated_at"),
            syncs[body["shopify_id"]]["updated_at"],
            syncs[body["shopify_id"]]["in_flight"],
        )
    ]
    if not candidates:
        return [False] * len(bodies)
    live = select(Customer.shopify_id, *(getattr(Customer, column) for column in STORED_COLUMNS)).where(
        Customer.shop_id == shop.id,
        Customer.shopify_id.in_(sorted(set(candidates))),
        Customer.deleted_at.is_(None),
        Customer.redacted_at.is_(None),
    )
    stored = {row[0]: dict(zip(STORED_COLUMNS, row[1:], strict=True)) for row in session.execute(live)}
    prefix = tag_prefix(shop)
    return [
        body["shopify_id"] in stored
        and update_is_echo(body, stored[body["shopify_id"]], syncs.get(body["shopify_id"]), prefix)
        for body in bodies
    ]
