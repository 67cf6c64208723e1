"""The devstore's OAuth endpoints over real HTTP, driven by Shopify's own Python libraries
where they exist (shopifyapp for token exchange and refresh, ShopifyAPI for the install HMAC)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
import shopify
from shopify_app.exchange.refresh_token import refresh_access_token
from shopify_app.exchange.token_exchange import token_exchange

from devstore.state import DevstoreConfig
from devstore.store import Store
from devstore.testing import DevstoreServer, small_shop
from devstore.tokens import mint_session_token

SHOP = "oauth-test.myshopify.com"
OTHER_SHOP = "oauth-other.myshopify.com"
CLIENT_ID = "devstore-oauth-client"
CLIENT_SECRET = "devstore-oauth-secret-0123456789abcdef"
APP_URL = "http://app.test"
TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"
ID_TOKEN = "urn:ietf:params:oauth:token-type:id_token"
OFFLINE = "urn:shopify:params:oauth:token-type:offline-access-token"
ONLINE = "urn:shopify:params:oauth:token-type:online-access-token"


@pytest.fixture
def server() -> Iterator[DevstoreServer]:
    store = Store()
    store.add_shop(small_shop(SHOP, customers=3))
    store.add_shop(small_shop(OTHER_SHOP, customers=2))
    config = DevstoreConfig(
        port=0,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        app_url=APP_URL,
        scopes="read_customers,read_orders,read_products",
        webhook_subscriptions={},
    )
    with DevstoreServer(config, store) as running:
        yield running


@pytest.fixture
def http(server: DevstoreServer) -> Iterator[httpx.Client]:
    """Requests addressed to https://{shop}.myshopify.com, reaching the devstore."""
    with server.shop_client(timeout=10) as client:
        yield client


def exchange_body(subject_token: str, requested: str = OFFLINE, expiring: int = 1, **overrides) -> dict:
    body = {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "grant_type": TOKEN_EXCHANGE,
        "subject_token": subject_token,
        "subject_token_type": ID_TOKEN,
        "requested_token_type": requested,
        "expiring": expiring,
    }
    body.update(overrides)
    return body


def token_url(shop: str = SHOP) -> str:
    return f"https://{shop}/admin/oauth/access_token"


def shop_query(http: httpx.Client, access_token: str, shop: str = SHOP) -> httpx.Response:
    return http.post(
        f"https://{shop}/admin/api/2026-10/graphql.json",
        json={"query": "{ shop { myshopifyDomain } }"},
        headers={"X-Shopify-Access-Token": access_token},
    )


def id_token_details(token: str) -> dict:
    """What shopifyapp's request verification hands to token_exchange."""
    return {"exchangeable": True, "token": token, "claims": {"dest": f"https://{SHOP}"}}


# --- token exchange -------------------------------------------------------------------------


def test_shopifyapp_token_exchange_gets_an_expiring_offline_token_with_a_refresh_token(server, http):
    result = token_exchange(
        "offline",
        {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET},
        id_token_details(server.session_token(SHOP)),
        expiring=True,
        http_client=http,
    )

    assert result.ok, result.log
    token = result.access_token
    assert token.token.startswith("shpat_")
    assert token.refresh_token.startswith("shprt_")
    assert token.scope == "read_customers,read_orders,read_products"
    expires = datetime.fromisoformat(token.expires.replace("Z", "+00:00"))
    assert timedelta(minutes=58) < expires - datetime.now(UTC) <= timedelta(hours=1)
    assert shop_query(http, token.token).json()["data"]["shop"]["myshopifyDomain"] == SHOP


def test_non_expiring_offline_token_comes_without_expiry_or_refresh_token(server, http):
    response = http.post(token_url(), json=exchange_body(server.session_token(SHOP), expiring=0))

    assert response.status_code == 200
    assert set(response.json()) == {"access_token", "scope"}


def test_online_token_carries_the_associated_user(server, http):
    response = http.post(token_url(), json=exchange_body(server.session_token(SHOP, user_id=42), ONLINE))

    body = response.json()
    assert response.status_code == 200
    assert body["associated_user"]["id"] == 42
    assert body["associated_user_scope"] == body["scope"]
    assert 0 < body["expires_in"] <= 24 * 3600
    assert "refresh_token" not in body


def test_a_form_encoded_token_request_is_accepted_too(server, http):
    response = http.post(token_url(), data=exchange_body(server.session_token(SHOP)))
    assert response.status_code == 200
    assert response.json()["refresh_token"]


