"""Delivery bodies over PostgreSQL's compression threshold (a real order is 5-20 kB) are stored
lz4-compressed (migration 0013) and come back byte for byte."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from app import db
from tests.conftest import DEMO_SHOP
from tests.integration.migration_steps import load_migration
from tests.integration.pipeline_helpers import fixture_bytes, install

# The migration's own test of the server, so the test skips exactly where the migration did.
server_offers_lz4 = load_migration("0013_delivery_payload_lz4.py").server_offers_lz4


def test_an_order_body_is_stored_lz4_compressed_and_read_back_whole(app, client, shopify):
    with app.app_context():
        offered = server_offers_lz4(db.request_session().connection())
    if not offered:
        pytest.skip("column compression with lz4 is PostgreSQL's (14+, built with lz4)")
    install(client, shopify)
    body = fixture_bytes("order.json")
    assert len(body) > 4000  # over the ~2 kB threshold at which PostgreSQL compresses
    headers = shopify.webhook_headers("orders/create", DEMO_SHOP, body, webhook_id="big-order")
    assert client.post("/webhooks/orders", data=body, headers=headers).status_code == 200
    with app.app_context():
        compression, stored_size, payload = (
            db.request_session()
            .execute(
                text(
                    "SELECT pg_column_compression(payload), pg_column_size(payload), payload "
                    "FROM webhook_deliveries WHERE webhook_id = 'big-order'"
                )
            )
            .one()
        )
    assert compression == "lz4"
    assert stored_size < len(body)
    assert bytes(payload) == body
