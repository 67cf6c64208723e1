"""Everything under /api demands a valid session token; every flavour of bad one gets 401
with App Bridge's retry header, and a good one installs the shop on the spot if needed."""

from __future__ import annotations

import time

import pytest

from tests.conftest import DEMO_SHOP, OLD_CLIENT_SECRET

RETRY = "X-Shopify-Retry-Invalid-Session-Request"


def test_a_valid_session_token_reads_live_shop_data(client, shopify, devstore_store):
    response = client.get("/api/shop", headers=shopify.bearer(shopify.session_token(DEMO_SHOP)))

    assert response.status_code == 200, response.json
    body = response.json
    shop = devstore_store.get(DEMO_SHOP)
    assert body["shop"]["domain"] == DEMO_SHOP
    assert body["counts"]["customers"] == len(shop.customers)
    assert body["counts"]["orders"] == len(shop.orders)
    assert body["counts"]["products"] == len(shop.products)
    assert 0 < len(body["recent_orders"]) <= 5
    assert response.headers["Content-Security-Policy"] == (
        f"frame-ancestors https://{DEMO_SHOP} https://admin.shopify.com;"
    )


def test_a_token_signed_with_the_previous_secret_is_still_accepted(client, shopify):
    # During a secret rotation, tokens signed with the previous secret stay valid.
    assert (
        client.get("/api/shop", headers=shopify.bearer(shopify.session_token(DEMO_SHOP))).status_code == 200
    )
    token = shopify.session_token(DEMO_SHOP, secret=OLD_CLIENT_SECRET)
    response = client.get("/api/shop", headers=shopify.bearer(token))
    assert response.status_code == 200, response.json


def _bad_tokens(shopify):
    now = int(time.time())
    return {
        "wrong signature": shopify.session_token(
            DEMO_SHOP, secret="not-the-app-secret-but-long-enough-for-hs256"
        ),
        "wrong audience": shopify.session_token(DEMO_SHOP, aud="another-app"),
        "expired": shopify.session_token(DEMO_SHOP, exp=now - 30, nbf=now - 90, iat=now - 90),
        "not yet valid": shopify.session_token(DEMO_SHOP, nbf=now + 60, exp=now + 120),
        "alg none": shopify.session_token(DEMO_SHOP, algorithm="none"),
        "iss of another shop": shopify.session_token(DEMO_SHOP, iss="https://other-test.myshopify.com/admin"),
        "dest not a shop": shopify.session_token(
            DEMO_SHOP, dest="https://evil.example.com", iss="https://evil.example.com/admin"
        ),
        "no dest": shopify.session_token(DEMO_SHOP, dest=None),
        "not a jwt": "definitely-not-a-jwt",
    }


@pytest.mark.parametrize(
    "case",
    [
        "wrong signature",
        "wrong audience",
        "expired",
        "not yet valid",
        "alg none",
        "iss of another shop",
        "dest not a shop",
        "no dest",
        "not a jwt",
    ],
)
def test_bad_session_tokens_are_refused_with_the_retry_header(client, shopify, case):
    token = _bad_tokens(shopify)[case]
    response = client.get("/api/shop", headers=shopify.bearer(token))
    assert response.status_code == 401
    assert response.headers[RETRY] == "1"
    assert response.json["error"]["status"] == 401


def test_a_missing_token_is_refused(client):
    response = client.get("/api/shop")
    assert response.status_code == 401
    assert response.headers[RETRY] == "1"


def test_a_non_bearer_authorization_header_is_refused(client, shopify):
    response = client.get("/api/shop", headers={"Authorization": "Basic " + shopify.session_token(DEMO_SHOP)})
    assert response.status_code == 401


def test_one_shop_token_never_reads_another_shops_data(client, shopify, devstore_store):
    own = client.get("/api/shop", headers=shopify.bearer(shopify.session_token(DEMO_SHOP))).json
    other = client.get(
        "/api/shop", headers=shopify.bearer(shopify.session_token("other-test.myshopify.com"))
    ).json
    assert own["shop"]["domain"] == DEMO_SHOP
    assert other["shop"]["domain"] == "other-test.myshopify.com"
    assert other["counts"]["customers"] == len(devstore_store.get("other-test.myshopify.com").customers)
    assert own["counts"]["customers"] != other["counts"]["customers"]
