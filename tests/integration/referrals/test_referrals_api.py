"""The Referrals page's API: settings with field errors, advocates with their figures, the
review queue (a shared household waits for the merchant, who approves or rejects it), KPIs, and
tenant isolation."""

from __future__ import annotations

from datetime import timedelta

from app import db
from app.models import Shop, utcnow
from tests.conftest import DEMO_SHOP


def bearer(shop) -> dict[str, str]:
    return {"Authorization": f"Bearer {shop.devstore.session_token(shop.domain)}"}


def test_store_credit_is_refused_when_the_shop_did_not_grant_its_scopes(referral_shop, client):
    headers = bearer(referral_shop)
    with referral_shop.app.app_context(), db.transaction() as session:
        shop = session.get(Shop, referral_shop.shop_id)
        # The merchant took the store credit scopes back (app/scopes_update records what is left).
        shop.scopes = "read_customers,write_customers,read_orders,read_products,write_discounts"
    refused = client.put(
        "/api/referrals/settings",
        headers=headers,
        json={"enabled": True, "advocate_reward": {"kind": "store_credit", "amount": "5"}},
    )
    assert refused.status_code == 422
    message = refused.json["error"]["fields"]["advocate_reward.kind"]
    assert "read_store_credit_accounts" in message and "write_store_credit_account_transactions" in message
    kept = client.get("/api/referrals/settings", headers=headers).json["settings"]
    assert kept["advocate_reward"]["kind"] == "discount_code"  # nothing was stored
    accepted = client.put(
        "/api/referrals/settings",
        headers=headers,
        json={"enabled": True, "advocate_reward": {"kind": "discount_code", "amount": "5"}},
    )
    assert accepted.status_code == 200


def test_settings_are_validated_field_by_field(referral_shop, client):
    headers = bearer(referral_shop)
    defaults = client.get("/api/referrals/settings", headers=headers).json["settings"]
    assert defaults["enabled"] is False and defaults["hold"] == {"mode": "days", "days": 14}

    bad = client.put(
        "/api/referrals/settings",
        headers=headers,
        json={"hold": {"days": -1}, "friend_offer": {"kind": "bogus"}, "surprise": 1},
    )
    assert bad.status_code == 422
    assert set(bad.json["error"]["fields"]) == {"surprise"}
    bad = client.put(
        "/api/referrals/settings",
        headers=headers,
        json={"hold": {"days": -1}, "friend_offer": {"value": "x"}},
    )
    assert bad.status_code == 422
    assert set(bad.json["error"]["fields"]) == {"hold.days", "friend_offer.value"}
    assert client.put("/api/referrals/settings", headers=headers, data="[1,").status_code == 422

    saved = client.put(
        "/api/referrals/settings",
        headers=headers,
        json={"enabled": True, "advocate_reward": {"kind": "store_credit", "amount": "7.5"}},
    )
    assert saved.status_code == 200
    again = client.get("/api/referrals/settings", headers=headers).json["settings"]
    assert again["enabled"] is True and again["advocate_reward"]["kind"] == "store_credit"


def test_a_doubtful_referral_waits_in_review_until_the_merchant_decides(referral_shop, client):
    shop, headers = referral_shop, bearer(referral_shop)
    shop.settings()
    advocate_id = shop.buyer()
    shop.sync()
    enrol = client.post("/api/referrals/advocates", headers=headers, json={"customer_id": advocate_id})
    assert enrol.status_code == 202
    code = enrol.json["advocate"]["code"]
    shop.enrol(advocate_id)  # what the queued job does
    assert (
        client.post("/api/referrals/advocates", headers=headers, json={"customer_id": "x"}).status_code == 422
    )
    no_orders = shop.new_customer("no.orders@example.com")
    refused = client.post("/api/referrals/advocates", headers=headers, json={"customer_id": no_orders})
    assert refused.status_code == 422 and "paid order" in refused.json["error"]["fields"]["customer_id"]

    # Two friends order; one ships to the advocate's own flat (a household: doubtful, not clear).
    home = shop.dev.customers[advocate_id]["default_address"]
    for email, address, ip in (
        ("roommate@example.com", home, "198.51.100.81"),
        (
            "stranger@example.com",
            {"address1": "7 Cedar Ave", "zip": "60601", "country_code": "US"},
            "198.51.100.82",
        ),
    ):
        friend = shop.new_customer(email)
        shop.change(
            kind="order.create",
            customer_id=friend,
            lines=shop.lines(),
            discount_code=code,
            browser_ip=ip,
            shipping_address=address,
        )
    shop.sync()
    shop.run()

    queue = client.get("/api/referrals/review", headers=headers).json
    assert queue["total"] == 1
    [waiting] = queue["referrals"]
    assert waiting["status"] == "review" and waiting["advocate"]["code"] == code
    assert [r["rule"] for r in waiting["reasons"]] == ["same_address"]
    assert "same flat" in waiting["reasons"][0]["reason"]

    # The hold passes: the clean referral earns, the doubtful one still waits (never auto-approved).
    shop.run(utcnow() + timedelta(days=20))
    statuses = sorted(r["status"] for r in client.get("/api/referrals", headers=headers).json["referrals"])
    assert statuses == ["earned", "review"]

    approved = client.post(
        f"/api/referrals/{waiting['id']}/approve", headers=headers, json={"note": "Flatmates"}
    )
    assert approved.status_code == 200 and approved.json["referral"]["status"] == "pending"
    assert approved.json["referral"]["reasons"][-1]["reason"] == "The merchant approved it: Flatmates"
    assert client.post(f"/api/referrals/{waiting['id']}/reject", headers=headers).status_code == 409
    assert client.post("/api/referrals/999999/approve", headers=headers).status_code == 404
    shop.run(utcnow() + timedelta(days=21))

    # Every customer with a paid order is an advocate now (the run enrols them); this one referred.
    listed = client.get("/api/referrals/advocates", headers=headers, query_string={"limit": 200}).json
    [advocate] = [a for a in listed["advocates"] if a["code"] == code]
    assert advocate["referrals"]["earned"] == 2 and advocate["rewards"]["issued"] == 2
    assert advocate["rewards"]["amount"] == "20.00" and advocate["published"] is True

    kpis = client.get("/api/referrals/kpis", headers=headers, query_string={"days": 30}).json
    assert kpis["referred_orders"] == 2 and kpis["referred_new_customers"] == 2
    assert kpis["new_customers"] >= 2 and 0 < kpis["share_referred"] <= 1
    assert kpis["reward_cost"] == "20.00"
    assert kpis["cost_to_revenue"] == round(20 / float(kpis["referred_revenue"]), 4)
    assert kpis["friend_conversion"] is None  # no link clicks: the codes were typed
    assert client.get("/api/referrals/kpis", headers=headers, query_string={"days": 0}).status_code == 400
    assert client.get("/api/referrals", headers=headers, query_string={"status": "nope"}).status_code == 400


def test_another_shop_cannot_see_or_decide_this_shops_referrals(referral_shop, client, devstore):
    shop = referral_shop
    shop.settings()
    advocate_id = shop.buyer()
    shop.sync()
    shop.enrol(advocate_id)
    other = {"Authorization": f"Bearer {devstore.session_token(DEMO_SHOP)}"}
    assert (
        client.get(
            "/", query_string={"shop": DEMO_SHOP, "id_token": devstore.session_token(DEMO_SHOP)}
        ).status_code
        == 200
    )
    assert client.get("/api/referrals/advocates", headers=other).json["advocates"] == []
    assert client.get("/api/referrals/advocates", headers=bearer(shop)).json["total"] == 1