def test_a_wrong_client_secret_is_invalid_client(server, http):
    result = token_exchange(
        "offline",
        {"client_id": CLIENT_ID, "client_secret": "not-the-secret-0123456789abcdef"},
        id_token_details(server.session_token(SHOP)),
        http_client=http,
    )
    raw = http.post(token_url(), json=exchange_body(server.session_token(SHOP), client_secret="wrong"))

    assert not result.ok and result.log.code == "invalid_client"
    assert raw.status_code == 401 and raw.json()["error"] == "invalid_client"


@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param({"secret": "some-other-apps-secret-0123456789abcdef"}, id="bad signature"),
        # Times are offsets from the moment the test runs (collection can be minutes earlier).
        pytest.param({"exp": -60, "nbf": -120}, id="expired"),
        pytest.param({"aud": "another-app"}, id="wrong audience"),
        pytest.param({"dest": f"https://{OTHER_SHOP}"}, id="another shop"),
        pytest.param({"nbf": 120}, id="not yet valid"),
        pytest.param({"dest": None}, id="missing dest"),
    ],
)
def test_a_bad_subject_token_is_invalid_subject_token(server, http, overrides):
    overrides = {
        name: int(time.time()) + value if name in ("exp", "nbf") else value
        for name, value in overrides.items()
    }
    secret = overrides.pop("secret", CLIENT_SECRET)
    token = mint_session_token(CLIENT_ID, secret, SHOP, **overrides)

    response = http.post(token_url(), json=exchange_body(token))
    result = token_exchange(
        "offline",
        {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET},
        id_token_details(token),
        http_client=http,
    )

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_subject_token"
    assert not result.ok and result.log.code == "invalid_subject_token"
    assert result.response.status == 401  # shopifyapp: let App Bridge retry with a fresh token


def test_a_session_token_within_the_leeway_is_accepted(server, http):
    now = int(time.time())
    token = mint_session_token(CLIENT_ID, CLIENT_SECRET, SHOP, nbf=now + 5, exp=now - 5)
    assert http.post(token_url(), json=exchange_body(token)).status_code == 200


def test_unknown_shop_is_404(server, http):
    response = http.post(token_url("nowhere.myshopify.com"), json=exchange_body(server.session_token(SHOP)))
    assert response.status_code == 404
    assert response.json() == {"errors": "Not Found"}


def test_a_non_expiring_token_migrates_to_an_expiring_one_and_stops_working(server, http):
    old = http.post(token_url(), json=exchange_body(server.session_token(SHOP), expiring=0)).json()
    migrated = http.post(token_url(), json=exchange_body(old["access_token"], subject_token_type=OFFLINE))

    assert migrated.status_code == 200 and migrated.json()["refresh_token"]
    assert shop_query(http, old["access_token"]).status_code == 401
    assert shop_query(http, migrated.json()["access_token"]).status_code == 200


# --- refresh ----------------------------------------------------------------------------------


def exchange_expiring(server: DevstoreServer, http: httpx.Client) -> dict:
    response = http.post(token_url(), json=exchange_body(server.session_token(SHOP)))
    assert response.status_code == 200
    return response.json()


def refresh(http: httpx.Client, refresh_token: str, shop: str = SHOP) -> httpx.Response:
    body = {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "grant_type": "refresh_token",
        "refresh_token": refresh_token,
    }
    return http.post(token_url(shop), json=body)


def test_shopifyapp_refresh_rotates_both_tokens(server, http):
    first = exchange_expiring(server, http)
    stored = {
        "shop": SHOP.removesuffix(".myshopify.com"),
        "access_mode": "offline",
        "token": first["access_token"],
        "refresh_token": first["refresh_token"],
        "expires": "2000-01-01T00:00:00Z",  # due: shopifyapp refreshes within 60 s of expiry
        "refresh_token_expires": "2999-01-01T00:00:00Z",
    }

    result = refresh_access_token(
        stored, {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}, http_client=http
    )

    assert result.ok, result.log
    assert result.access_token.token not in (first["access_token"], "")
    assert result.access_token.refresh_token not in (first["refresh_token"], "")
    assert shop_query(http, result.access_token.token).status_code == 200


