"""Rewards Shopify refuses are retried, then shown as failed, without holding the others back;
an advocate earns at most the cap; the shop's country decides how local phone numbers read."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app import db
from app.models import Referral, Reward, utcnow
from app.referral_program.rewards import MAX_ATTEMPTS
from devstore.resolvers.store_credit import accounts


def rows(shop, model) -> list:
    with shop.app.app_context():
        found = db.request_session().scalars(
            select(model).where(model.shop_id == shop.shop_id).order_by(model.id)
        )
        return list(found)


def advocate_with_code(shop, email: str, first_name: str) -> tuple[int, str]:
    customer = shop.new_customer(email, first_name=first_name)
    shop.change(kind="order.create", customer_id=customer, lines=shop.lines())
    shop.sync()
    return customer, shop.enrol(customer)["code"]


def referred_order(shop, code: str, email: str, n: int, phone: str | None = None) -> dict:
    friend = shop.new_customer(email)
    if phone:  # the devstore sets a phone number by update, as the admin does
        shop.change(kind="customer.update", id=friend, phone=phone)
    return shop.change(
        kind="order.create",
        customer_id=friend,
        lines=shop.lines(),
        discount_code=code,
        browser_ip=f"198.51.100.{100 + n}",
        shipping_address={
            "address1": f"{n} Birch Lane",
            "city": "Boise",
            "zip": "83702",
            "country_code": "US",
        },
    )


def test_a_reward_shopify_refuses_is_retried_then_failed_and_never_blocks_the_others(
    referral_shop, client, shopify
):
    shop = referral_shop
    shop.settings(advocate_reward={"kind": "store_credit", "amount": "7"})
    gone, gone_code = advocate_with_code(shop, "gone@example.com", "Gina")
    kept, kept_code = advocate_with_code(shop, "kept@example.com", "Kim")
    referred_order(shop, gone_code, "friend.of.gina@example.com", 1)
    referred_order(shop, kept_code, "friend.of.kim@example.com", 2)
    shop.sync()
    shop.run()
    # Gina's account vanished from Shopify (erased, its webhook not yet here): crediting her fails.
    gina = shop.dev.customers.pop(gone)

    later = utcnow() + timedelta(days=15)
    first = shop.run(later)
    assert (first["earned"], first["issued"], first["issue_errors"], first["failed"]) == (2, 1, 1, 0)
    issued = [r for r in rows(shop, Reward) if r.status == "issued"]
    waiting = [r for r in rows(shop, Reward) if r.status == "earned"]
    assert len(issued) == 1 and len(waiting) == 1
    assert [a["owner_id"] for a in accounts(shop.dev).values()] == [kept]
    assert waiting[0].attempts == 1 and "Account not found" in waiting[0].last_error

    for attempt in range(2, MAX_ATTEMPTS + 1):
        summary = shop.run(later)
        assert summary["issue_errors"] == 1 and summary["failed"] == (attempt == MAX_ATTEMPTS)
    [failed] = [r for r in rows(shop, Reward) if r.id == waiting[0].id]
    assert (failed.status, failed.attempts) == ("failed", MAX_ATTEMPTS)
    assert shop.run(later)["issue_errors"] == 0  # failed rewards wait for the merchant

    # The merchant sees why, and asks for another try once the customer is back.
    headers = shopify.bearer(shop.devstore.session_token(shop.domain))
    listed = client.get("/api/referrals", headers=headers, query_string={"status": "earned"}).json
    [shown] = [r["reward"] for r in listed["referrals"] if r["reward"]["status"] == "failed"]
    assert shown["attempts"] == MAX_ATTEMPTS and "Account not found" in shown["last_error"]
    shop.dev.customers[gone] = gina
    retried = client.post(f"/api/referrals/rewards/{shown['id']}/retry", headers=headers)
    assert retried.status_code == 200 and retried.json["reward"]["status"] == "earned"
    assert client.post(f"/api/referrals/rewards/{shown['id']}/retry", headers=headers).status_code == 409
    assert client.post("/api/referrals/rewards/999999/retry", headers=headers).status_code == 404
    assert shop.run(later)["issued"] == 1
    assert sorted(r.status for r in rows(shop, Reward)) == ["issued", "issued"]
    assert sorted(a["owner_id"] for a in accounts(shop.dev).values()) == sorted([gone, kept])


def test_an_advocate_earns_at_most_the_cap(referral_shop):
    shop = referral_shop
    shop.settings(max_rewards_per_advocate=1)
    _, code = advocate_with_code(shop, "capped@example.com", "Cathy")
    for n in (1, 2):
        referred_order(shop, code, f"capped.friend{n}@example.com", n)
        shop.sync()
    assert shop.run()["attributed"] == 2

    summary = shop.run(utcnow() + timedelta(days=15))
    assert (summary["earned"], summary["capped"], summary["issued"]) == (1, 1, 1)
    first, second = rows(shop, Referral)
    assert (first.status, second.status) == ("earned", "rejected")
    assert [f["rule"] for f in second.findings] == ["cap_reached"]
    assert "already earned 1" in second.findings[0]["reason"]
    assert len(rows(shop, Reward)) == 1
    assert shop.run(utcnow() + timedelta(days=16))["earned"] == 0


def test_phone_numbers_written_locally_are_read_in_the_shops_country(referral_shop):
    shop = referral_shop
    shop.dev.country_code = "GB"
    shop.settings()
    advocate, code = advocate_with_code(shop, "london.advocate@example.com", "Lou")
    shop.change(kind="customer.update", id=advocate, phone="+44 20 7946 0958")
    # The same person again, their number written the way people in the UK write it.
    referred_order(shop, code, "another.lou@example.org", 3, phone="020 7946 0958")
    shop.sync()
    shop.run()
    [referral] = rows(shop, Referral)
    assert referral.status == "rejected"
    assert [f["rule"] for f in referral.findings] == ["self_phone"]
