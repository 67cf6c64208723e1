"""The referral link through the app proxy: the devstore's storefront signs the request like
Shopify, the app verifies it, counts the click and sends the friend to the store with the code;
an order that landed through the link is attributed to the advocate even without the code."""

from __future__ import annotations

import time
from urllib.parse import urlencode

import httpx
from sqlalchemy import func, select

from app import db
from app.models import Advocate, Referral, ReferralClick
from devstore.app_proxy import signed_params
from tests.conftest import CLIENT_SECRET


def clicks(shop) -> int:
    with shop.app.app_context():
        return db.request_session().scalar(select(func.count(ReferralClick.id)))


def test_a_referral_link_counts_the_click_and_applies_the_code(referral_shop):
    shop = referral_shop
    shop.settings()
    advocate_id = shop.buyer()
    shop.sync()
    code = shop.enrol(advocate_id)["code"]

    landing = httpx.get(
        f"{shop.devstore.url}/apps/orbit/r/{code.lower()}", params={"shop": shop.domain}, timeout=10
    )
    assert landing.status_code == 302
    assert landing.headers["location"] == f"https://{shop.domain}/discount/{code}?redirect=%2F%3Fref%3D{code}"
    assert clicks(shop) == 1
    with shop.app.app_context():
        assert db.request_session().scalar(select(Advocate.clicks)) == 1

    unknown = httpx.get(
        f"{shop.devstore.url}/apps/orbit/r/NOBODY-2222", params={"shop": shop.domain}, timeout=10
    )
    assert (unknown.status_code, unknown.headers["location"]) == (302, f"https://{shop.domain}/")
    assert clicks(shop) == 1

    # The friend shops from the landing page and does not type the code: still attributed.
    friend = shop.new_customer("linked.friend@example.com")
    shop.change(
        kind="order.create",
        customer_id=friend,
        lines=shop.lines(),
        landing_site=f"/apps/orbit/r/{code}?utm_source=whatsapp",
        browser_ip="198.51.100.61",
        shipping_address={"address1": "40 Pine Court", "city": "Boise", "zip": "83702", "country_code": "US"},
    )
    shop.sync()
    shop.run()
    with shop.app.app_context():
        referral = db.request_session().scalars(select(Referral)).one()
    assert (referral.via, referral.code, referral.status) == ("landing_page", code, "pending")


def test_a_badly_signed_proxy_request_is_refused(referral_shop, client):
    shop = referral_shop
    shop.settings()
    advocate_id = shop.buyer()
    shop.sync()
    code = shop.enrol(advocate_id)["code"]
    good = signed_params({}, shop.domain, "/apps/orbit", CLIENT_SECRET)
    assert client.get(f"/proxy/r/{code}?{urlencode(good, doseq=True)}").status_code == 302

    forged = {**good, "signature": ["0" * 64]}
    stale = signed_params({}, shop.domain, "/apps/orbit", CLIENT_SECRET, now=time.time() - 600)
    other_secret = signed_params({}, shop.domain, "/apps/orbit", "not-the-client-secret")
    for params in (forged, stale, other_secret, {"shop": [shop.domain]}):
        response = client.get(f"/proxy/r/{code}?{urlencode(params, doseq=True)}")
        assert response.status_code == 401, params
    assert clicks(shop) == 1


def test_traffic_brings_referred_first_orders_once_the_shop_has_advocates(referral_shop):
    shop = referral_shop
    shop.settings()
    advocate_id = shop.buyer()
    shop.sync()
    code = shop.enrol(advocate_id)["code"]
    before = set(shop.dev.orders)
    response = httpx.post(
        f"{shop.devstore.url}/_devstore/shops/{shop.domain}/traffic",
        json={"changes": 150, "seed": 3},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    referred = [
        o
        for i, o in shop.dev.orders.items()
        if i not in before and any(d["code"] == code for d in o["discount_codes"])
    ]
    assert referred, response.json()
    assert all(o["landing_site"] == f"/apps/orbit/r/{code}" for o in referred)
    shop.sync()
    summary = shop.run()
    assert summary["attributed"] == len(referred)
