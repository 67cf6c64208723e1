"""End to end against the devstore: an advocate gets a code, a new customer orders with it
(the order reaches the app as Shopify's webhooks), the hold passes, the advocate receives
exactly one reward; a self-referral is rejected with its reason; a refunded order earns nothing."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from app import db
from app.models import Advocate, Referral, Reward, utcnow
from devstore.resolvers.discounts import find_by_code


def referrals(shop) -> list[Referral]:
    with shop.app.app_context():
        return list(db.request_session().scalars(select(Referral).where(Referral.shop_id == shop.shop_id)))


def rewards(shop) -> list[Reward]:
    with shop.app.app_context():
        return list(db.request_session().scalars(select(Reward).where(Reward.shop_id == shop.shop_id)))


def enrolled_advocate(shop) -> tuple[int, str]:
    advocate_id = shop.buyer()
    shop.sync()
    enrolled = shop.enrol(advocate_id)
    return advocate_id, enrolled["code"]


def test_a_referred_first_order_earns_exactly_one_reward_after_the_hold(referral_shop):
    shop = referral_shop
    shop.settings(
        hold={"mode": "days", "days": 14}, advocate_reward={"kind": "discount_code", "amount": "15"}
    )
    advocate_id, code = enrolled_advocate(shop)

    # The code exists in Shopify, limited to customers without orders; the metafield carries it.
    discount = find_by_code(shop.dev, code)
    assert discount is not None and discount["applies_once_per_customer"]
    assert discount["segment_ids"]
    metafield = next(v for k, v in shop.dev._metafields["values"].items() if k[0].endswith(f"/{advocate_id}"))
    assert json.loads(metafield["value"]) == {
        "code": code,
        "link": f"https://{shop.domain}/apps/orbit/r/{code}",
    }
    # A customer with orders cannot use it, as in Shopify's checkout.
    assert "without previous orders" in shop.refused_change(
        kind="order.create", customer_id=advocate_id, lines=shop.lines(), discount_code=code
    )

    friend = shop.new_customer("new.friend@example.net")
    order = shop.change(
        kind="order.create",
        customer_id=friend,
        lines=shop.lines(),
        discount_code=code.lower(),
        browser_ip="198.51.100.23",
        shipping_address={"address1": "9 Elm Road", "city": "Portland", "zip": "97201", "country_code": "US"},
    )
    assert order["discount_codes"][0]["code"] == code
    shop.sync()

    assert shop.run()["attributed"] == 1
    [referral] = referrals(shop)
    assert (referral.order_shopify_id, referral.status, referral.via) == (
        order["id"],
        "pending",
        "discount_code",
    )
    assert rewards(shop) == []

    # Thirteen days on, still held; fifteen days on, earned and issued once.
    assert shop.run(utcnow() + timedelta(days=13)).get("earned") == 0
    summary = shop.run(utcnow() + timedelta(days=15))
    assert (summary["earned"], summary["issued"]) == (1, 1)
    again = shop.run(utcnow() + timedelta(days=16))
    assert (again["earned"], again["issued"]) == (0, 0)

    [reward] = rewards(shop)
    assert (reward.status, reward.kind, reward.amount) == ("issued", "discount_code", 15)
    issued = find_by_code(shop.dev, reward.code)
    assert issued["admin_graphql_api_id"] == reward.shopify_gid
    assert issued["usage_limit"] == 1 and issued["customer_ids"] == [f"gid://shopify/Customer/{advocate_id}"]
    assert sum(1 for d in shop.dev.discount_codes.values() if d["code"].startswith(f"{code}-R")) == 1
    assert [r.status for r in referrals(shop)] == ["earned"]


def test_a_self_referral_is_rejected_with_its_reason(referral_shop):
    shop = referral_shop
    shop.settings()
    advocate_id, code = enrolled_advocate(shop)
    shop.change(kind="customer.update", id=advocate_id, email="Sam.Advocate@gmail.com")
    # A second account of the same person: Gmail ignores dots and +tags.
    alias = shop.new_customer("samadvocate+deals@gmail.com")
    shop.change(
        kind="order.create",
        customer_id=alias,
        lines=shop.lines(),
        discount_code=code,
        browser_ip="198.51.100.40",
    )
    shop.sync()

    shop.run()
    [referral] = referrals(shop)
    assert referral.status == "rejected" and referral.decided_by == "rules"
    self_email = next(f for f in referral.findings if f["rule"] == "self_email")
    assert self_email["action"] == "reject" and "samadvocate@gmail.com" in self_email["reason"]
    assert shop.run(utcnow() + timedelta(days=30)).get("earned") == 0
    assert rewards(shop) == []


def test_a_refunded_order_earns_nothing(referral_shop):
    shop = referral_shop
    shop.settings()
    advocate_id, code = enrolled_advocate(shop)
    friend = shop.new_customer("refunder@example.org")
    order = shop.change(
        kind="order.create",
        customer_id=friend,
        lines=shop.lines(),
        discount_code=code,
        browser_ip="198.51.100.77",
    )
    shop.sync()
    shop.run()
    shop.change(kind="order.refund", id=order["id"])
    shop.sync()

    summary = shop.run(utcnow() + timedelta(days=15))
    assert (summary["earned"], summary["void"]) == (0, 1)
    [referral] = referrals(shop)
    assert referral.status == "void"
    assert any("refunded" in f["reason"] for f in referral.findings)
    assert rewards(shop) == []
    with shop.app.app_context():
        keeps = select(Advocate.code).where(Advocate.customer_shopify_id == advocate_id)
        assert db.request_session().scalar(keeps) == code


def test_an_advocate_who_referred_a_friend_is_tagged_through_the_push_pipeline(referral_shop):
    from jobs.analytics import recompute_dirty
    from jobs.push import push_shop

    shop = referral_shop
    shop.settings()
    advocate_id, code = enrolled_advocate(shop)
    with shop.app.app_context():
        recompute_dirty(shop.shop_id)
        push_shop(shop.shop_id)
    assert "orbit:advocate" not in str(shop.dev.customers[advocate_id].get("tags"))

    friend = shop.new_customer("tagged.friend@example.com")
    shop.change(
        kind="order.create",
        customer_id=friend,
        lines=shop.lines(),
        discount_code=code,
        browser_ip="198.51.100.90",
        shipping_address={"address1": "5 Ash Way", "city": "Reno", "zip": "89501", "country_code": "US"},
    )
    shop.sync()
    assert shop.run()["advocates_changed"] == 1
    with shop.app.app_context():
        recompute_dirty(shop.shop_id)
        push_shop(shop.shop_id)
    assert "orbit:advocate" in str(shop.dev.customers[advocate_id].get("tags"))
    assert "orbit:advocate" not in str(shop.dev.customers[friend].get("tags"))


@pytest.mark.parametrize(
    ("kind", "policy", "status"),
    [
        ("discount_code", "reverse", "reversed"),
        ("store_credit", "reverse", "reversed"),
        ("discount_code", "flag", "flagged"),
    ],
)
def test_a_refund_after_the_reward_was_issued_reverses_or_flags_it(referral_shop, kind, policy, status):
    from devstore.resolvers.store_credit import accounts

    shop = referral_shop
    shop.settings(advocate_reward={"kind": kind, "amount": "10"}, refund_after_issue=policy)
    _, code = enrolled_advocate(shop)
    friend = shop.new_customer("late.refund@example.org")
    order = shop.change(
        kind="order.create",
        customer_id=friend,
        lines=shop.lines(),
        discount_code=code,
        browser_ip="198.51.100.99",
        shipping_address={"address1": "8 Fir Street", "city": "Tulsa", "zip": "74103", "country_code": "US"},
    )
    shop.sync()
    shop.run()
    assert shop.run(utcnow() + timedelta(days=15))["issued"] == 1
    shop.change(kind="order.refund", id=order["id"])
    shop.sync()

    assert shop.run(utcnow() + timedelta(days=16))["reversed_or_flagged"] == 1
    assert shop.run(utcnow() + timedelta(days=17))["reversed_or_flagged"] == 0
    [reward] = rewards(shop)
    assert reward.status == status and reward.reversal_note
    assert [r.status for r in referrals(shop)] == ["void"]
    if kind == "discount_code":
        expected = "EXPIRED" if policy == "reverse" else "ACTIVE"
        assert find_by_code(shop.dev, reward.code)["status"] == expected
    else:
        [account] = accounts(shop.dev).values()
        assert account["balance"] == 0 and [t["kind"] for t in account["transactions"]] == ["credit", "debit"]


def test_a_drain_queues_the_referral_run_and_a_worker_attributes_the_order(referral_shop):
    from rq import SimpleWorker
    from rq.serializers import JSONSerializer

    from app.queues import queue
    from app.redis_conn import redis
    from jobs.referrals import run_all

    shop = referral_shop
    shop.settings()
    _, code = enrolled_advocate(shop)
    friend = shop.new_customer("worker.friend@example.com")
    shop.change(
        kind="order.create",
        customer_id=friend,
        lines=shop.lines(),
        discount_code=code,
        browser_ip="198.51.100.5",
    )
    shop.sync()  # the drain's after_drain hook queues the shop's referral run
    with shop.app.app_context():
        assert queue("sync").fetch_job(f"referrals-shop-{shop.shop_id}") is not None
        SimpleWorker([queue("sync")], connection=redis(), serializer=JSONSerializer).work(burst=True)
    assert [r.order_shopify_id for r in referrals(shop)] != []
    with shop.app.app_context():
        assert run_all() == 1  # the periodic pass: only this shop has its program on
        assert run_all() == 0  # already waiting: coalesced


def test_a_burst_of_referred_orders_from_one_network_waits_for_review(referral_shop):
    shop = referral_shop
    shop.settings(velocity={"window_days": 7, "max_orders_per_network": 3, "max_orders_per_address": 2})
    _, code = enrolled_advocate(shop)
    for n in range(4):  # four devices of one household or office: one IPv6 /64
        friend = shop.new_customer(f"burst{n}@example.com")
        shop.change(
            kind="order.create",
            customer_id=friend,
            lines=shop.lines(),
            discount_code=code,
            browser_ip=f"2001:db8:77:5::{n + 1:x}",
            shipping_address={"address1": f"{n + 1} Spruce Road", "zip": "10001", "country_code": "US"},
        )
        shop.sync()
        shop.run()
    statuses = [r.status for r in sorted(referrals(shop), key=lambda r: r.id)]
    assert statuses == ["pending", "pending", "pending", "review"]
    last = max(referrals(shop), key=lambda r: r.id)
    assert [f["rule"] for f in last.findings] == ["network_velocity"]
    assert "2001:db8:77:5::/64" in last.findings[0]["reason"]
