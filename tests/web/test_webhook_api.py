"""/api/webhooks/* and /api/compliance/*: session token required, one shop's rows only."""

from __future__ import annotations

from sqlalchemy import update

from app import db
from app.models import WebhookDelivery
from tests.conftest import DEMO_SHOP, OTHER_SHOP
from tests.integration.pipeline_helpers import deliveries, drain, fixture_bytes, install, post


def get(client, shopify, path, shop=DEMO_SHOP):
    return client.get(path, headers=shopify.bearer(shopify.session_token(shop)))


def test_the_api_refuses_requests_without_a_session_token(client):
    for path in ("/api/webhooks/health", "/api/compliance/requests", "/api/compliance/exports"):
        assert client.get(path).status_code == 401
    assert client.post("/api/webhooks/dead/1/retry").status_code == 401


def test_webhooks_health_counts_and_a_dead_letter_is_retried(app, client, shopify):
    shop_id = install(client, shopify)
    assert post(client, shopify, "orders/create", {"line_items": []}) == 200  # no id: fails
    assert post(client, shopify, "customers/create", fixture_bytes("customers_create.json")) == 200
    drain(app, shop_id)
    with app.app_context(), db.transaction() as session:
        session.execute(
            update(WebhookDelivery).where(WebhookDelivery.status == "failed").values(status="dead")
        )
    body = get(client, shopify, "/api/webhooks/health").json
    assert body["counts"] == {"dead": 1, "processed": 1}
    [dead] = body["dead_letters"]
    assert dead["topic"] == "orders/create" and "no 'id'" in dead["error"]
    # Another shop cannot see or retry it.
    assert get(client, shopify, "/api/webhooks/health", OTHER_SHOP).json["counts"] == {}
    other = shopify.bearer(shopify.session_token(OTHER_SHOP))
    assert client.post(f"/api/webhooks/dead/{dead['id']}/retry", headers=other).status_code == 404
    mine = shopify.bearer(shopify.session_token(DEMO_SHOP))
    response = client.post(f"/api/webhooks/dead/{dead['id']}/retry", headers=mine)
    assert response.status_code == 200 and response.json["status"] == "pending"
    assert sorted(d.status for d in deliveries(app)) == ["pending", "processed"]
    assert client.post(f"/api/webhooks/dead/{dead['id']}/retry", headers=mine).status_code == 404


def test_compliance_log_and_exports_are_listed_for_the_merchant(app, client, shopify):
    shop_id = install(client, shopify)
    assert post(client, shopify, "customers/create", fixture_bytes("customers_create.json")) == 200
    assert (
        post(client, shopify, "customers/data_request", fixture_bytes("customers_data_request.json")) == 200
    )
    drain(app, shop_id)
    [request] = get(client, shopify, "/api/compliance/requests").json["requests"]
    assert request["topic"] == "customers/data_request" and request["status"] == "completed"
    assert request["deadline_at"] > request["received_at"]
    [export] = get(client, shopify, "/api/compliance/exports").json["exports"]
    content = get(client, shopify, f"/api/compliance/exports/{export['id']}").json["content"]
    assert content["customers"][0]["email"] == "ines.marlow@example.org"
    assert get(client, shopify, f"/api/compliance/exports/{export['id']}", OTHER_SHOP).status_code == 404
    assert get(client, shopify, "/api/compliance/exports", OTHER_SHOP).json["exports"] == []
