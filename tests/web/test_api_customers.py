"""Customer search and the profile timeline over HTTP, from the mirrored tables."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from app import db
from app.models import Advocate, CustomerFacts, Referral, Reward, Segment, SegmentMembershipEvent
from tests.conftest import OTHER_SHOP
from tests.web.ui_data import NOW, install, seed_small_store, shop_id


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


def test_lookup_by_ids_gives_names_for_analytics_rows(client, headers):
    found = client.get("/api/customers?ids=103,101,999", headers=headers).json["customers"]
    assert sorted(c["name"] for c in found) == ["Anna Berg", "Cleo Dunn"]
    assert client.get("/api/customers?ids=1,x", headers=headers).status_code == 400


def test_segment_changes_referrals_and_rewards_join_the_timeline(app, client, headers):
    with app.app_context():
        session = db.request_session()
        shop = shop_id(app)
        segment = Segment(shop_id=shop, name="Loyal", definition="number_of_orders >= 2", tag="loyal")
        advocate = Advocate(shop_id=shop, customer_shopify_id=101, code="ANNA-7K2Q")
        session.add_all([segment, advocate])
        session.flush()
        session.add(
            SegmentMembershipEvent(
                shop_id=shop,
                segment_id=segment.id,
                customer_shopify_id=101,
                kind="joined",
                happened_at=NOW - timedelta(days=9),
            )
        )
        referral = Referral(
            shop_id=shop,
            advocate_id=advocate.id,
            order_shopify_id=9003,
            friend_customer_shopify_id=102,
            code="ANNA-7K2Q",
            via="discount_code",
            order_total=Decimal("30.00"),
            currency="USD",
            ordered_at=NOW - timedelta(days=5),
            status="earned",
        )
        session.add(referral)
        session.flush()
        session.add(
            Reward(
                shop_id=shop,
                advocate_id=advocate.id,
                referral_id=referral.id,
                idempotency_key="r1",
                kind="store_credit",
                amount=Decimal("10.00"),
                currency="USD",
                status="issued",
                issued_at=NOW - timedelta(days=1),
            )
        )
        session.commit()  # fmt: skip

    anna = [
        (e["kind"], e["title"]) for e in client.get("/api/customers/101", headers=headers).json["timeline"]
    ]
    ben = [
        (e["kind"], e["title"]) for e in client.get("/api/customers/102", headers=headers).json["timeline"]
    ]
    home = client.get("/api/home", headers=headers).json

    assert anna[:3] == [
        ("reward", "Reward issued: store credit"),
        ("referral", "Referred a friend with code ANNA-7K2Q"),
        ("segment_joined", "Joined segment Loyal"),
    ]
    assert ("referral", "Came through a referral (code ANNA-7K2Q)") in ben
    assert {s["key"]: s["count"] for s in home["funnel"]}["advocates"] == 1


def test_leads_are_non_buyers_ranked_by_lead_score_with_reasons(app, client, headers):
    with app.app_context():
        session = db.request_session()
        shop = shop_id(app)
        for customer, orders, score in ((103, 0, "35.00"), (101, 2, None), (777, 0, "80.00"), (102, 0, None)):
            session.add(
                CustomerFacts(
                    shop_id=shop,
                    customer_shopify_id=customer,
                    number_of_orders=orders,
                    lead_score=None if score is None else Decimal(score),
                    lead_reasons=[f"reason for {customer}"],
                    computed_at=NOW,
                )
            )
        session.commit()  # fmt: skip

    leads = client.get("/api/leads", headers=headers).json

    assert leads["total"] == 2
    assert [(lead["customer_id"], lead["name"], lead["lead_score"]) for lead in leads["leads"]] == [
        (777, "Unnamed customer", "80.00"),
        (103, "Cleo Dunn", "35.00"),
    ]
    assert leads["leads"][1]["reasons"] == ["reason for 103"]
    assert client.get("/api/leads?limit=0", headers=headers).status_code == 400
