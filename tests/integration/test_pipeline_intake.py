"""Intake without X-Shopify-Triggered-At: the delivery is kept and ordered as of its arrival,
and a stored row with no triggered-at at all (older rows) still drains."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app import db
from app.models import Shop
from tests.conftest import DEMO_SHOP
from tests.helpers import json_body
from tests.integration.pipeline_helpers import deliveries, drain, install
from webhooks.store import IncomingDelivery, record_delivery


def scopes_update(shopify, n: int, triggered_at: str | None) -> tuple[bytes, dict[str, str]]:
    body = json_body({"id": n, "previous": ["read_orders"], "current": ["read_orders", f"read_scope_{n}"]})
    headers = shopify.webhook_headers("app/scopes_update", DEMO_SHOP, body)
    if triggered_at is None:
        del headers["X-Shopify-Triggered-At"]
    else:
        headers["X-Shopify-Triggered-At"] = triggered_at
    return body, headers


def shop_scopes(app) -> str:
    with app.app_context():
        return db.request_session().scalar(select(Shop.scopes).where(Shop.domain == DEMO_SHOP))


@pytest.mark.parametrize("header", [None, "", "not a time"], ids=["missing", "empty", "unreadable"])
def test_a_delivery_without_a_readable_triggered_at_is_kept_and_ordered_by_its_arrival(
    app, client, shopify, header
):
    shop_id = install(client, shopify)
    body, headers = scopes_update(shopify, 2, header)
    before = datetime.now(UTC)
    assert client.post("/webhooks/app", data=body, headers=headers).status_code == 200
    after = datetime.now(UTC)
    # An earlier-triggered delivery arriving later still goes first: the undated one is "now".
    body, headers = scopes_update(shopify, 1, "2026-11-30T12:00:00.000000Z")
    assert client.post("/webhooks/app", data=body, headers=headers).status_code == 200

    undated = next(d for d in deliveries(app) if b"read_scope_2" in bytes(d.payload))
    assert before <= undated.triggered_at <= after
    assert drain(app, shop_id) == {"processed": 2}
    assert shop_scopes(app) == "read_orders,read_scope_2"


def test_stored_rows_with_no_triggered_at_still_drain(app, client, shopify):
    shop_id = install(client, shopify)
    with app.app_context(), db.transaction() as session:
        for n, triggered_at in ((1, None), (2, datetime(2026, 11, 30, 12, tzinfo=UTC)), (3, None)):
            body, _ = scopes_update(shopify, n, None)
            delivery = IncomingDelivery(
                shop_id=shop_id,
                webhook_id=f"legacy-{n}",
                topic="app/scopes_update",
                api_version="2026-10",
                event_id=None,
                triggered_at=triggered_at,
                payload=body,
            )
            assert record_delivery(session, delivery)
    assert drain(app, shop_id) == {"processed": 3}
    assert [d.status for d in deliveries(app)] == ["processed"] * 3
    assert shop_scopes(app).startswith("read_orders,read_scope_")
