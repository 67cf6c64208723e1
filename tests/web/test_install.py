"""Install and token life cycle against the devstore: token exchange, encrypted storage,
refresh before expiry, the authorization-code grant, uninstall and reinstall."""

from __future__ import annotations

import json
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import shopify as shopify_api
from sqlalchemy import select, text

from app import db
from app.models import Shop, WebhookDelivery, utcnow
from app.shopify import admin, tokens
from app.shopify.operations import SHOP_OVERVIEW
from jobs.drain import drain_shop
from tests.conftest import DEMO_SHOP
from tests.helpers import json_body


def open_app_home(client, shopify, shop=DEMO_SHOP):
    return client.get("/", query_string={"shop": shop, "id_token": shopify.session_token(shop)})


def stored_shop(app, domain=DEMO_SHOP) -> Shop:
    with app.app_context():
        return db.request_session().scalars(select(Shop).where(Shop.domain == domain)).one()


def test_embedded_load_exchanges_the_id_token_for_an_expiring_offline_token(app, client, shopify):
    response = open_app_home(client, shopify)

    assert response.status_code == 200
    assert response.headers["Content-Security-Policy"] == (
        f"frame-ancestors https://{DEMO_SHOP} https://admin.shopify.com;"
    )
    shop = stored_shop(app)
    assert shop.state == "installed"
    assert shop.access_token_expires_at is not None
    assert timedelta(minutes=50) < shop.access_token_expires_at - utcnow() <= timedelta(minutes=60)
    assert shop.refresh_token_enc is not None and shop.refresh_token_expires_at > utcnow() + timedelta(days=1)
    assert "read_customers" in shop.scopes


def test_tokens_are_unreadable_in_the_database(app, client, shopify):
    open_app_home(client, shopify)
    with app.app_context():
        session = db.request_session()
        access_token = tokens.offline_access_token(session, DEMO_SHOP)
        raw = session.execute(
            text("SELECT access_token_enc, refresh_token_enc FROM shops WHERE domain = :d"), {"d": DEMO_SHOP}
        ).one()
    assert access_token.startswith("shpat_")
    for column in raw:
        stored = bytes(column)
        assert access_token.encode() not in stored
        assert b"shpat_" not in stored and b"shprt_" not in stored
        assert stored.startswith(b"gAAAAA")  # a Fernet token, version byte 0x80


def test_the_stored_token_works_against_the_admin_api(app, client, shopify):
    open_app_home(client, shopify)
    with app.app_context():
        data = admin.execute(db.request_session(), DEMO_SHOP, SHOP_OVERVIEW)
    assert data["shop"]["myshopifyDomain"] == DEMO_SHOP


def test_a_token_about_to_expire_is_refreshed_and_the_refresh_token_rotated(app, client, shopify):
    open_app_home(client, shopify)
    with app.app_context():
        session = db.request_session()
        old_access = tokens.offline_access_token(session, DEMO_SHOP)
        shop = tokens.find_shop(session, DEMO_SHOP)
        old_refresh = tokens.crypto.decrypt(shop.refresh_token_enc)
        shop.access_token_expires_at = utcnow() + timedelta(seconds=30)
        session.commit()

        new_access = tokens.offline_access_token(session, DEMO_SHOP)
        session.commit()
        shop = tokens.find_shop(session, DEMO_SHOP)
        new_refresh = tokens.crypto.decrypt(shop.refresh_token_enc)
        data = admin.execute(session, DEMO_SHOP, SHOP_OVERVIEW)

    assert new_access != old_access
    assert new_refresh != old_refresh
    assert shop.access_token_expires_at > utcnow() + timedelta(minutes=50)
    assert data["shop"]["myshopifyDomain"] == DEMO_SHOP


def test_a_refused_token_is_refreshed_once_and_the_call_retried(app, client, shopify, devstore):
    open_app_home(client, shopify)
    with app.app_context():
        session = db.request_session()
        current = tokens.offline_access_token(session, DEMO_SHOP)
        # The devstore forgets this access token, as Shopify does when it expires early.
        expired = httpx.post(
            f"{devstore.url}/_devstore/shops/{DEMO_SHOP}/expire-token", json={"access_token": current}
        )
        assert expired.status_code == 200
        data = admin.execute(session, DEMO_SHOP, SHOP_OVERVIEW)
        session.commit()
        assert tokens.offline_access_token(session, DEMO_SHOP) != current
    assert data["shop"]["myshopifyDomain"] == DEMO_SHOP


# --- authorization-code grant (installs that start outside the admin) ---------------------


def start_install(client, shop=DEMO_SHOP) -> dict[str, str]:
    """Follow /auth/install to the devstore's authorise screen; return the callback's query."""
    response = client.get("/auth/install", query_string={"shop": shop})
    assert response.status_code == 302
    authorize = httpx.get(response.headers["Location"], follow_redirects=False)
    assert authorize.status_code == 302, authorize.text
    callback = urlsplit(authorize.headers["location"])
    assert callback.path == "/auth/callback"
    return {key: values[0] for key, values in parse_qs(callback.query).items()}


