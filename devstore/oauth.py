"""Shopify's OAuth endpoints: token exchange, authorization code, refresh (PLATFORM 2.2-2.3).

Request and response shapes follow what `shopifyapp` 1.0.2 sends and parses: errors are
`{"error": ..., "error_description": ...}` and the library keys its behaviour on `error`
(`invalid_subject_token` -> retry with a fresh session token, `invalid_client` -> credentials
wrong or app uninstalled, `invalid_grant` -> the merchant must authenticate again).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, jsonify, redirect, request

from devstore.state import current_state, require_shop
from devstore.store import Shop
from devstore.tokens import Grant, InvalidGrant, InvalidSessionToken, verify_session_token

bp = Blueprint("devstore_oauth", __name__)

TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"
ID_TOKEN = "urn:ietf:params:oauth:token-type:id_token"
OFFLINE_TOKEN = "urn:shopify:params:oauth:token-type:offline-access-token"
ONLINE_TOKEN = "urn:shopify:params:oauth:token-type:online-access-token"

# Descriptions as Shopify's Doorkeeper-based token endpoint words them.
INVALID_CLIENT = (
    "Client authentication failed due to unknown client, no client authentication included, "
    "or unsupported authentication method."
)
INVALID_GRANT = (
    "The provided authorization grant is invalid, expired, revoked, does not match the "
    "redirection URI used in the authorization request, or was issued to another client."
)


def oauth_error(status: int, error: str, description: str):
    return jsonify(error=error, error_description=description), status


def oauth_hmac(params: dict[str, Any], secret: str) -> str:
    """Hex HMAC-SHA256 over the sorted `k=v&...` query, escaped as Shopify does (PLATFORM 2.3)."""
    pairs = []
    for key, value in params.items():
        if key == "hmac":
            continue
        if key.endswith("[]"):
            key = key[:-2]
            value = json.dumps([str(v) for v in value])
        key = str(key).replace("%", "%25").replace("=", "%3D")
        value = str(value).replace("%", "%25")
        pairs.append(f"{key}={value}".replace("&", "%26"))
    message = "&".join(sorted(pairs))
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def request_params() -> dict[str, Any]:
    """Token requests come as JSON (shopifyapp) or form-encoded (ShopifyAPI), sometimes in the URL."""
    params: dict[str, Any] = dict(request.args.items())
    params.update(request.form.items())
    body = request.get_json(silent=True)
    if isinstance(body, dict):
        params.update(body)
    return params


def is_truthy(value: Any) -> bool:
    return str(value).strip().lower() in {"1", "true"}


@bp.post("/admin/oauth/access_token")
def access_token():
    """Issue an access token by token exchange, authorization code or refresh token."""
    shop = require_shop()
    state = current_state()
    params = request_params()
    if (
        params.get("client_id") != state.config.client_id
        or params.get("client_secret") not in state.config.client_secrets()
        or not state.credentials.is_installed(shop.domain)
    ):
        return oauth_error(401, "invalid_client", INVALID_CLIENT)

    grant_type = params.get("grant_type")
    if grant_type == TOKEN_EXCHANGE:
        return token_exchange(shop, params)
    if grant_type == "refresh_token":
        try:
            grant = state.credentials.refresh(shop.domain, str(params.get("refresh_token", "")))
        except InvalidGrant:
            return oauth_error(400, "invalid_grant", INVALID_GRANT)
        return jsonify(grant_body(grant))
    if grant_type in (None, "authorization_code") and params.get("code"):
        return authorization_code(shop, params)
    return oauth_error(400, "unsupported_grant_type", "The authorization grant type is not supported.")


def token_exchange(shop: Shop, params: dict[str, Any]):
    state = current_state()
    requested = params.get("requested_token_type")
    if requested not in (OFFLINE_TOKEN, ONLINE_TOKEN):
        return oauth_error(400, "invalid_request", "requested_token_type is missing or invalid.")
    subject_token = str(params.get("subject_token") or "")
    subject_type = params.get("subject_token_type")
    if subject_type == OFFLINE_TOKEN and requested == OFFLINE_TOKEN:
        # Migration of a non-expiring offline token to an expiring one.
        try:
            return jsonify(grant_body(state.credentials.migrate_to_expiring(shop.domain, subject_token)))
        except InvalidGrant:
            return oauth_error(400, "invalid_subject_token", "The subject token is invalid.")
    if subject_type != ID_TOKEN:
        return oauth_error(400, "invalid_request", "subject_token_type is missing or invalid.")
    try:
        claims = verify_session_token(
            subject_token, state.config.client_id, state.config.client_secrets(), shop.domain
        )
    except InvalidSessionToken as exc:
        return oauth_error(400, "invalid_subject_token", f"The subject token is invalid: {exc}")
    if requested == ONLINE_TOKEN:
        grant = state.credentials.issue_online(shop.domain, associated_user(shop, claims["sub"]))
    else:
        grant = state.credentials.issue_offline(shop.domain, is_truthy(params.get("expiring", 0)))
    return jsonify(grant_body(grant))


def authorization_code(shop: Shop, params: dict[str, Any]):
    state = current_state()
    try:
        code = state.credentials.redeem_code(shop.domain, str(params["code"]))
    except InvalidGrant:
        return oauth_error(400, "invalid_grant", INVALID_GRANT)
    if code.online:
        grant = state.credentials.issue_online(shop.domain, associated_user(shop, code.user_id))
    else:
        grant = state.credentials.issue_offline(shop.domain, is_truthy(params.get("expiring", 0)))
    return jsonify(grant_body(grant))


def grant_body(grant: Grant) -> dict[str, Any]:
    """The token endpoint's JSON: expiry and refresh fields only for expiring tokens."""
    state = current_state()
    access = grant.access
    body: dict[str, Any] = {"access_token": access.value, "scope": ",".join(access.scopes)}
    now = state.clock.now()
    if access.expires_at is not None:
        body["expires_in"] = int(access.expires_at - now)
    if grant.refresh is not None:
        body["refresh_token"] = grant.refresh.value
        body["refresh_token_expires_in"] = int(grant.refresh.expires_at - now)
    if access.online and access.user is not None:
        body["associated_user_scope"] = body["scope"]
        body["associated_user"] = access.user
    return body


