"""App home and install endpoints: the embedded load (id token -> token exchange), the
authorization-code install for starts outside the admin, and the id-token patch page."""

from __future__ import annotations

import logging
from urllib.parse import urlencode

import httpx
import shopify
from flask import Blueprint, Response, current_app, g, redirect, render_template, request

from app import db, frontend_bundle
from app.errors import error_response
from app.security import installed_shop
from app.shopify import clients, oauth, tokens
from app.shopify.session_tokens import PATCH_ID_TOKEN_PATH, InvalidSessionToken, verify_request

log = logging.getLogger(__name__)
bp = Blueprint("auth", __name__)


def _html_response(body: str, status: int, headers: dict[str, str]) -> Response:
    response = Response(body, status=status, mimetype="text/html")
    response.headers.update(headers)
    return response


def _request_input() -> dict:
    return {"method": request.method, "url": request.url, "headers": dict(request.headers), "body": ""}


def _callback_url() -> str:
    return current_app.config["SHOPIFY_APP_URL"].rstrip("/") + "/auth/callback"


def _embedded_app_url(shop_domain: str) -> str:
    """Where a merchant lands after an install: the app inside the admin, or standalone in dev."""
    if clients.devstore_url():
        return "/?" + urlencode({"shop": shop_domain})
    handle = shop_domain.removesuffix(".myshopify.com")
    return f"https://admin.shopify.com/store/{handle}/apps/{current_app.config['SHOPIFY_API_KEY']}"


# The UI's pages (frontend/src/App.jsx): a reload or a deep link lands on the same document.
UI_PAGES = (
    "/",
    "/segments",
    "/segments/new",
    "/segments/<int:segment_id>",
    "/customers",
    "/customers/<int:customer_id>",
    "/leads",
    "/referrals",
    "/recommendations",
    "/support",
    "/activity",
    "/settings",
)


def app_home(**_page_args: int) -> Response:
    """The embedded app's document: verified through its id token, installed on first load."""
    params = request.args
    if "id_token" not in params and "hmac" in params:
        # A launch from outside the admin (install link, app listing): Shopify signs the query.
        if not shopify.Session.validate_params(params.to_dict()):
            return error_response(400, "invalid HMAC or stale timestamp")
        try:
            domain = oauth.valid_shop_domain(params.get("shop"))
        except oauth.OAuthError as exc:
            return error_response(400, str(exc))
        shop = tokens.find_shop(db.request_session(), domain)
        if shop is None or not shop.is_installed:
            return redirect("/auth/install?" + urlencode({"shop": domain}))
        if params.get("embedded") != "1":
            return redirect(_embedded_app_url(domain))
    if "id_token" not in params and not params.get("shop"):
        return error_response(400, "missing shop parameter: open Orbit from the Shopify admin")
    if "id_token" not in params:
        try:
            oauth.valid_shop_domain(params.get("shop"))
        except oauth.OAuthError as exc:
            return error_response(400, str(exc))
    try:
        verified = verify_request(request.method, request.url, dict(request.headers))
    except InvalidSessionToken as exc:
        if exc.response is not None and exc.response.status == 302:
            # No or stale id token on a document load: the patch page fetches a fresh one.
            return _html_response(exc.response.body, 302, exc.response.headers)
        log.info("app home refused: %s", exc.code)
        return error_response(401, "invalid session token")
    g.shop_domain = verified.shop_domain
    shop = installed_shop(verified)
    if shop is None:
        return error_response(401, "Shopify did not authorise Orbit for this shop")
    body = frontend_bundle.render_index(
        current_app.config["SHOPIFY_API_KEY"], shop.domain, standalone=bool(clients.devstore_url())
    )
    return _html_response(body, 200, verified.response_headers)


def unknown_page() -> Response:
    """A path the UI has no page for: the app's document (its router shows "Page not found") with
    status 404; the auth steps (id token bounce, install redirect, 401) answer as on any page."""
    response = app_home()
    if response.status_code == 200:
        response.status_code = 404
    return response


for _page in UI_PAGES:
    bp.add_url_rule(_page, view_func=app_home, methods=["GET"], endpoint="app_home")


@bp.get("/auth/install")
def install() -> Response:
    """Start the authorization-code grant (installs that begin outside the admin)."""
    session = db.request_session()
    try:
        url = oauth.begin(session, request.args.get("shop"), _callback_url(), current_app.config["SCOPES"])
    except oauth.OAuthError as exc:
        return error_response(400, str(exc))
    session.commit()
    return redirect(url)


@bp.get("/auth/callback")
def callback() -> Response:
    """Finish the authorization-code grant: verify everything Shopify sent, store the token."""
    session = db.request_session()
    try:
        shop = oauth.complete(session, request.args.to_dict())
    except oauth.OAuthError as exc:
        session.commit()  # a consumed state stays consumed, even when the callback fails
        log.info("oauth callback refused: %s", exc)
        return error_response(400, str(exc))
    session.commit()
    return redirect(_embedded_app_url(shop.domain))


@bp.get(PATCH_ID_TOKEN_PATH)
def patch_id_token() -> Response:
    """The page that fetches a fresh id token and reloads the app home with it."""
    if clients.devstore_url():
        shop = request.args.get("shop", "")
        reload_path = request.args.get("shopify-reload", "/")
        try:
            oauth.valid_shop_domain(shop)
        except oauth.OAuthError as exc:
            return error_response(400, str(exc))
        if not reload_path.startswith("/") or reload_path.startswith("//"):
            return error_response(400, "shopify-reload must be a path on this app")
        body = render_template("patch_id_token.html", shop_domain=shop, reload_path=reload_path)
        return _html_response(body, 200, {})
    result = clients.shopify_app().app_home_patch_id_token(_request_input())
    return _html_response(result.response.body, result.response.status, result.response.headers)


@bp.get("/auth/dev-session-token")
def dev_session_token() -> Response:
    """Development only: a session token minted by the devstore, standing in for App Bridge."""
    target = clients.devstore_url()
    if not target:
        return error_response(404, "not found")
    try:
        shop = oauth.valid_shop_domain(request.args.get("shop"))
    except oauth.OAuthError as exc:
        return error_response(400, str(exc))
    try:
        response = httpx.post(f"{target.rstrip('/')}/_devstore/session-token", json={"shop": shop}, timeout=5)
    except httpx.HTTPError:
        return error_response(503, "the devstore is not reachable")
    if response.status_code != 200:
        return error_response(502, "the devstore refused to mint a session token")
    return Response(response.content, status=200, mimetype="application/json")