def signed(params: dict[str, str]) -> dict[str, str]:
    """Re-sign a tampered query as Shopify would, so only the tampered part is wrong."""
    unsigned = {key: value for key, value in params.items() if key != "hmac"}
    return {**unsigned, "hmac": shopify_api.Session.calculate_hmac(unsigned)}


def test_authorization_code_install_stores_an_expiring_token(app, client):
    params = start_install(client)
    response = client.get("/auth/callback", query_string=params)

    assert response.status_code == 302
    shop = stored_shop(app)
    assert shop.is_installed
    assert shop.access_token_expires_at is not None and shop.refresh_token_enc is not None


def test_callback_with_a_forged_hmac_is_refused(app, client):
    params = start_install(client)
    params["hmac"] = "0" * 64
    response = client.get("/auth/callback", query_string=params)
    assert response.status_code == 400
    assert "HMAC" in response.json["error"]["message"]


def test_callback_with_a_tampered_parameter_is_refused(client):
    params = start_install(client)
    params["code"] = params["code"][:-1] + ("a" if params["code"][-1] != "a" else "b")
    assert client.get("/auth/callback", query_string=params).status_code == 400


def test_callback_with_an_unknown_state_is_refused(app, client, shopify):
    params = start_install(client)
    params["state"] = "forged-state"
    response = client.get("/auth/callback", query_string=signed(params))
    assert response.status_code == 400
    assert "state" in response.json["error"]["message"]


def test_a_state_cannot_be_used_twice(client):
    params = start_install(client)
    assert client.get("/auth/callback", query_string=params).status_code == 302
    replay = client.get("/auth/callback", query_string=params)
    assert replay.status_code == 400


@pytest.mark.parametrize(
    "shop",
    [
        "evil.example.com",
        "orbit-test.myshopify.com.evil.com",
        "../admin",
        "",
        "-bad-.myshopify.com",
        "a b.myshopify.com",
        "orbit-test.myshopify.com/../../x",
    ],
)
def test_install_with_a_malformed_shop_domain_is_refused(client, shop):
    response = client.get("/auth/install", query_string={"shop": shop})
    assert response.status_code == 400
    assert response.is_json


def test_callback_for_a_shop_other_than_the_states_is_refused(app, client):
    params = start_install(client)
    params["shop"] = "other-test.myshopify.com"
    response = client.get("/auth/callback", query_string=signed(params))
    assert response.status_code == 400


# --- uninstall and reinstall ---------------------------------------------------------------


def deliver_uninstall(client, shopify, triggered_at="2099-01-01T00:00:00.000000Z"):
    body = json_body({"id": 1, "name": "Orbit test", "myshopify_domain": DEMO_SHOP})
    headers = shopify.webhook_headers("app/uninstalled", DEMO_SHOP, body, triggered_at=triggered_at)
    return client.post("/webhooks/app", data=body, headers=headers)


def test_uninstall_revokes_tokens_and_is_safe_to_repeat(app, client, shopify):
    open_app_home(client, shopify)
    assert deliver_uninstall(client, shopify).status_code == 200
    assert deliver_uninstall(client, shopify).status_code == 200  # Shopify may send it twice

    with app.app_context():
        shop_id = stored_shop(app).id
        assert drain_shop(shop_id) == {"processed": 2}
    shop = stored_shop(app)
    assert shop.state == "uninstalled"
    assert shop.access_token_enc is None and shop.refresh_token_enc is None
    with app.app_context(), pytest.raises(tokens.ShopNotInstalled):
        tokens.offline_access_token(db.request_session(), DEMO_SHOP)


def test_reinstall_after_uninstall_works_and_a_late_uninstall_does_not_undo_it(app, client, shopify):
    open_app_home(client, shopify)
    deliver_uninstall(client, shopify, triggered_at=utcnow().isoformat().replace("+00:00", "Z"))
    with app.app_context():
        drain_shop(stored_shop(app).id)
    assert stored_shop(app).state == "uninstalled"

    assert open_app_home(client, shopify).status_code == 200
    # A redelivery of the old uninstall arrives after the reinstall.
    old = (utcnow() - timedelta(minutes=5)).isoformat().replace("+00:00", "Z")
    assert deliver_uninstall(client, shopify, triggered_at=old).status_code == 200
    with app.app_context():
        result = drain_shop(stored_shop(app).id)
        session = db.request_session()
        last = session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id.desc())).first()
    assert result == {"ignored": 1}
    assert last.last_error == "uninstall predates the current installation"
    shop = stored_shop(app)
    assert shop.is_installed
    with app.app_context():
        data = admin.execute(db.request_session(), DEMO_SHOP, SHOP_OVERVIEW)
    assert data["shop"]["myshopifyDomain"] == DEMO_SHOP


def test_webhook_payload_is_kept_byte_for_byte(app, client, shopify):
    open_app_home(client, shopify)
    body = b'{"id": 1,  "myshopify_domain": "orbit-test.myshopify.com", "note": "caf\xc3\xa9"}'
    headers = shopify.webhook_headers("app/uninstalled", DEMO_SHOP, body)
    assert client.post("/webhooks/app", data=body, headers=headers).status_code == 200
    with app.app_context():
        stored = db.request_session().scalars(select(WebhookDelivery)).one()
    assert bytes(stored.payload) == body
    assert json.loads(stored.payload)["note"] == "café"
