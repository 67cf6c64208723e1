"""The devstore's data changes over real HTTP: each change is delivered as Shopify's webhooks,
signed, with bodies whose keys are those of Shopify's own samples (copied under tests/fixtures/webhooks);
bad requests get clear 4xx answers."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from devstore.seed import make_demo_shop
from devstore.state import DevstoreConfig
from devstore.store import Store
from devstore.testing import DevstoreServer
from devstore.webhooks import hmac_signature
from tests.integration.test_devstore_bulk import Inbox

SHOP = "changes-test.myshopify.com"
SECRET = "devstore-changes-secret-0123456789abcdef"
SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "webhooks"  # copies of Shopify's samples
# topic -> Shopify's sample body for it (2026-07 where it exists, else the fuller 2023 bodies).
SAMPLE_FOR = {
    "customers/create": "shopify-dev-2026-07/customers_create.json",
    "customers/update": "shopify-dev-2026-07/customers_update.json",
    "customers/delete": "shopify-dev-2026-07/customers_delete.json",
    "customers_email_marketing_consent/update": (
        "shopify-dev-2026-07/customers_email_marketing_consent_update.json"
    ),
    "orders/create": "trigger-dev/Order.json",
    "orders/updated": "trigger-dev/Order.json",
    "refunds/create": "trigger-dev/Refund.json",
    "checkouts/create": "trigger-dev/CheckoutsCreate.json",
    "checkouts/delete": "shopify-dev-2026-07/checkouts_delete.json",
}


@pytest.fixture(scope="module")
def inbox() -> Iterator[Inbox]:
    receiver = Inbox()
    yield receiver
    receiver.close()


@pytest.fixture(scope="module")
def server(inbox: Inbox) -> Iterator[DevstoreServer]:
    store = Store()
    store.add_shop(make_demo_shop(SHOP, customers=30, seed=5))
    config = DevstoreConfig(port=0, client_secret=SECRET, app_url=inbox.url)  # toml subscriptions
    with DevstoreServer(config, store) as running:
        yield running


def change(server: DevstoreServer, body: dict, shop: str = SHOP) -> httpx.Response:
    return httpx.post(f"{server.url}/_devstore/shops/{shop}/changes", json=body, timeout=10)


@pytest.fixture(scope="module")
def bodies(server: DevstoreServer, inbox: Inbox) -> dict[str, dict]:
    """One of each change, and the first body received per topic."""
    shop = server.store.get(SHOP)
    variant = next(iter(shop.products.values()))["variants"][0]["id"]
    customer = change(
        server, {"kind": "customer.create", "first_name": "Al", "last_name": "Bo", "email": "al@b.io"}
    )
    customer_id = customer.json()["record"]["id"]
    assert change(server, {"kind": "customer.update", "id": customer_id, "note": "hi"}).status_code == 200
    lines = [{"variant_id": variant, "quantity": 2}]
    order = change(server, {"kind": "order.create", "customer_id": customer_id, "lines": lines}).json()[
        "record"
    ]
    assert change(server, {"kind": "order.refund", "id": order["id"]}).status_code == 200
    checkout = change(server, {"kind": "checkout.create", "customer_id": customer_id, "lines": lines}).json()
    assert change(server, {"kind": "checkout.complete", "id": checkout["record"]["id"]}).status_code == 200
    lead = change(
        server, {"kind": "customer.create", "first_name": "Cy", "last_name": "Do", "email": "cy@d.io"}
    )
    assert change(server, {"kind": "customer.delete", "id": lead.json()["record"]["id"]}).status_code == 200
    assert httpx.post(f"{server.url}/_devstore/webhooks/flush", timeout=30).status_code == 200
    assert server.state.webhooks.wait_idle(10)
    time.sleep(0.2)
    found: dict[str, dict] = {}
    for headers, raw in inbox.received:
        assert headers["X-Shopify-Hmac-Sha256"] == hmac_signature(raw, SECRET)
        found.setdefault(headers["X-Shopify-Topic"], json.loads(raw))
    return found


def test_every_change_is_delivered_as_its_topics(bodies):
    assert set(SAMPLE_FOR) <= set(bodies) | {"customers/update"}
    assert {"orders/paid", "customers/update"} <= set(bodies)
    assert "tags" not in bodies["customers/create"]  # the 2026-07 shape


@pytest.mark.parametrize("topic", sorted(SAMPLE_FOR))
def test_devstore_bodies_have_the_keys_of_shopifys_samples(bodies, topic):
    sample = json.loads((SAMPLES / SAMPLE_FOR[topic]).read_text())
    body = bodies[topic]
    assert sorted(body) == sorted(sample)
    for nested in ("line_items", "refund_line_items", "transactions"):
        if sample.get(nested) and body.get(nested):
            # Orders carry `current_quantity` on their lines since 2023 (the sample predates it).
            assert set(sample[nested][0]) <= set(body[nested][0]), nested


@pytest.mark.parametrize(
    ("path", "body", "status"),
    [
        ("/_devstore/shops/changes-test.myshopify.com/changes", {"kind": "customer.explode"}, 400),
        ("/_devstore/shops/changes-test.myshopify.com/changes", {"kind": "order.refund", "id": 1}, 400),
        ("/_devstore/shops/changes-test.myshopify.com/changes", [1, 2], 400),
        ("/_devstore/shops/nope.myshopify.com/changes", {"kind": "customer.create"}, 404),
        ("/_devstore/faults", {"drop_rate": 2}, 400),
        ("/_devstore/faults", {"explode": 1}, 400),
        ("/_devstore/shops/changes-test.myshopify.com/traffic", {"changes": 0}, 400),
        ("/_devstore/shops/changes-test.myshopify.com/traffic", {"changes": "many"}, 400),
        ("/_devstore/bulk/settings", {"line_delay": "slow"}, 400),
    ],
)
def test_bad_control_requests_get_a_clear_4xx(server, path, body, status):
    response = httpx.post(f"{server.url}{path}", json=body, timeout=10)
    assert response.status_code == status
    assert response.json()["errors"]


def test_the_bulk_result_of_an_unknown_token_is_404(server):
    assert httpx.get(f"{server.url}/_devstore/bulk-results/nope.jsonl", timeout=5).status_code == 404
