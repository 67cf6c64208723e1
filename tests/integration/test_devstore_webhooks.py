"""Webhook delivery from the devstore to a small local HTTP server standing in for the app."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from shopify_app.verify.webhook import verify_webhook_req

from devstore.state import DevstoreConfig
from devstore.store import Store
from devstore.testing import DevstoreServer, small_shop
from devstore.webhooks import WebhookSender

SHOP = "webhook-test.myshopify.com"
CLIENT_ID = "devstore-webhook-client"
CLIENT_SECRET = "devstore-webhook-secret-0123456789abcdef"
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """The app's webhook endpoint: records each POST and answers the next scripted status."""

    url: str
    requests: list[Received] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    arrived: threading.Event = field(default_factory=threading.Event)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    received = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            received.requests.append(Received(self.path, dict(self.headers.items()), body))
            status = received.statuses.pop(0) if received.statuses else 200
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()
            received.arrived.set()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    received.url = f"http://127.0.0.1:{server.server_port}"
    yield received
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def make_config(app_url: str, **overrides) -> DevstoreConfig:
    settings = {
        "port": 0,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "app_url": app_url,
        "webhook_subscriptions": {
            "app/uninstalled": "/webhooks/app",
            "customers/update": "/webhooks/customers",
        },
        "webhook_api_version": "2026-10",
        "webhook_retry_delays": (0.05, 0.05, 0.05),
    }
    settings.update(overrides)
    return DevstoreConfig(**settings)


@pytest.fixture
def sender(receiver: Receiver) -> Iterator[WebhookSender]:
    webhooks = WebhookSender(make_config(receiver.url))
    yield webhooks
    webhooks.close()


def expected_hmac(body: bytes) -> str:
    return base64.b64encode(hmac.new(CLIENT_SECRET.encode(), body, hashlib.sha256).digest()).decode()


def test_a_delivery_is_signed_and_headed_like_shopifys(receiver, sender):
    body = {"id": 42, "email": "ada@example.com", "note": "naïve café"}

    result = sender.deliver(SHOP, "customers/update", body, triggered_at="2025-07-10T16:15:47.000000Z")

    assert result.delivered and result.status_code == 200
    (request,) = receiver.requests
    headers = {k.lower(): v for k, v in request.headers.items()}
    assert request.path == "/webhooks/customers"
    assert json.loads(request.body) == body
    assert headers["content-type"] == "application/json"
    assert headers["x-shopify-topic"] == "customers/update"
    assert headers["x-shopify-shop-domain"] == SHOP
    assert headers["x-shopify-api-version"] == "2026-10"
    assert headers["x-shopify-triggered-at"] == "2025-07-10T16:15:47.000000Z"
    assert (
        UUID.match(headers["x-shopify-webhook-id"]) and headers["x-shopify-webhook-id"] == result.webhook_id
    )
    assert UUID.match(headers["x-shopify-event-id"])
    assert hmac.compare_digest(headers["x-shopify-hmac-sha256"], expected_hmac(request.body))
    verified = verify_webhook_req(
        {"method": "POST", "headers": request.headers, "body": request.body.decode()},
        {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET},
    )
    assert verified.ok and verified.shop == "webhook-test"


def test_triggered_at_defaults_to_now_in_shopifys_format(receiver, sender):
    sender.deliver(SHOP, "customers/update", {"id": 1})
    stamp = receiver.requests[0].headers["X-Shopify-Triggered-At"]
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$", stamp)


def test_a_failed_delivery_is_retried_with_the_same_ids_and_signature(receiver, sender):
    receiver.statuses = [500, 302]  # a redirect is a failure too

    result = sender.deliver(SHOP, "customers/update", {"id": 7})

    assert not result.delivered and result.will_retry
    assert sender.wait_idle(timeout=5)
    assert [r.headers["X-Shopify-Webhook-Id"] for r in receiver.requests] == [result.webhook_id] * 3
    assert len({r.headers["X-Shopify-Hmac-Sha256"] for r in receiver.requests}) == 1
    attempts = sender.log(shop=SHOP)
    assert [(a.attempt, a.status_code, a.delivered) for a in attempts] == [
        (1, 500, False),
        (2, 302, False),
        (3, 200, True),
    ]


def test_retries_stop_after_the_last_delay(receiver, sender):
    receiver.statuses = [503] * 10

    sender.deliver(SHOP, "customers/update", {"id": 7})

    assert sender.wait_idle(timeout=5)
    assert len(receiver.requests) == 4  # the first attempt and three retries
    assert not any(a.delivered for a in sender.log())


