"""Customer search and the profile timeline over HTTP, from the mirrored tables."""

from __future__ import annotations

import pytest

from tests.conftest import OTHER_SHOP
from tests.web.ui_data import install, seed_small_store, shop_id


@pytest.fixture
def headers(app, client, shopify):
    headers = install(client, shopify)
    seed_small_store(app, shop_id(app))
    return headers


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("anna", ["Anna Berg"]),
        ("Ben Cole", ["Ben Cole"]),
        ("@example.com", ["Anna Berg", "Ben Cole", "Cleo Dunn"]),
        ("wholesale", ["Anna Berg"]),
        ("newsletter", ["Cleo Dunn"]),
        ("100%", []),
        ("nobody", []),
    ],
)
def test_search_by_name_email_or_tag(client, headers, query, names):
    response = client.get("/api/customers", query_string={"q": query}, headers=headers)
    assert response.status_code == 200
    assert sorted(c["name"] for c in response.json["customers"]) == names
    assert response.json["total"] == len(names)


def test_search_lists_order_counts_without_test_orders(client, headers):
    customers = client.get("/api/customers", headers=headers).json["customers"]
    assert {c["name"]: c["orders"] for c in customers} == {"Anna Berg": 2, "Ben Cole": 1, "Cleo Dunn": 0}


def test_profile_has_figures_a_merged_timeline_and_the_admin_link(client, headers):
    client.post(
        "/api/support/contacts",
        json={
            "customer_id": 101,
            "channel": "chat",
            "reason": "Refund status",
            "resolved_first_contact": True,
        },
        headers=headers,
    )

    profile = client.get("/api/customers/101", headers=headers).json

    assert profile["customer"]["admin_url"] == "https://admin.shopify.com/store/orbit-test/customers/101"
    assert profile["figures"]["orders"] == 2 and profile["figures"]["net_spent"] == "130.00"
    kinds = [event["kind"] for event in profile["timeline"]]
    assert kinds == ["support", "order", "refund", "order"]
    assert profile["timeline"][1]["title"] == "Order #9002 placed"
    assert profile["timeline"][2]["detail"]["amount"] == "20.00"


def test_abandoned_checkouts_join_the_timeline_by_customer_or_email(client, headers):
    timeline = client.get("/api/customers/103", headers=headers).json["timeline"]
    assert [(e["kind"], e["detail"]["items"]) for e in timeline] == [("checkout", ["Razor"])]


def test_unknown_or_foreign_customers_are_404(client, headers, shopify):
    assert client.get("/api/customers/999", headers=headers).status_code == 404
    other = install(client, shopify, OTHER_SHOP)
    assert client.get("/api/customers/101", headers=other).status_code == 404
    assert client.get("/api/customers", headers=other).json["total"] == 0


def test_bad_search_arguments_are_400(client, headers):
    assert client.get("/api/customers?limit=0", headers=headers).status_code == 400
    assert client.get("/api/customers?offset=x", headers=headers).status_code == 400
    assert client.get("/api/customers", query_string={"q": "x" * 500}, headers=headers).status_code == 400
