"""Uninstall as Shopify does it: the devstore revokes the app's tokens and delivers a signed
app/uninstalled webhook over HTTP to a running app; a worker applies it; a reinstall works."""

from __future__ import annotations

import threading

import httpx
import pytest
from rq import SimpleWorker
from rq.serializers import JSONSerializer
from sqlalchemy import select
from werkzeug.serving import make_server

from app import db
from app.models import Shop, WebhookDelivery
from app.queues import all_queues
from app.redis_conn import redis
from app.shopify import admin, tokens
from app.shopify.operations import SHOP_OVERVIEW
from tests.conftest import DEMO_SHOP


@pytest.fixture
def live_app(app, devstore):
    """The app under test on a real port, and the devstore delivering webhooks to it."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    previous = (devstore.config.app_url, devstore.config.webhook_retry_delays)
    devstore.config.app_url = f"http://127.0.0.1:{server.server_port}"
    devstore.config.webhook_retry_delays = (0.05, 0.1)
    try:
        yield devstore.config.app_url
    finally:
        devstore.config.app_url, devstore.config.webhook_retry_delays = previous
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def run_worker(app) -> None:
    with app.app_context():
        SimpleWorker(all_queues(), connection=redis(), serializer=JSONSerializer).work(burst=True)


def shop_row(app) -> Shop:
    with app.app_context():
        return db.request_session().scalars(select(Shop).where(Shop.domain == DEMO_SHOP)).one()


def test_uninstall_from_shopify_then_reinstall(app, client, shopify, devstore, live_app):
    home = client.get("/", query_string={"shop": DEMO_SHOP, "id_token": shopify.session_token(DEMO_SHOP)})
    assert home.status_code == 200

    uninstall = httpx.post(f"{devstore.url}/_devstore/shops/{DEMO_SHOP}/uninstall", timeout=10)
    assert uninstall.status_code == 200, uninstall.text
    assert devstore.state.webhooks.wait_idle(10)
    with app.app_context():
        delivery = db.request_session().scalars(select(WebhookDelivery)).one()
    assert (delivery.topic, delivery.status) == ("app/uninstalled", "pending")

    run_worker(app)
    assert shop_row(app).state == "uninstalled"
    assert shop_row(app).access_token_enc is None

    # While uninstalled, an id token cannot buy a token: Shopify answers invalid_client.
    refused = client.get("/api/shop", headers=shopify.bearer(shopify.session_token(DEMO_SHOP)))
    assert refused.status_code == 401

    # The merchant installs again (Shopify-managed install), then opens the app.
    assert httpx.post(f"{devstore.url}/_devstore/shops/{DEMO_SHOP}/install", timeout=10).status_code == 200
    reopened = client.get("/api/shop", headers=shopify.bearer(shopify.session_token(DEMO_SHOP)))
    assert reopened.status_code == 200, reopened.json
    assert shop_row(app).is_installed
    with app.app_context():
        session = db.request_session()
        assert admin.execute(session, DEMO_SHOP, SHOP_OVERVIEW)["shop"]["myshopifyDomain"] == DEMO_SHOP
        assert tokens.offline_access_token(session, DEMO_SHOP).startswith("shpat_")