def associated_user(shop: Shop, user_id: int | str) -> dict[str, Any]:
    """The staff member behind an online token; the devstore's staff are made up from the id."""
    numeric_id = int(user_id) if str(user_id).isdigit() else 1
    return {
        "id": numeric_id,
        "first_name": "Staff",
        "last_name": f"Member {numeric_id}",
        "email": f"staff{numeric_id}@{shop.domain}",
        "account_owner": numeric_id == 1,
        "locale": "en",
        "collaborator": False,
        "email_verified": True,
    }


@bp.get("/admin/oauth/authorize")
def authorize():
    """The merchant's consent screen, auto-approved: install the app and redirect with a code."""
    shop = require_shop()
    state = current_state()
    if request.args.get("client_id") != state.config.client_id:
        return "Oauth error invalid_request: The client_id is not known.", 400
    redirect_uri = request.args.get("redirect_uri", "")
    if not redirect_uri.startswith(state.config.app_url.rstrip("/") + "/") and (
        redirect_uri != state.config.app_url.rstrip("/")
    ):
        return (
            "Oauth error invalid_request: The redirect_uri and application url must have matching hosts",
            400,
        )
    requested = tuple(s.strip() for s in request.args.get("scope", "").split(",") if s.strip())
    state.credentials.install(shop.domain, requested or state.config.scopes)
    online = "per-user" in request.args.getlist("grant_options[]")
    code = state.credentials.create_code(
        shop.domain, state.credentials.granted_scopes(shop.domain), online, user_id=1
    )
    shop_name = shop.domain.removesuffix(".myshopify.com")
    params = {
        "code": code,
        "host": base64.b64encode(f"admin.shopify.com/store/{shop_name}".encode()).decode(),
        "shop": shop.domain,
        "state": request.args.get("state", ""),
        "timestamp": str(int(time.time())),
    }
    params["hmac"] = oauth_hmac(params, state.config.client_secret)
    separator = "&" if "?" in redirect_uri else "?"
    return redirect(f"{redirect_uri}{separator}{urlencode(params)}", code=302)


@bp.get("/admin/oauth/access_scopes.json")
def access_scopes():
    """The REST access-scopes endpoint some libraries call after an install."""
    shop = require_shop()
    state = current_state()
    token = state.credentials.authenticate(shop.domain, request.headers.get("X-Shopify-Access-Token"))
    if token is None:
        return jsonify(
            errors="[API] Invalid API key or access token (unrecognized login or wrong password)"
        ), 401
    return jsonify(access_scopes=[{"handle": scope} for scope in token.scopes])
