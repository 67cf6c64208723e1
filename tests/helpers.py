"""Signing webhooks and minting session tokens the way Shopify does, valid and invalid; a free
port and a scratch PostgreSQL database for tests that start servers or migrate from nothing."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socket
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import jwt
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app.db import normalise_database_url


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on at the moment of asking."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def scratch_postgres_database(server_url: str, prefix: str) -> Iterator[str]:
    """A new, empty database named `prefix` + a random suffix on the PostgreSQL server of
    `server_url`; its URL is yielded, and it is dropped afterwards (connections and all)."""
    server = make_url(normalise_database_url(server_url))
    name = f"{prefix}{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield server.set(database=name).render_as_string(hide_password=False)
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@dataclass
class ShopifyTestHelper:
    client_id: str
    client_secret: str
    old_client_secret: str

    def webhook_signature(self, body: bytes, secret: str | None = None) -> str:
        digest = hmac.new((secret or self.client_secret).encode(), body, hashlib.sha256).digest()
        return base64.b64encode(digest).decode()

    def webhook_headers(
        self,
        topic: str,
        shop: str,
        body: bytes,
        *,
        secret: str | None = None,
        webhook_id: str | None = None,
        triggered_at: str = "2026-11-30T12:00:00.000000Z",
        **overrides: str,
    ) -> dict[str, str]:
        headers = {
            "Content-Type": "application/json",
            "X-Shopify-Topic": topic,
            "X-Shopify-Hmac-Sha256": self.webhook_signature(body, secret),
            "X-Shopify-Shop-Domain": shop,
            "X-Shopify-API-Version": "2026-10",
            "X-Shopify-Webhook-Id": webhook_id or str(uuid.uuid4()),
            "X-Shopify-Triggered-At": triggered_at,
            "X-Shopify-Event-Id": str(uuid.uuid4()),
        }
        headers.update(overrides)
        return headers

    def session_claims(self, shop: str, **overrides: Any) -> dict[str, Any]:
        now = int(time.time())
        claims = {
            "iss": f"https://{shop}/admin",
            "dest": f"https://{shop}",
            "aud": self.client_id,
            "sub": "42",
            "exp": now + 60,
            "nbf": now,
            "iat": now,
            "jti": str(uuid.uuid4()),
            "sid": str(uuid.uuid4()),
        }
        claims.update(overrides)
        return {key: value for key, value in claims.items() if value is not None}

    def session_token(
        self, shop: str, *, secret: str | None = None, algorithm: str = "HS256", **claims: Any
    ) -> str:
        payload = self.session_claims(shop, **claims)
        if algorithm == "none":
            return jwt.encode(payload, None, algorithm="none")
        return jwt.encode(payload, secret or self.client_secret, algorithm=algorithm)

    def bearer(self, token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}


def json_body(data: Any) -> bytes:
    return json.dumps(data, separators=(",", ":")).encode()
