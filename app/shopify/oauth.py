"""The authorization-code grant, for installs that start outside the Shopify admin.

ShopifyAPI does the checks (shop-domain sanitising, the query HMAC and its one-day replay
window, the permission URL); Orbit keeps the state nonce single-use in the database and
swaps the code for an expiring offline token through the routed HTTP client.
"""

from __future__ import annotations

import re
import secrets
from datetime import timedelta
from urllib.parse import urlencode, urlsplit

import shopify
from shopify.utils.shop_url import sanitize_shop_domain
from shopify_app.types import TokenExchangeAccessToken
from sqlalchemy.orm import Session

from app.models import OAuthState, Shop, utcnow
from app.shopify import API_VERSION, clients, tokens

STATE_LIFETIME = timedelta(minutes=10)
# A handle is one DNS label (at most 63 characters), optionally with Shopify's suffix.
SHOP_PARAMETER = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.myshopify\.com)?")


class OAuthError(Exception):
    """The install request or callback cannot be trusted; the message is safe to show."""


def valid_shop_domain(raw: str | None) -> str:
    """'{handle}.myshopify.com' from a shop parameter; OAuthError for anything else.

    ShopifyAPI's sanitiser keeps the host of a URL and drops the rest ('x.myshopify.com/../y'
    passes); like Shopify's Node validator, Orbit accepts only a bare domain or handle.
    """
    bare = re.sub(r"^https?://", "", (raw or "").strip().lower()).rstrip("/")
    domain = sanitize_shop_domain(bare) if SHOP_PARAMETER.fullmatch(bare) else None
    if not domain:
        raise OAuthError("shop must be a valid <name>.myshopify.com domain")
    return domain


def begin(session: Session, raw_shop: str | None, redirect_uri: str, scopes: str) -> str:
    """The URL of Shopify's authorise screen, with a fresh single-use state nonce."""
    domain = valid_shop_domain(raw_shop)
    nonce = secrets.token_urlsafe(32)
    session.add(OAuthState(nonce=nonce, shop_domain=domain))
    url = shopify.Session(domain, API_VERSION).create_permission_url(
        [scope for scope in scopes.split(",") if scope], redirect_uri, state=nonce
    )
    devstore = clients.devstore_url()
    if devstore:
        # The browser cannot reach *.myshopify.com here: send it to the devstore, naming the shop.
        parts = urlsplit(url)
        url = f"{devstore.rstrip('/')}{parts.path}?{parts.query}&{urlencode({'shop': domain})}"
    return url


def _consume_state(session: Session, nonce: str | None, domain: str) -> None:
    if not nonce:
        raise OAuthError("missing state")
    state = session.get(OAuthState, nonce, with_for_update=True)
    if state is None:
        raise OAuthError("unknown or already used state")
    session.delete(state)
    session.flush()
    if state.shop_domain != domain:
        raise OAuthError("state was issued for another shop")
    if state.created_at < utcnow() - STATE_LIFETIME:
        raise OAuthError("state has expired; start the install again")


def complete(session: Session, params: dict[str, str]) -> Shop:
    """Check the callback (shop, HMAC, timestamp, state) and store the offline token."""
    domain = valid_shop_domain(params.get("shop"))
    if not params.get("code"):
        raise OAuthError("missing code")
    # validate_params: HMAC over the sorted query and a timestamp no older than a day.
    if not shopify.Session.validate_params(dict(params)):
        raise OAuthError("invalid HMAC or stale timestamp")
    _consume_state(session, params.get("state"), domain)
    token = _exchange_code(domain, params["code"])
    return tokens.save_offline_token(session, token, new_grant=True)


def _exchange_code(domain: str, code: str) -> TokenExchangeAccessToken:
    app = clients.shopify_app()
    body = {
        "client_id": app.config["client_id"],
        "client_secret": app.config["client_secret"],
        "code": code,
        # Public apps must hold expiring offline tokens (mandatory for all from 2027-01-01).
        "expiring": "1",
    }
    with clients.http_client() as http:
        response = http.post(f"https://{domain}/admin/oauth/access_token", json=body)
    if response.status_code != 200:
        raise OAuthError(f"Shopify refused the authorization code ({response.status_code})")
    data = response.json()
    now = utcnow()
    expires_in = data.get("expires_in")
    refresh_expires_in = data.get("refresh_token_expires_in")
    return TokenExchangeAccessToken(
        shop=domain,
        token=data["access_token"],
        expires=_iso_after(now, expires_in),
        scope=data.get("scope", ""),
        access_mode="offline",
        refresh_token=data.get("refresh_token"),
        refresh_token_expires=_iso_after(now, refresh_expires_in),
        user=None,
    )


def _iso_after(start, seconds) -> str | None:
    if seconds is None:
        return None
    return (start + timedelta(seconds=int(seconds))).strftime("%Y-%m-%dT%H:%M:%SZ")
