"""The storefront side of an app proxy, signed like Shopify's.

`GET /apps/<subpath>/<rest>?shop=<shop>` (the shop also from a `*.myshopify.com` Host) is
forwarded to the app at `{app_url}{proxy path}/<rest>` with the buyer's query plus `shop`,
`path_prefix`, `timestamp` and `logged_in_customer_id` (from `?as_customer=<id>`, the devstore's
stand-in for a signed-in buyer), and `signature`: hex HMAC-SHA256, keyed with the client secret,
of the sorted `key=value` pairs concatenated without separators (several values of one key
joined by commas). The app's answer (status, Location, body) goes back to the browser.

`GET /discount/<code>?redirect=<path>` is Shopify's shareable discount URL: it puts the code in
the cart (remembered per shop, see `applied_codes`) and redirects.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from urllib.parse import urlencode, urlsplit

import httpx
from flask import Blueprint, Response, redirect, request

from devstore.state import current_state, not_found, read_app_toml, shop_domain_from_request

bp = Blueprint("devstore_app_proxy", __name__)


def proxy_config() -> tuple[str, str, str]:
    """(prefix, subpath, app path) from shopify.app.toml's [app_proxy]."""
    section = read_app_toml().get("app_proxy", {})
    path = urlsplit(section.get("url", "/proxy")).path or "/proxy"
    return section.get("prefix", "apps"), section.get("subpath", "orbit"), path.rstrip("/")


def signature(params: dict[str, list[str]], secret: str) -> str:
    message = "".join(f"{key}={','.join(values)}" for key, values in sorted(params.items()))
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def signed_params(
    query: dict[str, list[str]],
    shop: str,
    path_prefix: str,
    secret: str,
    customer: str = "",
    now: float | None = None,
) -> dict[str, list[str]]:
    params = {k: list(v) for k, v in query.items() if k not in ("signature", "as_customer")}
    params.update(
        shop=[shop],
        path_prefix=[path_prefix],
        timestamp=[str(int(now if now is not None else time.time()))],
        logged_in_customer_id=[customer],
    )
    params["signature"] = [signature(params, secret)]
    return params


@bp.get("/apps/<subpath>/<path:rest>")
def forward(subpath: str, rest: str) -> Response:
    """Forward a storefront request under the proxy prefix to the app, signed."""
    state = current_state()
    shop = state.store.get(shop_domain_from_request())
    prefix, wanted_subpath, app_path = proxy_config()
    if shop is None or subpath != wanted_subpath:
        return not_found()
    query = {key: request.args.getlist(key) for key in request.args}
    params = signed_params(
        query,
        shop.domain,
        f"/{prefix}/{subpath}",
        state.config.client_secret,
        request.args.get("as_customer", ""),
    )
    target = f"{state.config.app_url.rstrip('/')}{app_path}/{rest}?{urlencode(params, doseq=True)}"
    answer = httpx.get(target, timeout=10, follow_redirects=False)
    response = Response(
        answer.content, status=answer.status_code, content_type=answer.headers.get("content-type")
    )
    if "location" in answer.headers:
        response.headers["Location"] = answer.headers["location"]
    return response


def applied_codes(shop) -> list[str]:
    found = getattr(shop, "_cart_codes", None)
    if found is None:
        found = []
        shop._cart_codes = found
    return found


@bp.get("/discount/<code>")
def discount_link(code: str) -> Response:
    """Shopify's shareable discount link: the code goes into the cart, then on to `redirect`."""
    shop = current_state().store.get(shop_domain_from_request())
    if shop is None:
        return not_found()
    applied_codes(shop).append(code)
    destination = request.args.get("redirect") or "/"
    return redirect(destination if destination.startswith("/") else "/", code=302)
