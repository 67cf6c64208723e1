"""The shared Shopify library objects and HTTP clients, routed to the devstore when configured."""

from __future__ import annotations

import httpx
import requests
import shopify
from flask import Flask, current_app
from shopify_app import ShopifyApp

from app.shopify.routing import DevstoreAdapter, DevstoreTransport


def init_app(app: Flask) -> None:
    app.extensions["shopify_app"] = ShopifyApp(
        client_id=app.config["SHOPIFY_API_KEY"],
        client_secret=app.config["SHOPIFY_API_SECRET"],
        old_client_secret=app.config.get("SHOPIFY_OLD_API_SECRET") or None,
    )
    # ShopifyAPI keeps its credentials in class attributes; only the app's own are ever set.
    shopify.Session.setup(api_key=app.config["SHOPIFY_API_KEY"], secret=app.config["SHOPIFY_API_SECRET"])


def shopify_app(app: Flask | None = None) -> ShopifyApp:
    return (app or current_app).extensions["shopify_app"]


def devstore_url() -> str | None:
    return current_app.config.get("SHOPIFY_DEVSTORE_URL") or None


def http_client(timeout: float = 10.0) -> httpx.Client:
    """An httpx client for shopifyapp's calls; the caller closes it."""
    target = devstore_url()
    transport = DevstoreTransport(target) if target else None
    return httpx.Client(transport=transport, timeout=timeout)


def requests_session() -> requests.Session:
    """A requests session (connection reuse) for the Admin GraphQL client."""
    session = requests.Session()
    target = devstore_url()
    if target:
        adapter = DevstoreAdapter(target)
        session.mount("https://", adapter)
    return session


def admin_base_url(shop_domain: str) -> str:
    """Where a browser goes for the shop's admin pages (authorize screen, customer pages)."""
    target = devstore_url()
    return target.rstrip("/") if target else f"https://{shop_domain}"
