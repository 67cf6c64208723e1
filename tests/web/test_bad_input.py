"""Bad input gets a clear JSON 4xx, never a 500 or a traceback page."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from app import db
from app.models import WebhookDelivery
from tests.conftest import DEMO_SHOP
from tests.helpers import json_body


@pytest.fixture
def installed(client, shopify):
    response = client.get("/", query_string={"shop": DEMO_SHOP, "id_token": shopify.session_token(DEMO_SHOP)})
    assert response.status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"shop": "evil.example.com"},
        {"shop": "<script>.myshopify.com"},
        {"shop": "x" * 5000},
        {"shop": "orbit-test.myshopify.com", "hmac": "abc", "timestamp": "1"},
    ],
)
def test_app_home_with_bad_parameters_answers_400_json(client, query):
    response = client.get("/", query_string=query)
    assert response.status_code == 400
    assert response.is_json and response.json["error"]["message"]


def test_app_home_without_an_id_token_goes_to_the_patch_page(client):
    response = client.get("/", query_string={"shop": DEMO_SHOP, "host": "abc"})
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/auth/patch-id-token"
    assert parse_qs(location.query)["shopify-reload"] == [f"/?shop={DEMO_SHOP}&host=abc"]


def test_callback_without_parameters_answers_400(client):
    response = client.get("/auth/callback")
    assert response.status_code == 400 and response.is_json


def test_unknown_paths_answer_json_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404 and response.json["error"]["status"] == 404


def test_wrong_method_answers_405(client):
    response = client.get("/webhooks/app")
    assert response.status_code == 405
    assert response.headers["Allow"] == "POST" and response.json["error"]["status"] == 405


@pytest.mark.parametrize("body", [b'{"total_price": NaN}', b'{"id": 1e400}', b"[1, 2]"])
def test_a_body_the_drain_could_not_read_is_a_dead_letter_from_the_start(
    app, client, shopify, installed, body
):
    # Python's json module reads NaN and 1e400; the drain's orjson does not. The intake reads
    # with orjson too, so such a body is never stored as pending only to fail in every drain.
    headers = shopify.webhook_headers("orders/create", DEMO_SHOP, body)
    response = client.post("/webhooks/orders", data=body, headers=headers)
    assert response.status_code == 400
    with app.app_context():
        row = db.request_session().scalars(select(WebhookDelivery)).one()
    assert row.status == "dead" and bytes(row.payload) == body


def test_an_unexpected_intake_error_answers_json_500_and_is_logged(
    app, client, shopify, installed, monkeypatch, caplog
):
    from webhooks import intake

    def broken_writer(_app):
        raise RuntimeError("writer exploded")

    monkeypatch.setattr(intake, "_writer", broken_writer)
    body = json_body({"id": 1})
    headers = shopify.webhook_headers("orders/create", DEMO_SHOP, body)
    response = client.post("/webhooks/orders", data=body, headers=headers)
    assert response.status_code == 500
    assert response.json == {"error": {"message": "internal error", "status": 500}}
    assert "writer exploded" not in response.get_data(as_text=True)
    assert any("writer exploded" in (record.exc_text or "") for record in caplog.records)


def test_unsigned_webhook_is_refused_with_401(client, installed):
    body = json_body({"id": 1})
    headers = {
        "X-Shopify-Topic": "app/uninstalled",
        "X-Shopify-Shop-Domain": DEMO_SHOP,
        "X-Shopify-Webhook-Id": "w1",
        "X-Shopify-API-Version": "2026-10",
        "Content-Type": "application/json",
    }
    assert client.post("/webhooks/app", data=body, headers=headers).status_code == 401


@pytest.mark.parametrize(
    "topic", ["customers/redact", "customers/data_request", "shop/redact", "app/uninstalled"]
)
def test_forged_webhook_is_refused_with_401_for_every_topic(client, shopify, installed, topic):
    body = json_body({"shop_domain": DEMO_SHOP})
    headers = shopify.webhook_headers(topic, DEMO_SHOP, body, secret="forged-secret")
    assert client.post("/webhooks/compliance", data=body, headers=headers).status_code == 401


def test_webhook_signed_with_the_previous_secret_is_accepted(client, shopify, installed):
    body = json_body({"id": 1})
    headers = shopify.webhook_headers("app/scopes_update", DEMO_SHOP, body, secret=shopify.old_client_secret)
    assert client.post("/webhooks/app", data=body, headers=headers).status_code == 200


def test_signed_but_malformed_webhook_is_recorded_as_a_dead_letter_and_answered_400(
    app, client, shopify, installed
):
    body = b"{not json"
    headers = shopify.webhook_headers("orders/create", DEMO_SHOP, body)
    response = client.post("/webhooks/orders", data=body, headers=headers)
    assert response.status_code == 400
    assert "JSON" in response.json["error"]["message"]
    with app.app_context():
        row = db.request_session().scalars(select(WebhookDelivery)).one()
    assert (row.status, row.last_error, bytes(row.payload)) == ("dead", "body is not valid JSON", body)


def test_webhook_missing_a_required_header_is_refused(client, shopify, installed):
    body = json_body({"id": 1})
    headers = shopify.webhook_headers("orders/create", DEMO_SHOP, body)
    del headers["X-Shopify-Webhook-Id"]
    response = client.post("/webhooks/orders", data=body, headers=headers)
    assert response.status_code == 400
    assert "X-Shopify-Webhook-Id" in response.json["error"]["message"]


def test_webhook_for_an_unknown_shop_is_refused_with_404(client, shopify):
    body = json_body({"id": 1})
    headers = shopify.webhook_headers("orders/create", "nobody.myshopify.com", body)
    assert client.post("/webhooks/orders", data=body, headers=headers).status_code == 404


def test_compliance_webhook_for_an_unknown_shop_is_acknowledged(client, shopify):
    body = json_body({"shop_id": 1, "shop_domain": "nobody.myshopify.com"})
    headers = shopify.webhook_headers("shop/redact", "nobody.myshopify.com", body)
    assert client.post("/webhooks/compliance", data=body, headers=headers).status_code == 200


def test_oversized_webhook_is_refused_with_413(app, client, shopify, installed):
    app.config["WEBHOOK_MAX_BODY_BYTES"] = 1000
    body = json_body({"note": "x" * 2000})
    headers = shopify.webhook_headers("orders/create", DEMO_SHOP, body)
    assert client.post("/webhooks/orders", data=body, headers=headers).status_code == 413


def test_duplicate_delivery_is_answered_200_and_stored_once(app, client, shopify, installed):
    body = json_body({"id": 1})
    headers = shopify.webhook_headers("app/scopes_update", DEMO_SHOP, body, webhook_id="same-delivery")
    assert client.post("/webhooks/app", data=body, headers=headers).status_code == 200
    assert client.post("/webhooks/app", data=body, headers=headers).status_code == 200
    with app.app_context():
        rows = db.request_session().scalars(select(WebhookDelivery)).all()
    assert len(rows) == 1


def test_webhook_answers_503_when_the_database_cannot_take_the_row(app, client, shopify, installed):
    body = json_body({"id": 1})
    headers = shopify.webhook_headers("app/scopes_update", DEMO_SHOP, body)
    # Point the app at a database file that cannot be opened: the row cannot be stored.
    from sqlalchemy.orm import sessionmaker

    from app.db import make_engine

    broken = make_engine("sqlite:////nonexistent-dir/orbit.db")
    engine, sessions = app.extensions["db_engine"], app.extensions["db_sessionmaker"]
    app.extensions["db_engine"], app.extensions["db_sessionmaker"] = broken, sessionmaker(broken)
    try:
        response = client.post("/webhooks/app", data=body, headers=headers)
    finally:
        app.extensions["db_engine"], app.extensions["db_sessionmaker"] = engine, sessions
        broken.dispose()
    assert response.status_code == 503
    with app.app_context():
        assert db.request_session().scalars(select(WebhookDelivery)).all() == []


def test_a_page_load_at_an_unknown_path_gets_the_app_document_with_status_404(client, installed, shopify):
    query = {"shop": DEMO_SHOP, "id_token": shopify.session_token(DEMO_SHOP)}
    page = client.get("/no-such-page/deeper", query_string=query, headers={"Accept": "text/html,*/*;q=0.8"})
    assert page.status_code == 404
    assert page.mimetype == "text/html"
    # The same document as the app's home (the built UI, whose router says "Page not found";
    # or the page saying how to build it, in a checkout where the UI is not built).
    home = client.get("/", query_string=query, headers={"Accept": "text/html,*/*;q=0.8"})
    assert home.status_code == 200 and page.text == home.text

    # Machines asking for the same path, and unknown API paths, keep the JSON 404.
    assert client.get("/no-such-page", query_string=query, headers={"Accept": "application/json"}).is_json
    api = client.get("/api/no-such-endpoint", headers={"Accept": "text/html"})
    assert api.status_code == 404 and api.json["error"]["status"] == 404


def test_an_unknown_page_without_a_session_is_not_served(client):
    # No id token: the same auth steps as any page (here: the shop parameter is missing).
    response = client.get("/no-such-page", headers={"Accept": "text/html"})
    assert response.status_code == 400 and response.is_json


def test_webhook_is_stored_and_answered_200_when_redis_is_down(app, client, shopify, installed):
    from redis import Redis

    body = json_body({"id": 1})
    headers = shopify.webhook_headers("app/scopes_update", DEMO_SHOP, body)
    working = app.extensions["orbit_redis"]
    # Nothing listens on port 1: every Redis command fails (the sweeper queues the drain later).
    app.extensions["orbit_redis"] = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=1)
    try:
        assert client.post("/webhooks/app", data=body, headers=headers).status_code == 200
    finally:
        app.extensions["orbit_redis"].close()
        app.extensions["orbit_redis"] = working
    with app.app_context():
        [row] = db.request_session().scalars(select(WebhookDelivery)).all()
    assert row.status == "pending"


def test_only_a_new_delivery_asks_for_a_drain(app, client, shopify, installed):
    from app.redis_conn import redis
    from webhooks.drain_queue import PENDING_FLAG

    body = json_body({"id": 1})
    headers = shopify.webhook_headers("app/scopes_update", DEMO_SHOP, body, webhook_id="once")
    assert client.post("/webhooks/app", data=body, headers=headers).status_code == 200
    with app.app_context():
        shop_id = db.request_session().scalars(select(WebhookDelivery.shop_id)).one()
        flag = PENDING_FLAG.format(shop_id=shop_id)
        assert redis().exists(flag)
        redis().delete(flag)
    # The replay stores nothing and asks for nothing; the next new delivery asks again.
    assert client.post("/webhooks/app", data=body, headers=headers).status_code == 200
    with app.app_context():
        assert not redis().exists(flag)
    headers = shopify.webhook_headers("app/scopes_update", DEMO_SHOP, body, webhook_id="twice")
    assert client.post("/webhooks/app", data=body, headers=headers).status_code == 200
    with app.app_context():
        assert redis().exists(flag)