def test_the_old_refresh_token_works_until_the_new_access_token_is_used(server, http):
    first = exchange_expiring(server, http)
    second = refresh(http, first["refresh_token"]).json()
    # The response was "lost": the app retries with the old refresh token, which still works.
    retry = refresh(http, first["refresh_token"])
    assert retry.status_code == 200

    assert shop_query(http, retry.json()["access_token"]).status_code == 200
    # Using the replacement retires the old refresh token for good.
    late = refresh(http, first["refresh_token"])
    assert late.status_code == 400 and late.json()["error"] == "invalid_grant"
    # The other replacement chain is untouched.
    assert refresh(http, second["refresh_token"]).status_code == 200


def test_refresh_tokens_are_bound_to_their_shop(server, http):
    first = exchange_expiring(server, http)
    response = refresh(http, first["refresh_token"], shop=OTHER_SHOP)
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"


def test_an_unknown_refresh_token_is_invalid_grant_for_shopifyapp(http):
    stored = {
        "shop": SHOP.removesuffix(".myshopify.com"),
        "access_mode": "offline",
        "refresh_token": "shprt_made_up",
        "expires": "2000-01-01T00:00:00Z",
        "refresh_token_expires": "2999-01-01T00:00:00Z",
    }
    result = refresh_access_token(
        stored, {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}, http_client=http
    )
    assert not result.ok and result.log.code == "invalid_grant"


def test_an_expired_refresh_token_is_invalid_grant(server, http):
    first = exchange_expiring(server, http)
    server.state.clock.advance(server.config.refresh_token_ttl + 1)
    assert refresh(http, first["refresh_token"]).json()["error"] == "invalid_grant"


# --- access token life ------------------------------------------------------------------------


def test_an_access_token_stops_working_when_it_expires(server, http):
    token = exchange_expiring(server, http)["access_token"]
    assert shop_query(http, token).status_code == 200

    httpx.post(f"{server.url}/_devstore/clock/advance", json={"seconds": 3601}).raise_for_status()

    response = shop_query(http, token)
    assert response.status_code == 401
    assert response.json() == {
        "errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"
    }


def test_expire_token_control_ends_one_token_now(server, http):
    keep = exchange_expiring(server, http)["access_token"]
    end = exchange_expiring(server, http)["access_token"]

    response = httpx.post(f"{server.url}/_devstore/shops/{SHOP}/expire-token", json={"access_token": end})

    assert response.json() == {"expired": 1}
    assert shop_query(http, end).status_code == 401
    assert shop_query(http, keep).status_code == 200


def test_a_token_is_only_good_for_its_own_shop(server, http):
    token = exchange_expiring(server, http)["access_token"]
    assert shop_query(http, token, shop=OTHER_SHOP).status_code == 401


def test_uninstall_revokes_every_token_and_refuses_new_ones(server, http):
    tokens = exchange_expiring(server, http)

    response = httpx.post(f"{server.url}/_devstore/shops/{SHOP}/uninstall")

    assert response.status_code == 200
    assert shop_query(http, tokens["access_token"]).status_code == 401
    assert refresh(http, tokens["refresh_token"]).status_code == 401
    again = http.post(token_url(), json=exchange_body(server.session_token(SHOP)))
    assert again.status_code == 401 and again.json()["error"] == "invalid_client"
    summary = httpx.get(f"{server.url}/_devstore/shops/{SHOP}/tokens").json()
    assert summary["installed"] is False
    assert summary["access_tokens"] == {"issued": 1, "active": 0}


def test_tokens_control_counts_issued_and_active_tokens(server, http):
    exchange_expiring(server, http)
    http.post(token_url(), json=exchange_body(server.session_token(SHOP), expiring=0))

    summary = httpx.get(f"{server.url}/_devstore/shops/{SHOP}/tokens").json()

    assert summary["access_tokens"] == {"issued": 2, "active": 2}
    assert summary["refresh_tokens"] == {"issued": 1, "active": 1}


def test_session_token_endpoint_mints_a_token_the_exchange_accepts(server, http):
    minted = httpx.post(f"{server.url}/_devstore/session-token", json={"shop": SHOP, "user_id": 7})

    id_token = minted.json()["id_token"]
    assert http.post(token_url(), json=exchange_body(id_token, ONLINE)).json()["associated_user"]["id"] == 7
    assert httpx.post(f"{server.url}/_devstore/session-token", json={"shop": "nope"}).status_code == 404


# --- authorization-code grant -------------------------------------------------------------------


