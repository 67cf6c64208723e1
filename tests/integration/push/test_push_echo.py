"""Echo suppression end to end: webhook -> intake -> drain after a real push to the devstore.

Shopify answers Orbit's tagsAdd with a customers/update (same customer, newer updated_at) and a
customer.tags_added. Neither may mark the customer dirty or queue analytics, recommendations or
a push; a real change to the same customers in the same minutes still does.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app import db
from app.models import DirtyCustomer, WebhookDelivery
from app.push.sync import push_tags
from app.queues import queue
from app.redis_conn import redis
from app.shopify.client import AdminClient
from jobs.drain import drain_shop
from webhooks.dirty import take_dirty
from webhooks.handlers.customers import OWN_ECHO
from webhooks.topics import handler_module_for


def send(client, shopify, shop, topic: str, body: dict, at: datetime) -> None:
    raw = json.dumps(body).encode()
    stamp = at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    headers = shopify.webhook_headers(topic, shop.domain, raw, triggered_at=stamp)
    response = client.post(f"/webhooks/{handler_module_for(topic)}", data=raw, headers=headers)
    assert response.status_code == 200, response.text


def customer_body(shop, customer_id: int, **changes) -> dict:
    record = {**shop.dev.customers[customer_id], **changes}
    record.setdefault("admin_graphql_api_id", f"gid://shopify/Customer/{customer_id}")
    return shop.dev.as_webhook_body("customers", record)


def drain(app, shop) -> None:
    with app.app_context():
        drain_shop(shop.shop_id)


def dirty_ids(app, shop) -> set[int]:
    with app.app_context(), db.transaction() as session:
        rows = session.scalars(
            select(DirtyCustomer.customer_shopify_id).where(DirtyCustomer.shop_id == shop.shop_id)
        )
        return set(rows)


def outcomes(app, shop, since_id: int) -> list[tuple[str, str, str | None]]:
    with app.app_context(), db.transaction() as session:
        rows = session.scalars(
            select(WebhookDelivery)
            .where(WebhookDelivery.shop_id == shop.shop_id, WebhookDelivery.id > since_id)
            .order_by(WebhookDelivery.id)
        )
        return [(row.topic, row.status, row.last_error) for row in rows]


def last_delivery_id(app) -> int:
    with app.app_context(), db.transaction() as session:
        return max(session.scalars(select(WebhookDelivery.id)), default=0)


def forget_queued_work(app, shop) -> None:
    """Start the scenario clean: no dirty marks, no queued jobs, no pending flags."""
    with app.app_context():
        with db.transaction() as session:
            take_dirty(session, shop.shop_id, 10_000)
        redis().flushdb()


def queued_work(app) -> dict[str, int]:
    with app.app_context():
        return {name: queue(name).count for name in ("analytics", "push")}


def test_echoes_of_a_push_start_nothing_and_a_real_change_still_does(app, client, shopify, push_shop):
    shop = push_shop
    first, second = shop.customer_ids[:2]
    start = datetime.now(UTC) - timedelta(minutes=1)
    # The mirror, as the pipeline builds it: customers/create bodies (no tags), then the tags.
    for offset, customer_id in enumerate((first, second)):
        send(
            client,
            shopify,
            shop,
            "customers/create",
            customer_body(shop, customer_id),
            start + timedelta(seconds=offset),
        )
    drain(app, shop)
    shop.mirror(app, [first, second])
    forget_queued_work(app, shop)

    with app.app_context():
        report = push_tags(
            shop.shop_id, {first: {"vip"}, second: {"vip"}}, client=AdminClient(None, shop.domain)
        )
    assert report.tag_changes == 2 and "orbit:vip" in shop.tags(first)
    forget_queued_work(app, shop)  # the push itself queues nothing, but start from zero

    # Shopify's answers to the push: the bumped customers/update and the tag events.
    seen = last_delivery_id(app)
    now = datetime.now(UTC)
    for customer_id in (first, second):
        send(client, shopify, shop, "customers/update", customer_body(shop, customer_id), now)
        echo = {
            "customerId": f"gid://shopify/Customer/{customer_id}",
            "tags": ["orbit:vip"],
            "occurredAt": now.isoformat(),
        }
        send(client, shopify, shop, "customer.tags_added", echo, now)
    drain(app, shop)

    assert (
        outcomes(app, shop, seen)
        == [
            ("customers/update", "ignored", OWN_ECHO),
            ("customer.tags_added", "processed", OWN_ECHO),
        ]
        * 2
    )
    assert dirty_ids(app, shop) == set()
    assert queued_work(app) == {"analytics": 0, "push": 0}
    with app.app_context(), db.transaction() as session:
        from app.models import Customer

        mirrored = session.scalars(
            select(Customer).where(Customer.shop_id == shop.shop_id, Customer.shopify_id == first)
        ).one()
        assert "orbit:vip" in mirrored.tags  # the mirror still follows Shopify

    # In the same minutes: the merchant renames the first customer and tags the second by hand.
    seen = last_delivery_id(app)
    later = now + timedelta(seconds=2)
    renamed = customer_body(shop, first, first_name="Renamed", updated_at=later.isoformat())
    send(client, shopify, shop, "customers/update", renamed, later)
    by_hand = {
        "customerId": f"gid://shopify/Customer/{second}",
        "tags": ["wholesale-gold"],
        "occurredAt": later.isoformat(),
    }
    send(client, shopify, shop, "customer.tags_added", by_hand, later)
    drain(app, shop)

    assert outcomes(app, shop, seen) == [
        ("customers/update", "processed", None),
        ("customer.tags_added", "processed", None),
    ]
    assert dirty_ids(app, shop) == {first, second}
    assert queued_work(app)["analytics"] == 1


def test_a_customers_update_is_no_echo_for_a_customer_orbit_never_tagged(app, client, shopify, push_shop):
    shop = push_shop
    customer_id = shop.customer_ids[0]
    start = datetime.now(UTC)
    send(client, shopify, shop, "customers/create", customer_body(shop, customer_id), start)
    drain(app, shop)
    forget_queued_work(app, shop)
    later = start + timedelta(seconds=1)
    # Same fields, newer updated_at, but Orbit wrote nothing: someone else's tag, say; stays news.
    body = customer_body(shop, customer_id, updated_at=later.isoformat())
    send(client, shopify, shop, "customers/update", body, later)
    drain(app, shop)
    assert dirty_ids(app, shop) == {customer_id}


def test_the_handler_path_recognises_the_echo_too(app, client, shopify, push_shop):
    """A batch that fails is applied delivery by delivery through the handler: same rule."""
    from app.models import Shop
    from webhooks.handlers import customers

    shop = push_shop
    customer_id = shop.customer_ids[0]
    send(client, shopify, shop, "customers/create", customer_body(shop, customer_id), datetime.now(UTC))
    drain(app, shop)
    with app.app_context():
        push_tags(shop.shop_id, {customer_id: {"vip"}}, client=AdminClient(None, shop.domain))
    forget_queued_work(app, shop)
    with app.app_context(), db.transaction() as session:
        delivery = WebhookDelivery(
            shop_id=shop.shop_id,
            webhook_id=str(uuid.uuid4()),
            topic="customers/update",
            payload=json.dumps(customer_body(shop, customer_id)),
        )
        outcome = customers.apply(
            session, session.get(Shop, shop.shop_id), delivery, customer_body(shop, customer_id)
        )
        assert (outcome.status, outcome.reason, outcome.customer_ids) == ("ignored", OWN_ECHO, frozenset())
        assert take_dirty(session, shop.shop_id, 10) == []
