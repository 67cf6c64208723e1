"""Real-shape payloads through intake and the drain: the project's own fixtures, and Shopify's
published samples (copied under tests/fixtures/webhooks/shopify-dev-2026-07 and trigger-dev):
every 2026-07 sample topic, subscribed or not, is accepted and ends as expected."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app import db
from app.models import (
    Checkout,
    ComplianceRequest,
    Customer,
    CustomerDataExport,
    Order,
    OrderLine,
    Product,
    Refund,
    WebhookDelivery,
)
from tests.integration.pipeline_helpers import (
    FIXTURES,
    deliveries,
    drain,
    fixture,
    fixture_bytes,
    install,
    post,
)
from webhooks.topics import handler_module_for

CUSTOMER_ID = 8801000000000001
ORDER_ID = 8802000000000001


def stamp(n: int) -> str:
    return f"2026-11-30T12:{n:02d}:00.000000Z"


def send_in_order(client, shopify, steps: list[tuple[str, str]]) -> None:
    for n, (topic, name) in enumerate(steps):
        assert post(client, shopify, topic, fixture_bytes(name), triggered_at=stamp(n)) == 200, topic


def scalar(app, statement):
    with app.app_context():
        return db.request_session().scalar(statement)


def test_every_resource_fixture_is_accepted_and_applied(app, client, shopify):
    shop_id = install(client, shopify)
    send_in_order(
        client,
        shopify,
        [
            ("customers/create", "customers_create.json"),
            ("customers_email_marketing_consent/update", "customers_email_marketing_consent_update.json"),
            ("customers_marketing_consent/update", "customers_marketing_consent_update.json"),
            ("customer.tags_added", "customer_tags_added.json"),
            ("customer.tags_removed", "customer_tags_removed.json"),
            ("products/create", "product.json"),
            ("checkouts/create", "checkout.json"),
            ("orders/create", "order.json"),
            ("orders/paid", "order.json"),
            ("refunds/create", "refund.json"),
        ],
    )
    totals = drain(app, shop_id)
    assert totals == {"processed": 10}
    with app.app_context():
        session = db.request_session()
        customer = session.scalars(select(Customer)).one()
        order = session.scalars(select(Order)).one()
        refund = session.scalars(select(Refund)).one()
        product = session.scalars(select(Product)).one()
        checkout = session.scalars(select(Checkout)).one()
        assert (customer.shopify_id, customer.email, customer.city) == (
            CUSTOMER_ID,
            "ines.marlow@example.org",
            "Portsmouth",
        )
        assert customer.tags == ["orbit:vip"]
        assert (customer.email_marketing_state, customer.sms_marketing_state) == ("subscribed", "subscribed")
        assert (order.shopify_id, order.customer_shopify_id, order.total_price) == (
            ORDER_ID,
            CUSTOMER_ID,
            Decimal("47.30"),
        )
        assert order.tags == ["first-order", "newsletter"] and order.discount_codes[0]["code"] == "AUTUMN10"
        assert session.scalar(select(func.count()).select_from(OrderLine)) == 2
        assert (refund.order_shopify_id, refund.amount) == (ORDER_ID, Decimal("23.65"))
        assert (product.title, product.tags) == ("Cedar Beard Oil", ["beard", "oil"])
        assert (checkout.customer_shopify_id, checkout.total_price) == (CUSTOMER_ID, Decimal("24.00"))
    # The tag echo of Orbit's own prefix is told apart from the merchant's edit.
    reasons = {d.topic: d.last_error for d in deliveries(app)}
    assert reasons["customer.tags_added"] is None and reasons["customer.tags_removed"] is None


def test_deletes_merges_and_a_bulk_finish_nobody_waits_for(app, client, shopify):
    shop_id = install(client, shopify)
    send_in_order(
        client,
        shopify,
        [
            ("customers/create", "customers_create.json"),
            ("orders/create", "order.json"),
            ("products/create", "product.json"),
            ("checkouts/create", "checkout.json"),
            ("customers/merge", "customers_merge.json"),
            ("orders/delete", "order_delete.json"),
            ("products/delete", "product_delete.json"),
            ("checkouts/delete", "checkout_delete.json"),
            ("customers/delete", "customers_delete.json"),
            ("bulk_operations/finish", "bulk_operations_finish.json"),
        ],
    )
    drain(app, shop_id)
    outcomes = {d.topic: (d.status, d.last_error) for d in deliveries(app)}
    status, reason = outcomes["bulk_operations/finish"]
    assert status == "ignored" and ("backfill not running" in reason or "no backfill waits" in reason)
    assert all(
        status == "processed" for topic, (status, _) in outcomes.items() if topic != "bulk_operations/finish"
    )
    with app.app_context():
        session = db.request_session()
        for model in (Customer, Order, Product, Checkout):
            live = session.scalar(select(func.count()).select_from(model).where(model.deleted_at.is_(None)))
            assert live == 0, model.__name__
        assert session.scalar(select(func.count()).select_from(OrderLine)) == 0


def test_data_request_exports_and_redact_erases_but_keeps_the_figures(app, client, shopify):
    shop_id = install(client, shopify)
    send_in_order(
        client,
        shopify,
        [
            ("customers/create", "customers_create.json"),
            ("orders/create", "order.json"),
            ("checkouts/create", "checkout.json"),
            ("customers/data_request", "customers_data_request.json"),
        ],
    )
    drain(app, shop_id)
    with app.app_context():
        session = db.request_session()
        export = session.scalars(select(CustomerDataExport)).one()
        assert export.content["customers"][0]["email"] == "ines.marlow@example.org"
        assert [o["shopify_id"] for o in export.content["orders"]] == [ORDER_ID]
        assert len(export.content["order_lines"]) == 2 and len(export.content["checkouts"]) == 1
        request = session.scalars(select(ComplianceRequest)).one()
        assert request.status == "completed" and (request.deadline_at - request.received_at).days == 30
    assert (
        post(
            client, shopify, "customers/redact", fixture_bytes("customers_redact.json"), triggered_at=stamp(9)
        )
        == 200
    )
    drain(app, shop_id)
    with app.app_context():
        session = db.request_session()
        customer = session.scalars(select(Customer)).one()
        order = session.scalars(select(Order)).one()
        assert (customer.email, customer.first_name, customer.phone) == (None, None, None)
        assert customer.redacted_at is not None
        assert (order.email, order.browser_ip, order.total_price) == (None, None, Decimal("47.30"))
        assert session.scalars(select(Checkout.email)).one() is None
        assert session.scalar(select(func.count()).select_from(CustomerDataExport)) == 0
        bodies = session.scalars(select(WebhookDelivery.payload)).all()
        assert not any(b"ines.marlow" in body for body in bodies)
    # A late update must not bring the personal data back.
    late = dict(fixture("customers_create.json"), updated_at="2026-12-01T00:00:00Z")
    assert post(client, shopify, "customers/update", late, triggered_at=stamp(20)) == 200
    drain(app, shop_id)
    assert scalar(app, select(Customer.email)) is None


def test_shop_redact_deletes_every_row_of_the_shop(app, client, shopify):
    shop_id = install(client, shopify)
    send_in_order(
        client,
        shopify,
        [
            ("customers/create", "customers_create.json"),
            ("orders/create", "order.json"),
            ("products/create", "product.json"),
        ],
    )
    drain(app, shop_id)
    assert (
        post(client, shopify, "shop/redact", fixture_bytes("shop_redact.json"), triggered_at=stamp(30)) == 200
    )
    drain(app, shop_id)
    for model in (Customer, Order, OrderLine, Product):
        assert scalar(app, select(func.count()).select_from(model)) == 0
    assert [d.topic for d in deliveries(app)] == ["shop/redact"]
    assert scalar(app, select(ComplianceRequest.summary))["customers"] == 1


SAMPLES = [
    ("customers/create", "shopify-dev-2026-07/customers_create.json", "processed"),
    ("customers/update", "shopify-dev-2026-07/customers_update.json", "processed"),
    ("customers/disable", "shopify-dev-2026-07/customers_disable.json", "processed"),
    (
        "customers_email_marketing_consent/update",
        "shopify-dev-2026-07/customers_email_marketing_consent_update.json",
        "processed",
    ),
    (
        "customers_marketing_consent/update",
        "shopify-dev-2026-07/customers_marketing_consent_update.json",
        "processed",
    ),
    ("customer.tags_added", "shopify-dev-2026-07/customer_tags_added.json", "processed"),
    ("customer.tags_removed", "shopify-dev-2026-07/customer_tags_removed.json", "processed"),
    ("customers/merge", "shopify-dev-2026-07/customers_merge.json", "ignored"),  # status "failed"
    ("customers/delete", "shopify-dev-2026-07/customers_delete.json", "processed"),
    ("customers/create", "trigger-dev/CustomersCreate.json", "processed"),
    ("orders/create", "trigger-dev/Order.json", "processed"),
    ("orders/updated", "trigger-dev/Order.json", "processed"),
    ("orders/delete", "trigger-dev/Deleted.json", "processed"),
    ("refunds/create", "trigger-dev/Refund.json", "processed"),
    ("checkouts/create", "trigger-dev/CheckoutsCreate.json", "processed"),
    ("checkouts/delete", "shopify-dev-2026-07/checkouts_delete.json", "processed"),
    ("app/scopes_update", "shopify-dev-2026-07/app_scopes_update.json", "processed"),
    ("bulk_operations/finish", "shopify-dev-2026-07/bulk_operations_finish.json", "ignored"),
    ("customers/data_request", "shopify-dev-2026-07/customers_data_request.json", "processed"),
    ("customers/redact", "shopify-dev-2026-07/customers_redact.json", "processed"),
    ("shop/redact", "shopify-dev-2026-07/shop_redact.json", "processed"),
    # Topics Orbit does not subscribe to (shopify.app.toml): stored, then ignored with the reason.
    ("customer_groups/create", "shopify-dev-2026-07/customer_groups_create.json", "ignored"),
    ("customer.joined_segment", "shopify-dev-2026-07/customer_joined_segment.json", "ignored"),
    ("customer.left_segment", "shopify-dev-2026-07/customer_left_segment.json", "ignored"),
    ("customers/purchasing_summary", "shopify-dev-2026-07/customers_purchasing_summary.json", "ignored"),
    ("discounts/create", "shopify-dev-2026-07/discounts_create.json", "ignored"),
    ("discounts/redeemcode_added", "shopify-dev-2026-07/discounts_redeemcode_added.json", "ignored"),
]


def test_every_shopify_2026_07_sample_is_covered():
    covered = {path for _, path, _ in SAMPLES}
    present = {
        f"shopify-dev-2026-07/{path.name}" for path in (FIXTURES / "shopify-dev-2026-07").glob("*.json")
    }
    assert present - covered == set()
    assert all((FIXTURES / path).is_file() for path in covered)


@pytest.mark.parametrize(("topic", "path", "status"), SAMPLES, ids=[p for _, p, _ in SAMPLES])
def test_each_shopify_sample_is_accepted_and_applied(app, client, shopify, topic, path, status):
    shop_id = install(client, shopify)
    assert post(client, shopify, topic, fixture_bytes(path)) == 200
    drain(app, shop_id)
    [delivery] = [d for d in deliveries(app) if d.topic == topic]
    assert delivery.status == status, delivery.last_error
    if handler_module_for(topic) is None:
        assert delivery.last_error == f"no handler for {topic}"


def test_ids_come_from_the_graphql_id_when_the_rest_id_was_rounded(app, client, shopify):
    shop_id = install(client, shopify)
    assert post(client, shopify, "orders/create", fixture_bytes("trigger-dev/Order.json")) == 200
    drain(app, shop_id)
    assert scalar(app, select(Order.shopify_id)) == 820982911946154508
    assert scalar(app, select(Order.customer_shopify_id)) == 115310627314723954