@pytest.fixture
def shopify_session(monkeypatch: pytest.MonkeyPatch):
    """ShopifyAPI configured for this app, restored afterwards (its settings are class-wide)."""
    monkeypatch.setattr(shopify.Session, "api_key", CLIENT_ID, raising=False)
    monkeypatch.setattr(shopify.Session, "secret", CLIENT_SECRET, raising=False)
    return shopify.Session


def authorize(server: DevstoreServer, **overrides: str) -> httpx.Response:
    params = {
        "client_id": CLIENT_ID,
        "scope": "read_customers,read_orders",
        "redirect_uri": f"{APP_URL}/auth/callback",
        "state": "nonce-123",
        "shop": SHOP,
        **overrides,
    }
    return httpx.get(f"{server.url}/admin/oauth/authorize", params=params)


def callback_params(response: httpx.Response) -> dict[str, str]:
    assert response.status_code == 302, response.text
    location = urlsplit(response.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{APP_URL}/auth/callback"
    return dict(parse_qsl(location.query))


def redeem(http: httpx.Client, code: str, shop: str = SHOP) -> httpx.Response:
    return http.post(
        token_url(shop), data={"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "code": code}
    )


def test_authorize_redirects_with_a_code_and_an_hmac_shopifyapi_accepts(server, http, shopify_session):
    params = callback_params(authorize(server))

    assert set(params) == {"code", "hmac", "host", "shop", "state", "timestamp"}
    assert params["shop"] == SHOP and params["state"] == "nonce-123"
    assert shopify_session.validate_params(params)
    tampered = {**params, "shop": OTHER_SHOP}
    assert not shopify_session.validate_hmac(tampered)

    response = redeem(http, params["code"])
    assert response.status_code == 200
    assert response.json()["scope"] == "read_customers,read_orders"
    assert shop_query(http, response.json()["access_token"]).status_code == 200


def test_shopifyapi_request_token_redeems_the_code(server, shopify_session):
    params = callback_params(authorize(server))
    # ShopifyAPI posts to https://{shop}/admin/oauth/access_token with urllib; send it here.
    response = httpx.post(
        f"{server.url}/admin/oauth/access_token?",
        data={"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "code": params["code"]},
        headers={"Host": SHOP},
    )
    assert response.status_code == 200 and response.json()["access_token"].startswith("shpat_")


def test_a_code_works_once_and_only_on_its_shop(server, http):
    code = callback_params(authorize(server))["code"]

    assert redeem(http, code, shop=OTHER_SHOP).json()["error"] == "invalid_grant"
    # A failed redemption at the wrong shop uses the code up, as a single-use code should.
    assert redeem(http, code).json()["error"] == "invalid_grant"

    fresh = callback_params(authorize(server))["code"]
    assert redeem(http, fresh).status_code == 200
    assert redeem(http, fresh).status_code == 400


def test_an_expired_code_is_refused(server, http):
    code = callback_params(authorize(server))["code"]
    server.state.clock.advance(601)
    assert redeem(http, code).json()["error"] == "invalid_grant"


def test_a_code_exchange_can_ask_for_an_expiring_token(server, http):
    code = callback_params(authorize(server))["code"]
    response = http.post(
        token_url(),
        json={"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "code": code, "expiring": 1},
    )
    assert response.json()["refresh_token"].startswith("shprt_")


def test_per_user_grant_gives_an_online_token(server, http):
    code = callback_params(authorize(server, **{"grant_options[]": "per-user"}))["code"]
    assert "associated_user" in redeem(http, code).json()


def test_authorize_refuses_a_redirect_outside_the_app(server):
    response = authorize(server, redirect_uri="https://evil.example/callback")
    assert response.status_code == 400
    assert authorize(server, redirect_uri="http://app.test.evil.example/cb").status_code == 400


def test_authorize_reinstalls_an_uninstalled_app(server, http):
    httpx.post(f"{server.url}/_devstore/shops/{SHOP}/uninstall").raise_for_status()
    code = callback_params(authorize(server))["code"]
    assert redeem(http, code).status_code == 200


def test_during_a_secret_rotation_the_previous_secret_still_works(server, http):
    old_secret = "the-previous-secret-0123456789abcdef"
    server.config.old_client_secret = old_secret
    token = mint_session_token(CLIENT_ID, old_secret, SHOP)

    response = http.post(token_url(), json=exchange_body(token, client_secret=old_secret))

    assert response.status_code == 200
    server.config.old_client_secret = None
    assert http.post(token_url(), json=exchange_body(token)).json()["error"] == "invalid_subject_token"
