"""The devstore's configuration and the per-process state its blueprints share.

`DevstoreConfig` describes the one app the devstore knows (credentials, URL, scopes, webhook
subscriptions) and the plan it simulates. By default the app's scopes and webhook subscriptions
come from the project's `shopify.app.toml`, as Shopify reads them from the deployed app config.
"""

from __future__ import annotations

import threading
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import Flask, abort, current_app, jsonify, make_response, request

from devstore.schema import API_VERSION, PROJECT_ROOT
from devstore.store import Shop, Store

if TYPE_CHECKING:
    from devstore.tokens import Credentials
    from devstore.webhooks import WebhookSender

APP_TOML_PATH = PROJECT_ROOT / "shopify.app.toml"
DEV_CLIENT_ID = "orbit-devstore-client-id"
DEV_CLIENT_SECRET = "orbit-devstore-client-secret-for-development"  # >= 32 bytes for HS256
DEFAULT_SCOPES = (
    "read_customers",
    "write_customers",
    "read_orders",
    "read_all_orders",
    "read_products",
    "write_products",
    "write_discounts",
)
# Shopify retries a failed delivery 8 times over about 4 hours (PLATFORM 1.4).
SHOPIFY_RETRY_DELAYS = (10.0, 30.0, 60.0, 300.0, 900.0, 1800.0, 3600.0, 7200.0)
MYSHOPIFY_SUFFIX = ".myshopify.com"


def read_app_toml(path: Path = APP_TOML_PATH) -> dict[str, Any]:
    """The app's shopify.app.toml as a dict; empty when the file does not exist yet."""
    if not path.exists():
        return {}
    with path.open("rb") as fh:
        return tomllib.load(fh)


def app_toml_scopes(path: Path = APP_TOML_PATH) -> tuple[str, ...]:
    raw = read_app_toml(path).get("access_scopes", {}).get("scopes")
    if not raw:
        return DEFAULT_SCOPES
    return tuple(scope.strip() for scope in raw.split(",") if scope.strip())


def app_toml_webhook_subscriptions(path: Path = APP_TOML_PATH) -> dict[str, str]:
    """topic -> uri for every `[[webhooks.subscriptions]]` entry (topics and compliance_topics)."""
    subscriptions: dict[str, str] = {}
    for entry in read_app_toml(path).get("webhooks", {}).get("subscriptions", []):
        uri = entry.get("uri")
        if not uri:
            continue
        for topic in [*entry.get("topics", []), *entry.get("compliance_topics", [])]:
            subscriptions[topic] = uri
    return subscriptions


def app_toml_webhook_api_version(path: Path = APP_TOML_PATH) -> str:
    return read_app_toml(path).get("webhooks", {}).get("api_version", API_VERSION)


@dataclass
class DevstoreConfig:
    host: str = "127.0.0.1"
    port: int = 8081
    client_id: str = DEV_CLIENT_ID
    client_secret: str = DEV_CLIENT_SECRET
    # During a secret rotation Shopify still honours the previous secret for a while.
    old_client_secret: str | None = None
    app_url: str = "http://127.0.0.1:5000"
    scopes: tuple[str, ...] = field(default_factory=app_toml_scopes)
    restore_rate: float = 100.0
    bucket_size: float = 1000.0
    access_token_ttl: int = 3600
    refresh_token_ttl: int = 90 * 24 * 3600
    online_token_ttl: int = 24 * 3600
    webhook_subscriptions: dict[str, str] = field(default_factory=app_toml_webhook_subscriptions)
    webhook_api_version: str = field(default_factory=app_toml_webhook_api_version)
    webhook_retry_delays: tuple[float, ...] = SHOPIFY_RETRY_DELAYS
    webhook_timeout: float = 5.0

    def client_secrets(self) -> tuple[str, ...]:
        """The secrets the devstore accepts: current first, then the one being rotated out."""
        return tuple(s for s in (self.client_secret, self.old_client_secret) if s)

    def __post_init__(self) -> None:
        if isinstance(self.scopes, str):  # "read_customers,write_customers" as in the toml
            self.scopes = tuple(s.strip() for s in self.scopes.split(",") if s.strip())
        self.scopes = tuple(self.scopes)


class Clock:
    """Wall-clock seconds that tests can move forward, so token expiry needs no sleeping."""

    def __init__(self) -> None:
        self.offset = 0.0
        self._lock = threading.Lock()

    def now(self) -> float:
        return time.time() + self.offset

    def advance(self, seconds: float) -> float:
        with self._lock:
            self.offset += seconds
            return self.offset


@dataclass
class ThrottleSettings:
    restore_rate: float
    bucket_size: float


@dataclass
class DevstoreState:
    config: DevstoreConfig
    store: Store
    credentials: Credentials
    webhooks: WebhookSender
    clock: Clock
    throttle: ThrottleSettings
    # shop domain -> LeakyBucket; one bucket per (app, shop) and the devstore knows one app.
    buckets: dict[str, Any] = field(default_factory=dict)
    buckets_lock: threading.Lock = field(default_factory=threading.Lock)


def init_state(app: Flask, state: DevstoreState) -> None:
    app.extensions["devstore"] = state


def current_state() -> DevstoreState:
    return current_app.extensions["devstore"]


def normalize_shop_domain(value: str) -> str:
    domain = value.strip().lower().removeprefix("https://").removeprefix("http://")
    domain = domain.split("/", 1)[0].split(":", 1)[0]
    if domain and "." not in domain:
        domain += MYSHOPIFY_SUFFIX
    return domain


def shop_domain_from_request() -> str:
    """Requests meant for {shop}.myshopify.com keep that Host; browser pages pass `shop`."""
    host = request.host.split(":", 1)[0].lower()
    if host.endswith(MYSHOPIFY_SUFFIX):
        return host
    body = request.get_json(silent=True) if request.is_json else None
    candidate = request.args.get("shop") or request.form.get("shop")
    if not candidate and isinstance(body, dict):
        candidate = body.get("shop")
    return normalize_shop_domain(candidate or "")


def require_shop() -> Shop:
    """The shop this request addresses; 404 like Shopify when the devstore has no such shop."""
    shop = current_state().store.get(shop_domain_from_request())
    if shop is None:
        abort(not_found())
    return shop


def not_found():
    return make_response(jsonify(errors="Not Found"), 404)
