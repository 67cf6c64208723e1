"""Session tokens (App Bridge id tokens): shopifyapp checks signature (current and previous
secret), expiry with its 10 s leeway and audience; Orbit adds the checks Shopify's other
libraries make: the required claims, a valid shop in `dest`, and `iss` on the same shop."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from shopify.utils.shop_url import sanitize_shop_domain
from shopify_app.types import IdTokenDetails, Res

from app.shopify import clients

REQUIRED_CLAIMS = ("iss", "dest", "aud", "exp", "nbf", "sub")
RETRY_HEADER = "X-Shopify-Retry-Invalid-Session-Request"
PATCH_ID_TOKEN_PATH = "/auth/patch-id-token"


class InvalidSessionToken(Exception):
    """The token is missing, forged, expired or not for this app; `code` says which."""

    def __init__(self, code: str, detail: str, response: Res | None = None) -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail
        # shopifyapp's suggested answer: a redirect to the patch page for a document load.
        self.response = response


@dataclass(frozen=True)
class VerifiedSessionToken:
    shop_domain: str
    user_id: str | None
    claims: dict[str, Any]
    id_token: IdTokenDetails
    # Headers Shopify asks for on a document response (CSP frame-ancestors, preload links).
    response_headers: dict[str, str]


def _host(url: str) -> str:
    return (urlsplit(url if "://" in url else f"https://{url}").hostname or "").lower()


def check_claims(claims: dict[str, Any]) -> str:
    """The shop domain the claims speak for; InvalidSessionToken when they do not hold together."""
    missing = [name for name in REQUIRED_CLAIMS if claims.get(name) in (None, "")]
    if missing:
        raise InvalidSessionToken("missing_claims", f"session token lacks {', '.join(missing)}")
    dest_host = _host(str(claims["dest"]))
    shop = sanitize_shop_domain(dest_host)
    if shop is None or shop != dest_host:
        raise InvalidSessionToken("invalid_dest", "dest is not a myshopify.com shop")
    if _host(str(claims["iss"])) != dest_host:
        raise InvalidSessionToken("iss_dest_mismatch", "iss and dest name different shops")
    return shop


def verify_request(method: str, url: str, headers: dict[str, str], body: str = "") -> VerifiedSessionToken:
    """Verify a request that carries a session token (Authorization header or id_token query)."""
    result = clients.shopify_app().verify_app_home_req(
        {"method": method, "url": url, "headers": headers, "body": body},
        app_home_patch_id_token_path=PATCH_ID_TOKEN_PATH,
    )
    if not result.ok or result.id_token is None:
        raise InvalidSessionToken(result.log.code, result.log.detail, result.response)
    claims = dict(result.id_token.claims)
    shop = check_claims(claims)
    return VerifiedSessionToken(
        shop_domain=shop,
        user_id=str(claims.get("sub")) if claims.get("sub") else None,
        claims=claims,
        id_token=result.id_token,
        response_headers=dict(result.response.headers),
    )
