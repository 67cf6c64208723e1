"""Cross-cutting request checks: `session_token_required` for /api, and the response headers
Shopify asks of anything rendered inside the admin."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, g, request

from app import db
from app.errors import error_response
from app.models import Shop
from app.shopify import tokens
from app.shopify.session_tokens import RETRY_HEADER, InvalidSessionToken, VerifiedSessionToken, verify_request

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    app.after_request(add_admin_headers)


def frame_ancestors(shop_domain: str | None) -> str:
    sources = ["https://admin.shopify.com"]
    if shop_domain:
        sources.insert(0, f"https://{shop_domain}")
    return f"frame-ancestors {' '.join(sources)};"


def add_admin_headers(response: Response) -> Response:
    # Only the admin (and the shop's own domain) may frame Orbit: clickjacking protection.
    response.headers.setdefault("Content-Security-Policy", frame_ancestors(g.get("shop_domain")))
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    return response


def installed_shop(verified: VerifiedSessionToken) -> Shop | None:
    """The token's shop, installed on the spot by token exchange if it is not yet (or no longer).

    The id token is exchangeable, so Orbit installs or reinstalls as Shopify's templates do,
    rather than sending the merchant round an install redirect. None when Shopify refuses.
    """
    session = db.request_session()
    shop = tokens.find_shop(session, verified.shop_domain)
    if shop is not None and shop.is_installed:
        return shop
    try:
        shop = tokens.install_from_id_token(session, verified.id_token)
        session.commit()
    except tokens.TokenError as exc:
        session.rollback()
        log.warning("token exchange failed for %s: %s", verified.shop_domain, exc.code)
        return None
    return shop


def _unauthorized(message: str) -> Response:
    # App Bridge fetches a fresh token and retries once when it sees this header.
    return error_response(401, message, **{RETRY_HEADER: "1"})


def session_token_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Admit only requests with a valid session token; sets g.shop and g.session_token."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not request.headers.get("Authorization", "").startswith("Bearer "):
            return _unauthorized("missing session token")
        try:
            verified = verify_request(
                request.method,
                request.url,
                dict(request.headers),
                request.get_data(as_text=True) if request.content_length else "",
            )
        except InvalidSessionToken as exc:
            log.info("session token refused: %s", exc.code)
            return _unauthorized("invalid session token")
        g.shop_domain = verified.shop_domain
        shop = installed_shop(verified)
        if shop is None:
            return _unauthorized("this shop has not authorised Orbit")
        g.shop = shop
        g.session_token = verified
        return view(*args, **kwargs)

    return wrapped