def test_an_unreachable_app_is_logged_and_retried():
    webhooks = WebhookSender(make_config("http://127.0.0.1:9", webhook_retry_delays=(0.01,)))
    try:
        result = webhooks.deliver(SHOP, "customers/update", {"id": 1})
        assert webhooks.wait_idle(timeout=10)
    finally:
        webhooks.close()

    assert not result.delivered and result.error
    assert [a.attempt for a in webhooks.log()] == [1, 2]


def test_a_topic_without_subscription_is_not_sent(receiver, sender):
    result = sender.deliver(SHOP, "orders/create", {"id": 1})
    assert not result.delivered and result.error == "no subscription"
    assert receiver.requests == []


def test_toml_uris_join_the_app_url(receiver):
    webhooks = WebhookSender(
        make_config(
            receiver.url + "/",
            webhook_subscriptions={"shop/redact": "https://orbit.example/webhooks/compliance"},
        )
    )
    try:
        assert webhooks.subscription_url("shop/redact") == f"{receiver.url}/webhooks/compliance"
    finally:
        webhooks.close()


def test_uninstall_revokes_tokens_then_delivers_app_uninstalled(receiver):
    store = Store()
    shop = store.add_shop(small_shop(SHOP, customers=2))
    with DevstoreServer(make_config(receiver.url), store) as server:
        response = httpx.post(f"{server.url}/_devstore/shops/{SHOP}/uninstall")
        deliveries = httpx.get(f"{server.url}/_devstore/webhooks/deliveries", params={"shop": SHOP}).json()

    assert response.status_code == 200
    assert response.json()["webhook"]["delivered"] is True
    assert response.json()["tokens"]["installed"] is False
    (request,) = receiver.requests
    assert request.path == "/webhooks/app"
    assert request.headers["X-Shopify-Topic"] == "app/uninstalled"
    body = json.loads(request.body)
    assert body["myshopify_domain"] == SHOP and body["id"] == shop.id
    assert deliveries["deliveries"][0]["topic"] == "app/uninstalled"


def test_the_control_endpoint_sends_any_topic(receiver):
    store = Store()
    store.add_shop(small_shop(SHOP, customers=1))
    with DevstoreServer(make_config(receiver.url), store) as server:
        sent = httpx.post(
            f"{server.url}/_devstore/shops/{SHOP}/webhooks",
            json={"topic": "customers/update", "body": {"id": 5}},
        )
        refused = httpx.post(f"{server.url}/_devstore/shops/{SHOP}/webhooks", json={"topic": "x"})

    assert sent.json()["delivered"] is True
    assert refused.status_code == 400
    assert json.loads(receiver.requests[0].body) == {"id": 5}


def test_a_customers_tag_change_is_answered_with_the_tag_event_and_a_customers_update(receiver):
    store = Store()
    shop = store.add_shop(small_shop(SHOP, customers=1))
    (customer_id,) = shop.customers
    before = shop.customers[customer_id]["updated_at"]
    subscriptions = {"customers/update": "/webhooks/customers", "customer.tags_added": "/webhooks/customers"}
    with DevstoreServer(make_config(receiver.url, webhook_subscriptions=subscriptions), store) as server:
        switched = httpx.post(f"{server.url}/_devstore/shops/{SHOP}/tag-webhooks", json={"enabled": True})
        with server.shop_client(timeout=30) as http:
            exchange = {
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "grant_type": "urn:ietf:params:oauth:grant-type:token-exchange",
                "subject_token": server.session_token(SHOP),
                "subject_token_type": "urn:ietf:params:oauth:token-type:id_token",
                "requested_token_type": "urn:shopify:params:oauth:token-type:offline-access-token",
            }
            token = http.post(f"https://{SHOP}/admin/oauth/access_token", json=exchange).json()[
                "access_token"
            ]
            document = (
                'mutation($id: ID!) { tagsAdd(id: $id, tags: ["orbit:vip"]) { userErrors { message } } }'
            )
            answer = http.post(
                f"https://{SHOP}/admin/api/2026-10/graphql.json",
                json={"query": document, "variables": {"id": f"gid://shopify/Customer/{customer_id}"}},
                headers={"X-Shopify-Access-Token": token},
            ).json()
            for _ in range(100):
                if len(receiver.requests) >= 2:
                    break
                receiver.arrived.wait(0.1)

    assert switched.json() == {"enabled": True}
    assert answer["data"]["tagsAdd"]["userErrors"] == []
    topics = {request.headers["X-Shopify-Topic"]: request for request in receiver.requests}
    assert set(topics) == {"customer.tags_added", "customers/update"}
    assert json.loads(topics["customer.tags_added"].body)["tags"] == ["orbit:vip"]
    update = json.loads(topics["customers/update"].body)
    # Shopify's 2026-07 customers/update carries no tags: only the newer updated_at tells it apart.
    assert update["id"] == customer_id and "tags" not in update
    assert update["updated_at"] > before
