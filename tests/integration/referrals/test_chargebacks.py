"""Chargebacks reach the referral checks through the webhook pipeline: Shopify's disputes/create
and disputes/update (signed, stored by the intake, applied by the drain) record the dispute; a
chargeback during the hold voids the referral with its reason, one after the reward was issued
takes the reward back; an inquiry is not a chargeback; a late, older delivery changes nothing."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app import db
from app.models import OrderDispute, Referral, Reward, WebhookDelivery, utcnow
from devstore.resolvers.discounts import find_by_code
from tests.helpers import json_body

DISPUTE_ID = 285332461850


def dispute_body(order_id: int, kind: str = "chargeback", status: str = "needs_response") -> dict:
    """The disputes/* body (Shopify Payments dispute, REST shape)."""
    return {
        "id": DISPUTE_ID,
        "order_id": order_id,
        "type": kind,
        "amount": "59.00",
        "currency": "USD",
        "reason": "fraudulent",
        "network_reason_code": "4837",
        "status": status,
        "evidence_due_by": "2026-12-20T00:00:00-05:00",
        "evidence_sent_on": None,
        "finalized_on": None,
        "initiated_at": "2026-12-02T11:00:00-05:00",
    }


def deliver(shop, client, shopify, topic: str, body: dict, triggered_at: str, webhook_id: str | None = None):
    raw = json_body(body)
    headers = shopify.webhook_headers(
        topic, shop.domain, raw, triggered_at=triggered_at, webhook_id=webhook_id
    )
    response = client.post("/webhooks/disputes", data=raw, headers=headers)
    assert response.status_code == 200, response.text
    shop.sync()  # the drain applies it, as a worker would


def referred_order(shop, email: str) -> dict:
    advocate = shop.new_customer(f"advocate.{email}", first_name="Ari")
    shop.change(kind="order.create", customer_id=advocate, lines=shop.lines())
    shop.sync()
    code = shop.enrol(advocate)["code"]
    friend = shop.new_customer(email)
    order = shop.change(
        kind="order.create",
        customer_id=friend,
        lines=shop.lines(),
        discount_code=code,
        browser_ip="203.0.113.9",
        shipping_address={
            "address1": "4 Cedar Court",
            "city": "Austin",
            "zip": "78701",
            "country_code": "US",
        },
    )
    shop.sync()
    assert shop.run()["attributed"] == 1
    return order


def rows(shop, model) -> list:
    with shop.app.app_context():
        return list(db.request_session().scalars(select(model).where(model.shop_id == shop.shop_id)))


def test_a_chargeback_during_the_hold_voids_the_referral(referral_shop, client, shopify):
    shop = referral_shop
    shop.settings()
    order = referred_order(shop, "disputer@example.com")

    deliver(shop, client, shopify, "disputes/create", dispute_body(order["id"]), "2026-12-02T16:00:00Z")
    [delivery] = [d for d in rows(shop, WebhookDelivery) if d.topic == "disputes/create"]
    assert delivery.status == "processed"
    [dispute] = rows(shop, OrderDispute)
    assert (dispute.order_shopify_id, dispute.kind, dispute.status) == (
        order["id"],
        "chargeback",
        "needs_response",
    )

    summary = shop.run(utcnow() + timedelta(days=15))
    assert (summary["earned"], summary["void"]) == (0, 1)
    [referral] = rows(shop, Referral)
    assert referral.status == "void" and referral.decided_by == "rules"
    assert [f["rule"] for f in referral.findings] == ["chargeback"]
    assert "charged back" in referral.findings[0]["reason"]
    assert rows(shop, Reward) == []


def test_an_inquiry_is_not_a_chargeback_and_a_late_older_delivery_changes_nothing(
    referral_shop, client, shopify
):
    shop = referral_shop
    shop.settings()
    order = referred_order(shop, "inquirer@example.com")
    inquiry = dispute_body(order["id"], kind="inquiry", status="under_review")
    deliver(shop, client, shopify, "disputes/create", inquiry, "2026-12-02T16:00:00Z", "wh-create")
    deliver(shop, client, shopify, "disputes/update", {**inquiry, "status": "won"}, "2026-12-03T16:00:00Z")
    # Shopify retries the first delivery after the update was applied (new webhook id, old time).
    deliver(shop, client, shopify, "disputes/create", inquiry, "2026-12-02T16:00:00Z", "wh-create-retry")
    [dispute] = rows(shop, OrderDispute)
    assert (dispute.kind, dispute.status) == ("inquiry", "won")

    summary = shop.run(utcnow() + timedelta(days=15))
    assert (summary["earned"], summary["issued"]) == (1, 1)
    assert [r.status for r in rows(shop, Referral)] == ["earned"]


def test_a_chargeback_after_the_reward_was_issued_takes_it_back(referral_shop, client, shopify):
    shop = referral_shop
    shop.settings(refund_after_issue="reverse")
    order = referred_order(shop, "late.disputer@example.com")
    assert shop.run(utcnow() + timedelta(days=15))["issued"] == 1

    deliver(shop, client, shopify, "disputes/create", dispute_body(order["id"]), "2026-12-20T16:00:00Z")
    assert shop.run(utcnow() + timedelta(days=16))["reversed_or_flagged"] == 1
    assert shop.run(utcnow() + timedelta(days=17))["reversed_or_flagged"] == 0
    [reward] = rows(shop, Reward)
    assert reward.status == "reversed"
    assert find_by_code(shop.dev, reward.code)["status"] == "EXPIRED"
    [referral] = rows(shop, Referral)
    assert referral.status == "void"
    assert referral.findings[-1]["rule"] == "chargeback_after_reward"
