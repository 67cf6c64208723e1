"""The web process as production runs it: gunicorn started from the project's folder, reading
gunicorn.conf.py, in front of the same database and Redis as the test app. A signed delivery,
sent whole or chunked (gunicorn marks the input terminated, and the intake reads it through
werkzeug's bounded stream), is stored and answered 200; a forged one is refused."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from app import db
from app.models import WebhookDelivery
from tests.conftest import CLIENT_ID, CLIENT_SECRET, DEMO_SHOP, OLD_CLIENT_SECRET
from tests.helpers import free_port, json_body

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")


@pytest.fixture
def gunicorn_url(app, database_url, redis_url, devstore, tmp_path) -> Iterator[str]:
    port = free_port()
    env = {name: value for name, value in os.environ.items() if name not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        SHOPIFY_API_KEY=CLIENT_ID,
        SHOPIFY_API_SECRET=CLIENT_SECRET,
        SHOPIFY_OLD_API_SECRET=OLD_CLIENT_SECRET,
        SHOPIFY_DEVSTORE_URL=devstore.url,
        ORBIT_ENCRYPTION_KEY=app.config["ORBIT_ENCRYPTION_KEY"],
        ORBIT_INSTANCE_PATH=str(tmp_path),
        WEB_CONCURRENCY="2",
        PORT=str(port),
    )
    # No -c and no -b: gunicorn finds ./gunicorn.conf.py itself, which binds to $PORT.
    process = subprocess.Popen(
        [str(GUNICORN), "--log-level", "warning", "app:create_app()"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, "gunicorn exited during start-up"
            try:
                httpx.get(f"{url}/health", timeout=2)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "gunicorn did not start within 60 s"
                time.sleep(0.2)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


@pytest.fixture
def installed(client, shopify) -> None:
    home = client.get("/", query_string={"shop": DEMO_SHOP, "id_token": shopify.session_token(DEMO_SHOP)})
    assert home.status_code == 200


def stored_webhook_ids(app) -> list[str]:
    with app.app_context():
        return sorted(db.request_session().scalars(select(WebhookDelivery.webhook_id)))


def test_gunicorn_with_the_project_settings_stores_whole_and_chunked_deliveries(
    app, installed, shopify, gunicorn_url
):
    body = json_body({"id": 820982911946154508, "email": "jon@example.com"})

    whole = shopify.webhook_headers("customers/create", DEMO_SHOP, body, webhook_id="whole")
    assert httpx.post(f"{gunicorn_url}/webhooks/customers", content=body, headers=whole).status_code == 200

    chunked = shopify.webhook_headers("customers/create", DEMO_SHOP, body, webhook_id="chunked")
    pieces = iter([body[:10], body[10:]])  # a generator body: httpx sends it chunked
    response = httpx.post(f"{gunicorn_url}/webhooks/customers", content=pieces, headers=chunked)
    assert response.status_code == 200

    forged = shopify.webhook_headers("customers/create", DEMO_SHOP, body, webhook_id="forged", secret="nope")
    assert httpx.post(f"{gunicorn_url}/webhooks/customers", content=body, headers=forged).status_code == 401

    assert stored_webhook_ids(app) == ["chunked", "whole"]
    with app.app_context():
        payloads = {bytes(row.payload) for row in db.request_session().scalars(select(WebhookDelivery))}
    assert payloads == {body}


def test_gunicorn_refuses_an_oversized_chunked_body_without_storing_it(app, installed, shopify, gunicorn_url):
    # No Content-Length to refuse on: the intake reads one byte past the limit and stops.
    body = json_body({"note": "x" * (app.config["WEBHOOK_MAX_BODY_BYTES"] + 10)})
    headers = shopify.webhook_headers("orders/create", DEMO_SHOP, body, webhook_id="huge")
    pieces = iter([body[i : i + 65536] for i in range(0, len(body), 65536)])
    response = httpx.post(f"{gunicorn_url}/webhooks/orders", content=pieces, headers=headers, timeout=30)
    assert response.status_code == 413
    assert stored_webhook_ids(app) == []
