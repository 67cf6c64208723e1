"""Support contacts over HTTP: logging, validation, listing and the KPIs moving."""

from __future__ import annotations

from tests.conftest import OTHER_SHOP
from tests.web.ui_data import install, seed_small_store, shop_id

CONTACT = {
    "customer_id": 101,
    "channel": "email",
    "reason": "Where is my order?",
    "resolved_first_contact": True,
    "csat": 5,
    "effort": 2,
    "note": "Tracking link resent",
}


def test_a_logged_contact_is_listed_with_the_customer_name(app, client, shopify):
    headers = install(client, shopify)
    seed_small_store(app, shop_id(app))

    created = client.post("/api/support/contacts", json=CONTACT, headers=headers)

    assert created.status_code == 201
    listed = client.get("/api/support/contacts", headers=headers).json["contacts"]
    assert [(c["customer_name"], c["reason"], c["csat"]) for c in listed] == [
        ("Anna Berg", "Where is my order?", 5)
    ]
    only_ben = client.get("/api/support/contacts?customer_id=102", headers=headers).json["contacts"]
    assert only_ben == []


def test_kpis_move_with_each_contact(app, client, shopify):
    headers = install(client, shopify)
    seed_small_store(app, shop_id(app))
    before = client.get("/api/support/kpis", headers=headers).json["last_30_days"]
    assert before["contacts"] == 0 and before["csat_percent"] is None

    client.post("/api/support/contacts", json=CONTACT, headers=headers)
    unhappy = {**CONTACT, "csat": 2, "effort": 6, "resolved_first_contact": False}
    client.post("/api/support/contacts", json=unhappy, headers=headers)
    after = client.get("/api/support/kpis?weeks=4", headers=headers).json

    current = after["last_30_days"]
    assert current["contacts"] == 2
    assert current["csat_percent"] == 50.0
    assert current["first_contact_resolution_percent"] == 50.0
    assert current["average_effort"] == 4.0
    # Orders of the last 30 days: Anna's one and Ben's one (the test order does not count).
    assert current["orders"] == 2 and current["contacts_per_100_orders"] == 100.0
    assert len(after["weekly"]) == 4 and after["weekly"][-1]["contacts"] == 2


def test_invalid_contacts_get_422_with_an_error_per_field(client, shopify):
    headers = install(client, shopify)
    bad = {"customer_id": "x", "channel": "pigeon", "reason": " ", "csat": 6, "effort": 0}

    response = client.post("/api/support/contacts", json=bad, headers=headers)

    assert response.status_code == 422
    assert set(response.json["error"]["fields"]) == {
        "customer_id",
        "channel",
        "reason",
        "resolved_first_contact",
        "csat",
        "effort",
    }
    assert client.post("/api/support/contacts", data="nope", headers=headers).status_code == 422
    assert client.get("/api/support/kpis?weeks=0", headers=headers).status_code == 400


def test_contacts_stay_within_their_shop(app, client, shopify):
    headers = install(client, shopify)
    client.post("/api/support/contacts", json=CONTACT, headers=headers)
    other = install(client, shopify, OTHER_SHOP)

    assert client.get("/api/support/contacts", headers=other).json["contacts"] == []
    assert client.get("/api/support/kpis", headers=other).json["last_30_days"]["contacts"] == 0


def test_support_api_requires_a_session_token(client):
    response = client.post("/api/support/contacts", json=CONTACT)
    assert response.status_code == 401
    assert response.headers["X-Shopify-Retry-Invalid-Session-Request"] == "1"
