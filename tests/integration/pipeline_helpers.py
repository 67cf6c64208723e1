"""Shared steps of the pipeline tests: install the demo shop, post signed deliveries, drain."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import select

from app import db
from app.models import Shop, WebhookDelivery
from tests.conftest import DEMO_SHOP
from webhooks.topics import handler_module_for

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "webhooks"


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def fixture(name: str) -> dict[str, Any]:
    return json.loads(fixture_bytes(name))


def install(client, shopify) -> int:
    response = client.get("/", query_string={"shop": DEMO_SHOP, "id_token": shopify.session_token(DEMO_SHOP)})
    assert response.status_code == 200
    with client.application.app_context():
        return db.request_session().scalar(select(Shop.id).where(Shop.domain == DEMO_SHOP))


def uri_for(topic: str) -> str:
    """The subscription's path; topics Orbit does not subscribe to go to the bare endpoint."""
    module = handler_module_for(topic)
    return f"/webhooks/{module}" if module else "/webhooks"


def post(client, shopify, topic: str, body: bytes | dict, **header_options) -> int:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = shopify.webhook_headers(topic, DEMO_SHOP, raw, **header_options)
    return client.post(uri_for(topic), data=raw, headers=headers).status_code


def drain(app, shop_id: int) -> dict[str, int]:
    from jobs.drain import drain_shop

    with app.app_context():
        return drain_shop(shop_id)


def deliveries(app) -> list[WebhookDelivery]:
    with app.app_context():
        session = db.session_factory()()
        try:
            return list(session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)))
        finally:
            session.close()
