"""`tagsAdd` and `tagsRemove` on customers, products and orders, with Shopify's rules.

Shopify's rules as implemented: a resource holds at most 250 tags and a tag at most 255
characters; tags compare case-insensitively (adding "VIP" to a customer tagged "vip" changes
nothing); a string holding commas counts as several tags; a change that would break a limit is
refused whole with a userError and changes nothing. The userError wording is the devstore's own
(Shopify's exact messages were not verified). A change that really adds or removes tags bumps
`updated_at` and, when enabled, sends `customer.tags_added` / `customer.tags_removed` and a
`customers/update` (the echoes the app must recognise as its own writes).
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

from graphql import GraphQLError, GraphQLResolveInfo

from devstore.resolvers.common import Typed, tag_list
from devstore.store import Record, parse_gid

Info = GraphQLResolveInfo
MAX_TAGS = 250
MAX_TAG_LENGTH = 255
TAGGABLE = {"Customer": "customers", "Product": "products", "Order": "orders"}


def split_tags(tags: list[str]) -> list[str]:
    """["a, b", "c"] -> ["a", "b", "c"]: Shopify splits comma-separated strings."""
    return [part.strip() for tag in tags for part in str(tag).split(",") if part.strip()]


def user_error(field: list[str], message: str) -> dict[str, Any]:
    return {"field": field, "message": message}


def target(info: Info, global_id: str) -> tuple[str, Record | None]:
    try:
        type_name, record_id = parse_gid(global_id)
    except ValueError as exc:
        raise GraphQLError(
            f"Invalid global id '{global_id}'",
            extensions={"code": "argumentLiteralsIncompatible", "typeName": "CoercionError"},
        ) from exc
    resource = TAGGABLE.get(type_name)
    if resource is None:
        return type_name, None
    scope = f"write_{resource}"
    if not info.context.has_scope(scope):
        raise GraphQLError(
            f"Access denied for {info.field_name} field. Required access: `{scope}` access scope.",
            extensions={
                "code": "ACCESS_DENIED",
                "documentation": "https://shopify.dev/api/usage/access-scopes",
            },
        )
    return type_name, info.context.lookup(resource, record_id)


def change_tags(info: Info, id: str, tags: list[str], adding: bool) -> dict[str, Any]:
    type_name, record = target(info, id)
    if record is None:
        return {"node": None, "userErrors": [user_error(["id"], f"{type_name} does not exist")]}
    wanted = split_tags(tags)
    if adding:
        too_long = [t for t in wanted if len(t) > MAX_TAG_LENGTH]
        if too_long:
            message = f"Tag is too long (maximum is {MAX_TAG_LENGTH} characters)"
            return {"node": None, "userErrors": [user_error(["tags"], message)]}
    shop = info.context.shop
    with shop.lock:
        current = tag_list(record.get("tags"))
        lowered = {t.lower() for t in current}
        if adding:
            changed = []
            for tag in wanted:
                if tag.lower() not in lowered:
                    lowered.add(tag.lower())
                    changed.append(tag)
            if len(current) + len(changed) > MAX_TAGS:
                message = f"Exceeded the maximum number of tags ({MAX_TAGS}) for this {type_name.lower()}"
                return {"node": None, "userErrors": [user_error(["tags"], message)]}
            result = current + changed
        else:
            removing = {t.lower() for t in wanted}
            changed = [t for t in current if t.lower() in removing]
            result = [t for t in current if t.lower() not in removing]
        if changed:
            record["tags"] = ", ".join(result)
            record["updated_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    if changed and type_name == "Customer":
        echo(info, "customer.tags_added" if adding else "customer.tags_removed", id, changed, record)
    return {"node": Typed(type_name, record), "userErrors": []}


def echo(info: Info, topic: str, customer_gid: str, tags: list[str], record: Record) -> None:
    """Shopify's answers to a tag change, sent off the request thread when the devstore is told
    to: the tag event, and customers/update for the customer's new updated_at (its 2026-07 body
    carries no tags, so to the app it looks like any other update)."""
    settings = tag_webhook_settings(info.context.shop)
    if not settings.get("enabled") or settings.get("sender") is None:
        return
    shop = info.context.shop
    body = {
        "customerId": customer_gid,
        "tags": tags,
        "occurredAt": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
    }
    update = shop.as_webhook_body("customers", record)
    triggered_at = datetime.fromisoformat(record["updated_at"]).strftime("%Y-%m-%dT%H:%M:%S.%fZ")

    def send() -> None:
        sender = settings["sender"]
        sender.deliver(shop, topic, body)
        sender.deliver(shop, "customers/update", update, triggered_at=triggered_at)

    threading.Thread(target=send, daemon=True).start()


def tag_webhook_settings(shop: Any) -> dict[str, Any]:
    """Per-shop switch for tag webhooks (off by default: most tests run no app to receive them)."""
    settings = getattr(shop, "_tag_webhooks", None)
    if settings is None:
        settings = {"enabled": False, "sender": None}
        shop._tag_webhooks = settings
    return settings


TYPES = {
    "Mutation": {
        "tagsAdd": lambda root, info, id, tags: change_tags(info, id, tags, adding=True),
        "tagsRemove": lambda root, info, id, tags: change_tags(info, id, tags, adding=False),
    }
}
